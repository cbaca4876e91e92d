from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_username


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user) -> None:
        """A username made of nothing the reader typed. allauth's default takes
        the start of the email address, and a username shows wherever a
        display name is not used (the admin's lists, for one)."""
        user_username(user, self.generate_unique_username(["reader"]))
