import functools

from django.db import connections, models
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArticleQuerySet(models.QuerySet):
    def with_comment_stats(self):
        """Annotate the published comment count and the latest published comment's time."""
        published = Q(comments__status="published")
        return self.annotate(
            published_comment_count=Count("comments", filter=published),
            last_comment_at=Max("comments__created", filter=published),
        )

    def for_page(self, slug: str) -> "Article | None":
        """The article an article page shows, by slug, without its seed text.

        Straight through a cursor, converting the row as the ORM would:
        compiling a query, or even ``raw()``'s setting up, costs more than
        running it, and this lookup is most of what serving a cached page costs.
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


class Article(models.Model):
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
        help_text=_("The seed file this article was imported from, if any."),
    )
    source_text = models.TextField(
        _("seed text"),
        blank=True,
        help_text=_("The seed file verbatim, so nothing the parser dropped is lost."),
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
    discussion_version = models.PositiveBigIntegerField(
        _("discussion version"),
        default=0,
        editable=False,
        help_text=_("Bumped by every comment write; keys the cached thread."),
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
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

    def save(self, *args, **kwargs):
        # The discussion version only moves forward, in SQL, with each comment
        # write (articles.pagecache.discussion_changed). An edit saving the
        # value it loaded before a reply landed would move it back and bring
        # that older cached page back, so an update never writes it. A copy (no
        # pk), a row forced in or one saved to another database is an insert.
        updating = (
            not self._state.adding
            and self.pk is not None
            and not kwargs.get("force_insert")
            and kwargs.get("using", self._state.db) == self._state.db
        )
        if updating and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name != "discussion_version"
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]
