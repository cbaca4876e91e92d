from django.urls import path

from comments import notify_views

app_name = "notifications"
urlpatterns = [
    path("unsubscribe/<str:token>/", notify_views.unsubscribe, name="unsubscribe"),
    path("confirm/<str:token>/", notify_views.confirm_guest, name="confirm"),
    path("replies/<str:token>/feed/", notify_views.replies_feed, name="replies_feed"),
]
