"""Writes to articles: creating them and refreshing them from their source."""

from __future__ import annotations

import hashlib

from django.db.models import Q
from django.utils.text import slugify

from articles.models import Article
from newsroom.text import fit

# Room left in the slug for the "-2" that tells a taken one apart.
_SLUG_SUFFIX_ROOM = 20


def unique_slugs(titles: list[str]) -> list[str]:
    """A slug for each title that no article has and no other title here gets,
    found with one query."""
    bases = [
        fit(Article, "slug", slugify(title), spare=_SLUG_SUFFIX_ROOM).strip("-") or "article"
        for title in titles
    ]
    if not bases:
        return []
    near = Q()
    for base in set(bases):
        near |= Q(slug__startswith=base)
    taken = set(Article.objects.filter(near).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


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


def articles_create(sources: list[tuple[str, dict]]) -> list[Article]:
    """Create an article for each ``(source_name, fields)``, in one INSERT."""
    slugs = unique_slugs([fields["title"] for _, fields in sources])
    return Article.objects.bulk_create(
        Article(source_name=name, slug=slug, **fields)
        for (name, fields), slug in zip(sources, slugs, strict=True)
    )


def article_refresh(article: Article, fields: dict) -> None:
    """Refresh ``article`` from its source, writing only ``fields``: a moderator
    may have closed comments meanwhile."""
    for name, value in fields.items():
        setattr(article, name, value)
    article.save(update_fields=[*fields, "updated"])
