from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_username
from django.db import transaction

from readers import services


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user) -> None:
        """A username made of nothing the reader typed. allauth's default takes
        the start of the email address, and a username shows wherever a
        display name is not used (the admin's lists, for one)."""
        user_username(user, self.generate_unique_username(["reader"]))

    def save_user(self, request, user, form, commit=True):
        """The new user and their display name (readers.forms.SignupForm) in one
        write: a name someone took since the form checked it leaves no account.

        The password is hashed before the transaction opens: hashing takes
        longer than all the rest, and on SQLite every writer (readers posting
        comments too) waits while a transaction is open.
        """
        user = super().save_user(request, user, form, commit=False)
        if commit:
            with transaction.atomic():
                user.save()
                services.profile_create(user=user, display_name=form.cleaned_data["display_name"])
        return user
