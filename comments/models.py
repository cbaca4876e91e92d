from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet


class CommentQuerySet(TreeQuerySet):
    def for_article(self, article):
        return self.filter(article=article)

    def visible(self):
        return self.filter(status=Comment.Status.PUBLISHED)

    def in_moderation(self):
        return self.filter(status=Comment.Status.PENDING)

    def in_thread_order(self):
        return self.order_by("tree_id", "lft")

    def for_display(self):
        """What a thread page renders from, in tree order.

        Every status stays in the list so the tree keeps its shape (leaving a
        hidden parent out would lift its replies to the top); the thread
        builder shows hidden comments as tombstones or leaves them out.
        """
        return (
            self.select_related("user")
            .only(
                "id", "article_id", "parent_id", "tree_id", "lft", "rght", "level",
                "author_name", "user__username", "user__first_name", "user__last_name",
                "body", "status", "created",
            )
            .in_thread_order()
        )


class Comment(MPTTModel):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        PENDING = "pending", _("Pending review")
        REMOVED = "removed", _("Removed")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("article"),
    )
    parent = TreeForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("in reply to"),
    )
    author_name = models.CharField(
        _("author name"),
        max_length=80,
        blank=True,
        help_text=_("Empty when unknown."),
        validators=[ProhibitNullCharactersValidator()],
    )
    email = models.EmailField(_("email"), blank=True, help_text=_("Never shown publicly."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("user"),
    )
    # PostgreSQL cannot store NUL; refuse it for every writer, not only the form.
    body = models.TextField(_("body"), validators=[ProhibitNullCharactersValidator()])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    moderation_reason = models.CharField(
        _("moderation reason"),
        max_length=500,
        blank=True,
        help_text=_("Why the comment was held, removed or marked as spam."),
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    is_imported = models.BooleanField(_("imported"), default=False)
    import_source = models.CharField(
        _("imported from"),
        max_length=300,
        blank=True,
        help_text=_("Seed file and line the comment was imported from."),
    )
    import_key = models.CharField(
        _("import key"),
        max_length=100,
        blank=True,
        help_text=_("Position in the seed thread, e.g. 3.1 for the first reply to the third."),
    )

    objects = CommentQuerySet.as_manager()

    class MPTTMeta:
        parent_attr = "parent"

    class Meta:
        ordering = ["tree_id", "lft"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Can moderate comments"))]
        indexes = [
            models.Index(fields=["article", "tree_id", "lft"], name="comment_thread_order"),
            models.Index(fields=["article", "level", "tree_id"], name="comment_article_roots"),
            models.Index(fields=["status", "created"], name="comment_queue"),
            models.Index(fields=["ip_address", "created"], name="comment_flood"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "import_key"],
                condition=~models.Q(import_key=""),
                name="comment_unique_import_key",
            ),
        ]

    def __str__(self):
        return f"{self.display_author}: {Truncator(self.body).chars(60)}"

    def get_absolute_url(self):
        return reverse(
            "comments:detail", kwargs={"slug": self.article.slug, "pk": self.pk}
        )

    @property
    def known_author(self) -> str | None:
        if self.user_id and not self.author_name:
            return self.user.get_full_name() or self.user.get_username()
        return self.author_name or None

    @property
    def display_author(self) -> str:
        return self.known_author or str(_("Anonymous"))

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.PUBLISHED


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

    def __str__(self):
        return f"{self.get_reason_display()} on comment {self.comment_id}"
