"""Authentication backends that load the reader's profile with the user.

Every page a signed-in reader opens names them in its header: loading the
profile in the query that loads the user keeps that free.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class _ProfileWithUser:
    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("profile").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class EmailBackend(_ProfileWithUser, AuthenticationBackend):
    """allauth's: readers sign in with their email address (and its rate limits)."""


class UsernameBackend(_ProfileWithUser, ModelBackend):
    """Django's: staff sign in to the admin with their username."""
