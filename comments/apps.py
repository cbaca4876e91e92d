from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from allauth.account.signals import email_confirmed

        # allauth verifies addresses in its own views; its email_confirmed
        # signal is the one hook that sees every verification. The receiver
        # only hands the user to the posting service.
        email_confirmed.connect(_publish_verified, dispatch_uid="comments.publish_verified")


def _publish_verified(sender, email_address, **kwargs) -> None:
    from comments.posting import comments_publish_verified

    comments_publish_verified(user=email_address.user)
