"""What readers do with comments besides writing them: respects and their own edits."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.models.comment import Comment


class Reaction(models.Model):
    """A signed-in reader's one "Respect" for a comment: a toggle, so the pair is unique.

    ``Comment.reaction_count`` mirrors the rows, changed in the same transaction.
    """

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("comment")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_reactions",
        verbose_name=_("user"),
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("respect")
        verbose_name_plural = _("respects")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="one_reaction_per_reader")
        ]

    def __str__(self):
        return f"{self.user} respects comment {self.comment_id}"


class Revision(models.Model):
    """A comment's words as they were before an edit: every one is kept."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("comment")
    )
    body = models.TextField(_("body"))
    # When these words were written: the comment's ``created`` or an earlier edit.
    written_at = models.DateTimeField(_("written at"))
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("replaced by"),
    )

    class Meta:
        ordering = ["comment", "replaced_at", "pk"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self):
        return f"Comment {self.comment_id} as written {self.written_at:%Y-%m-%d %H:%M}"
