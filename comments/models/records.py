"""What readers sent about comments and what the rules refused: kept for moderators."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from comments.models.comment import Comment


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Abusive or harassing")
        OFF_TOPIC = "off_topic", _("Off topic")
        MISINFORMATION = "misinformation", _("Misleading or false")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("comment")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["ip_address", "created"], name="report_flood")]

    def __str__(self):
        return f"{self.get_reason_display()} on comment {self.comment_id}"


class RejectedPost(models.Model):
    """A post the rules refused (a blocked word), kept so moderators can see what
    was refused and why, and nothing a reader typed is lost. Never part of a thread."""

    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="rejected_posts",
        verbose_name=_("article"),
    )
    parent = models.ForeignKey(
        Comment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("in reply to"),
    )
    author_name = models.CharField(_("author name"), max_length=80, blank=True)
    email = models.EmailField(_("email"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    body = models.TextField(_("body"))
    reason = models.CharField(_("reason"), max_length=500)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("rejected post")
        verbose_name_plural = _("rejected posts")
        indexes = [models.Index(fields=["ip_address", "created"], name="rejected_flood")]

    def __str__(self):
        return f"{self.author_name or _('Anonymous')}: {Truncator(self.body).chars(60)}"
