from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from readers.models import DISPLAY_NAME_MAX_LENGTH
from readers.names import clean_display_name


def _display_name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text=_(
            "Shown with your comments, and yours alone: no one else can take it, "
            "or a name that looks the same."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up (email and password) with the display name the account
    posts under; readers.adapter saves them together."""

    display_name = _display_name_field()
    field_order = ["email", "display_name", "password1"]

    def clean_display_name(self) -> str:
        return clean_display_name(self.cleaned_data["display_name"])[0]


class DisplayNameForm(forms.Form):
    display_name = _display_name_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_display_name(self) -> str:
        return clean_display_name(self.cleaned_data["display_name"], user=self.user)[0]


class NotificationsForm(forms.Form):
    notify_replies = forms.BooleanField(
        label=_("Email me when someone replies to my comments"), required=False
    )
    notify_moderation = forms.BooleanField(
        label=_("Email me when a moderator approves a comment of mine that was held"),
        required=False,
    )


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in (by username) through allauth's adapter, so allauth's
    failed-login limits (``ACCOUNT_RATE_LIMITS["login_failed"]``) apply to it too:
    Django's own admin login counts nothing."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = get_adapter(self.request).authenticate(
                self.request, username=username, password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
