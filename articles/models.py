import functools

from django.conf import settings
from django.db import connections, models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArticleQuerySet(models.QuerySet):
    def for_page(self, slug: str) -> "Article | None":
        """The article an article page shows, by slug, without its seed text.

        Straight through a cursor, converting the row as the ORM would:
        compiling a query, or even ``raw()``'s setting up, costs more than
        running it, and this lookup is most of what serving a cached page costs.
        Kept for that (issue 13, same sitting, 2 runs each, busy machine): the
        ORM's ``defer().filter().first()`` took 761-3229 µs against 158-569 µs
        here, on a warm page of 1.1-1.9 ms (bench/README.md).
        """
        connection = connections[self.db]
        sql, names, columns = _page_lookup(self.model, self.db)
        with connection.cursor() as cursor:
            cursor.execute(sql, [slug])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for i, column in enumerate(columns):
            # The backend's, then the field's: the order the ORM's compiler
            # applies them in. Asked of this thread's connection each time, as
            # some read its settings (SQLite's datetimes read its time zone).
            for convert in connection.ops.get_db_converters(column):
                values[i] = convert(values[i], column, connection)
            for convert in column.get_db_converters(connection):
                values[i] = convert(values[i], column, connection)
        return self.model.from_db(self.db, names, values)


@functools.cache
def _page_lookup(model, alias: str) -> tuple[str, list[str], list]:
    """``for_page``'s SQL, field names and columns, worked out once."""
    quote = connections[alias].ops.quote_name
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field.name != "source_text"]
    sql = (
        f"SELECT {', '.join(quote(field.column) for field in fields)} "
        f"FROM {quote(meta.db_table)} WHERE {quote(meta.get_field('slug').column)} = %s"
    )
    columns = [field.get_col(meta.db_table) for field in fields]
    return sql, [field.attname for field in fields], columns


class VersionField(models.PositiveBigIntegerField):
    """A counter that moves only in SQL (``F() + 1``): a save writes it when it
    inserts the row, and an update leaves the column as the database holds it.

    As ``auto_now`` sets ``updated`` in ``pre_save``, so this keeps its own
    column: an edit saved from a copy loaded before a reply landed would
    otherwise move the discussion version back.
    """

    def pre_save(self, model_instance, add):
        return super().pre_save(model_instance, add) if add else F(self.attname)

    def deconstruct(self):
        # Stored as the plain column it is: migrations have nothing to do.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.PositiveBigIntegerField", args, kwargs


class Article(models.Model):
    class Commenters(models.TextChoices):
        SITE_DEFAULT = "", _("Site default (NEWSROOM_COMMENTERS)")
        ANYONE = "anyone", _("Anyone, guests included")
        ACCOUNTS = "accounts", _("Signed-in readers only")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    byline = models.CharField(_("byline"), max_length=200, blank=True)
    body = models.TextField(
        _("body"), blank=True, help_text=_("Paragraphs separated by one blank line.")
    )
    source_name = models.CharField(
        _("seed file"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "The seed file this article was imported from, or its export's id for it "
            "(wxr:…, disqus:…), if any."
        ),
    )
    source_url = models.CharField(
        _("source URL"),
        max_length=500,
        blank=True,
        db_index=True,
        help_text=_("Where the article was first published (an export's permalink)."),
    )
    source_text = models.TextField(
        _("seed text"),
        blank=True,
        help_text=_(
            "The seed file, or the export's markup for the article, verbatim: nothing "
            "the parser dropped is lost."
        ),
    )
    content_hash = models.CharField(
        _("content hash"), max_length=64, blank=True, help_text=_("SHA-256 of the seed file.")
    )
    declared_comment_count = models.PositiveIntegerField(
        _("declared comment count"),
        null=True,
        blank=True,
        help_text=_("The count the dumped page claimed; it may not match what it held."),
    )
    comments_open = models.BooleanField(_("comments open"), default=True)
    premoderation = models.BooleanField(
        _("pre-moderation"),
        default=False,
        help_text=_("Hold every new comment on this article for review."),
    )
    commenters = models.CharField(
        _("who may comment"),
        max_length=10,
        choices=Commenters.choices,
        blank=True,
        default=Commenters.SITE_DEFAULT,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author's account"),
        help_text=_("Their comments on this article show “Author”."),
    )
    discussion_version = VersionField(
        _("discussion version"),
        default=0,
        editable=False,
        help_text=_("Bumped by every comment write; keys the cached thread."),
    )
    # Respects change counts, not the discussion: they move this coarse clock
    # instead of the version, so a stream of them cannot re-render the page
    # for each one (``articles.pagecache.reactions_changed``).
    reactions_epoch = VersionField(
        _("reactions epoch"),
        default=0,
        editable=False,
        help_text=_("The time slot of the last respect given or taken back; keys the thread."),
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    # The seed files carry no date, so an imported article's ``created`` is the
    # import's: it orders the list, and the page does not present it as a date.
    date_unknown = models.BooleanField(
        _("date unknown"),
        default=False,
        help_text=_("Imported from a source that gave no date: “created” is the import's."),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        # The list and the feed read the newest articles in this order, ties included.
        indexes = [models.Index(fields=["created", "id"], name="article_latest")]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def accounts_only(self) -> bool:
        """Whether only signed-in readers may comment here."""
        commenters = self.commenters or settings.NEWSROOM_COMMENTERS
        return commenters == self.Commenters.ACCOUNTS

    @property
    def premoderated(self) -> bool:
        """Whether every new comment here waits for a moderator (site-wide or here)."""
        return settings.NEWSROOM_PREMODERATION or self.premoderation

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]
