"""Mail that tells readers about replies and approvals: one row per message part,
so a worker that retries, or dies mid-send, can tell what already went out."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.models.comment import Comment


class GuestAddress(models.Model):
    """A guest's email address that asked to hear of replies: nothing is sent to it
    until its owner follows the confirmation link mailed to it."""

    email = models.EmailField(_("email"), unique=True, help_text=_("Lowercased."))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    replies = models.BooleanField(
        _("reply notifications"), default=True, help_text=_("Off once they unsubscribe.")
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("guest address")
        verbose_name_plural = _("guest addresses")
        ordering = ["email"]

    def __str__(self):
        return self.email


class Notification(models.Model):
    """One comment to tell one recipient about: unique per comment, kind and recipient,
    so publishing a comment twice (approved, removed, restored) tells them once."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply to their comment")
        APPROVED = "approved", _("Their comment approved")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent (unsubscribed, or the comment is gone)")
        FAILED = "failed", _("Failed after every attempt")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("comment")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Who: an account (mailed at its verified address when sent) or a guest's address.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    email = models.EmailField(_("guest's email"), blank=True)
    recipient = models.CharField(
        _("recipient"), max_length=300, help_text=_("user:<id> or email:<address>.")
    )
    # Messages are batched per recipient and thread (the comments' tree).
    thread = models.PositiveBigIntegerField(_("thread"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    # Set, committed, before the message is handed to the mail server.
    claim = models.CharField(_("claimed by"), max_length=32, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "kind", "recipient"], name="one_notification_per_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "thread", "status"], name="notification_batch"),
            models.Index(fields=["status", "due_at"], name="notification_due"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient} (comment {self.comment_id})"


class DeliveryPass(models.Model):
    """One row: when the next delivery pass is queued for. A pass that finds the next
    one already queued does not queue another, so the passes that worker starts
    add (``manage.py db_worker``) merge into one chain again."""

    next_at = models.DateTimeField(_("next pass at"), null=True, blank=True)
    pruned_at = models.DateTimeField(_("results pruned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery pass")
        verbose_name_plural = _("delivery passes")

    def __str__(self):
        return f"next pass at {self.next_at}"
