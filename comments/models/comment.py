from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey

from comments.querysets import CommentQuerySet, author_label

# The deepest level a comment may sit at (a top-level comment is level 0):
# posting refuses a reply below it. Deeper threads are unreadable, and mptt's
# rebuild (check_trees --fix) recurses once per level, so this also bounds the
# repair. The other depths: the article page shows NEWSROOM_MAX_VISIBLE_DEPTH
# levels (a setting), and a seed file nests at most MAX_SEED_DEPTH
# (articles.seed_parser), each position key fitting ``Comment.import_key``.
MAX_REPLY_DEPTH = 200


class Comment(MPTTModel):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        PENDING = "pending", _("Pending review")
        REMOVED = "removed", _("Removed")
        SPAM = "spam", _("Spam")
        # Soft: the row and its text stay for moderators; readers see a
        # tombstone only where replies hang from it.
        DELETED = "deleted", _("Deleted by its author")

    # comment_thread_order leads with the article, so the foreign key needs no
    # index of its own: one index fewer for every row a tree write shifts.
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="comments",
        db_index=False,
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
        # Only a user's deletion looks comments up by moderator.
        db_index=False,
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    # Recorded so a seed re-import never undoes a redaction.
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("edited by"),
    )
    edited_at = models.DateTimeField(
        _("edited at"),
        null=True,
        blank=True,
        help_text=_("When its author or staff last changed its words (revisions keep each)."),
    )
    # Who deleted it is its author (no one else may): only when is recorded.
    deleted_at = models.DateTimeField(
        _("deleted at"),
        null=True,
        blank=True,
        help_text=_("When its author deleted it; the text stays for moderators."),
    )
    # Kept on the row so a page reads counts with its comments, in the one query.
    reaction_count = models.PositiveIntegerField(_("respects"), default=0)
    featured_at = models.DateTimeField(
        _("featured at"),
        null=True,
        blank=True,
        help_text=_("Set when a moderator features it: it opens the discussion."),
    )
    # A plain-text dump without dates gives only the import's own time in
    # ``created``; the page must not present that as when it was written.
    date_unknown = models.BooleanField(
        _("date unknown"),
        default=False,
        help_text=_("Imported from a source that gave no date: ``created`` is the import's."),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    report_count = models.PositiveIntegerField(
        _("reports"),
        default=0,
        help_text=_(
            "Every report readers sent. Holding a comment counts different addresses "
            "since the last moderation instead."
        ),
    )
    # The reply's side of the notification outbox: set in the reply's own INSERT, so
    # telling its parent's author costs the request no query and no task; the
    # worker's delivery pass (comments.tasks) records what is owed and clears it.
    notice_pending = models.BooleanField(
        _("notification pending"),
        default=False,
        help_text=_("A published reply the notification worker has not looked at yet."),
    )

    class Source(models.TextChoices):
        TEXT = "text", _("Text dump of the original page")
        WXR = "wxr", _("WordPress export")
        DISQUS = "disqus", _("Disqus export")

    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    is_imported = models.BooleanField(_("imported"), default=False)
    import_format = models.CharField(
        _("source"), max_length=10, choices=Source.choices, blank=True,
        help_text=_("What an imported comment was read from; empty for comments posted here."),
    )
    imported_at = models.DateTimeField(
        _("imported at"), null=True, blank=True,
        help_text=_("When the import ran; ``created`` is the source's own date where it had one."),
    )
    import_source = models.CharField(
        _("imported from"),
        max_length=300,
        blank=True,
        help_text=_("File (seed file or export) and line the comment was imported from."),
    )
    import_key = models.CharField(
        _("import key"),
        max_length=100,
        blank=True,
        help_text=_(
            "An export's own id for it, or its position in a seed file, e.g. 3.1 for the first "
            "reply to the third comment. Re-imports of an export match by id; later versions "
            "of a seed file may move it, and they match by content."
        ),
    )
    import_digest = models.CharField(
        _("import digest"),
        max_length=32,
        blank=True,
        help_text=_("Digest of the author and text the seed file gave: how a re-import finds it."),
    )
    missing_from_source = models.BooleanField(
        _("missing from the seed file"),
        default=False,
        help_text=_("Imported, but gone from a later version of its seed file; kept."),
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
            models.Index(fields=["article", "tree_id"], name="comment_thread_order"),
            models.Index(fields=["article", "level", "tree_id"], name="comment_article_roots"),
            # Counts by status (the page's comment count, the list's latest
            # comment) read this index alone, not the article's rows; the
            # article's feed reads its latest comments in this order, and
            # imported comments share one ``created``, so the pk breaks the tie.
            models.Index(
                fields=["article", "status", "created", "id"], name="comment_article_status"
            ),
            models.Index(fields=["status", "created"], name="comment_queue"),
            models.Index(fields=["ip_address", "created"], name="comment_flood"),
            # Holds only the replies waiting for the delivery pass: a few at any time.
            models.Index(
                fields=["id"],
                condition=models.Q(notice_pending=True),
                name="comment_notice_pending",
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
        if self.user_id is None:
            return self.author_name or None
        user = self.user
        profile = getattr(user, "profile", None)
        return author_label(
            self.author_name,
            user.first_name,
            user.last_name,
            user.get_username(),
            None if profile is None else profile.display_name,
        )

    @property
    def display_author(self) -> str:
        return self.known_author or str(_("Anonymous"))


# A reply shifts ``lft`` and ``rght`` of the rows after it in its thread. With
# neither column indexed, PostgreSQL rewrites those rows in place (HOT updates,
# given free space in each page: migration 0004 sets fillfactor 70 for pages
# written from then on) instead of adding an entry to every index for each: on
# a 1,000-comment thread, a reply's p95 falls from about 33 to 15 ms. Thread
# reads find rows by tree and sort the few hundred they get, so django-mptt's
# (tree_id, lft) index goes. django-mptt (0.20) adds it to every tree model
# unless ``Meta.indexes`` already holds one on those columns, and has no
# option to leave it out (any index naming ``lft``, partial or not, would stop
# the in-place updates), so its list is edited here, once, after the class.
Comment._meta.indexes = [
    index for index in Comment._meta.indexes if tuple(index.fields) != ("tree_id", "lft")
]
