"""Writes to articles: creating them and refreshing them from their source."""

from __future__ import annotations

import hashlib

from django.utils.text import slugify

from articles.models import Article
from newsroom.text import fit

# Room left in the slug for the "-2" that tells a taken one apart.
_SLUG_SUFFIX_ROOM = 20


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = fit(Article, "slug", slugify(title), spare=_SLUG_SUFFIX_ROOM).strip("-") or "article"
    taken = set(
        Article.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def source_fields(
    *, raw: bytes, title: str, byline: str | None, paragraphs: list[str], declared_count: int | None
) -> dict[str, object]:
    """The columns an article takes from its source file, cut to fit them."""
    return {
        "title": fit(Article, "title", title),
        "byline": fit(Article, "byline", byline or ""),
        "body": "\n\n".join(paragraphs),
        "source_text": raw.decode("utf-8-sig"),
        "content_hash": hashlib.sha256(raw).hexdigest(),
        "declared_comment_count": declared_count,
        # A seed file has no date.
        "date_unknown": True,
    }


def article_upsert(*, article: Article | None, source_name: str, fields: dict) -> Article:
    """Create the article ``source_name`` describes, or refresh ``article`` with ``fields``.

    A refresh writes only ``fields``: a moderator may have closed comments meanwhile.
    """
    if article is None:
        return Article.objects.create(
            source_name=source_name, slug=unique_slug(fields["title"]), **fields
        )
    for name, value in fields.items():
        setattr(article, name, value)
    article.save(update_fields=[*fields, "updated"])
    return article
