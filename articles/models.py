from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArticleQuerySet(models.QuerySet):
    def for_page(self, slug: str) -> "Article | None":
        """The article an article page shows, by slug, without its seed text."""
        return self.defer("source_text").filter(slug=slug).order_by().first()


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
    discussion_version = VersionField(
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

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]
