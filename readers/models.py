"""A reader's public identity: the display name their account posts under.

The account itself is Django's ``auth.User`` with allauth's email addresses;
the profile adds what readers see of it. A deleted account keeps its user row
and profile, emptied (see ``readers.services.account_delete``), so whatever
points at the user still has something to say: "deleted account".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DISPLAY_NAME_MAX_LENGTH = 50
# A name's key can be longer than the name: NFKC and case folding expand some
# characters (ß is ss, ﬃ is ffi); readers.names refuses names past this.
NAME_KEY_MAX_LENGTH = 200


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    display_name = models.CharField(
        _("display name"), max_length=DISPLAY_NAME_MAX_LENGTH, blank=True
    )
    # NULL, not "", once deleted: unique allows any number of NULLs.
    name_key = models.CharField(  # noqa: DJ001
        _("name key"),
        max_length=NAME_KEY_MAX_LENGTH,
        unique=True,
        null=True,
        editable=False,
        help_text=_(
            "The name as compared: case, Unicode forms, spacing and look-alike letters "
            "folded, so no two readers' names can be confused."
        ),
    )
    joined = models.DateTimeField(_("joined"), default=timezone.now)
    deleted = models.DateTimeField(
        _("deleted"), null=True, blank=True, help_text=_("When the reader deleted the account.")
    )
    # Read by comments' notifications; the one-click unsubscribe turns replies off.
    notify_replies = models.BooleanField(
        _("email me replies"), default=True, help_text=_("Mail when someone answers a comment.")
    )
    notify_moderation = models.BooleanField(
        _("email me moderation notices"),
        default=False,
        help_text=_("Mail when a moderator approves a held comment."),
    )

    class Meta:
        verbose_name = _("reader profile")
        ordering = ["display_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deleted__isnull=True, name_key__isnull=False)
                | Q(deleted__isnull=False, name_key__isnull=True, display_name=""),
                name="profile_named_until_deleted",
            ),
        ]

    def __str__(self):
        return self.display_name or str(_("deleted account"))


class ReleasedName(models.Model):
    """A display name given up (changed or its account deleted), kept from
    everyone else for a while so no one can step into it straight away."""

    key = models.CharField(_("name key"), max_length=NAME_KEY_MAX_LENGTH, unique=True)
    until = models.DateTimeField(_("reserved until"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
        help_text=_("The reader who gave it up, who may take it back."),
    )

    class Meta:
        verbose_name = _("released name")
        ordering = ["-until"]

    def __str__(self):
        return self.key
