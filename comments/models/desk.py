"""The posting rules administrators set in the admin (``comments.desk_rules`` reads them)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeskRules(models.Model):
    """The one row of rules. Until an administrator saves it, the environment's
    ``NEWSROOM_*`` settings apply (and are the form's first values)."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    blocked_words = models.TextField(
        _("blocked words"),
        blank=True,
        help_text=_("One a line. A post holding one is refused, and kept under Rejected posts."),
    )
    watched_words = models.TextField(
        _("watched words"),
        blank=True,
        help_text=_("One a line. A comment holding one waits in the queue."),
    )
    max_links = models.PositiveIntegerField(
        _("link limit"), help_text=_("A comment with more links than this waits in the queue.")
    )
    premoderation = models.BooleanField(
        _("pre-moderate the whole site"), help_text=_("Every new comment waits in the queue.")
    )
    report_threshold = models.PositiveIntegerField(
        _("report threshold"),
        help_text=_("Reports from this many addresses put a comment back in the queue; 0: never."),
    )
    posts_per_minute = models.PositiveIntegerField(
        _("flood limit"), help_text=_("Posts a minute from one address; 0: no limit.")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("posting rules")
        verbose_name_plural = _("posting rules")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="desk_rules_singleton")]

    def __str__(self):
        return str(_("Posting rules"))

    @classmethod
    def from_settings(cls) -> "DeskRules":
        """The rules as the environment sets them: the first values."""
        return cls(
            blocked_words="\n".join(settings.NEWSROOM_BLOCKED_WORDS),
            watched_words="\n".join(settings.NEWSROOM_WATCHED_WORDS),
            max_links=settings.NEWSROOM_MAX_LINKS,
            premoderation=settings.NEWSROOM_PREMODERATION,
            report_threshold=settings.NEWSROOM_REPORT_THRESHOLD,
            posts_per_minute=settings.NEWSROOM_POSTS_PER_MINUTE,
        )
