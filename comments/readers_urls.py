from django.urls import path

from comments import readers_views

app_name = "reader_pages"
urlpatterns = [
    # Display names may hold slashes.
    path("readers/<path:name>/", readers_views.reader_profile, name="profile"),
    path("accounts/comments/", readers_views.my_comments, name="mine"),
    path("accounts/delete/", readers_views.account_delete, name="delete"),
]
