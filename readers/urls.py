from django.urls import path

from readers import views

app_name = "readers"

# Mounted under /accounts/ before allauth's own URLs: signup/ takes over allauth's.
urlpatterns = [
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("settings/", views.account_settings, name="settings"),
]
