"""The article page's cache: the discussion version that keys it, and how it moves.

Every comment write and moderation action bumps its article's discussion
version in its own transaction, and every cached piece of the article page
(the shared page, a page of rendered threads, the list's comment counts) is
keyed by that version, so a cached piece is never invalidated: a new version
is simply never found in the cache, and superseded entries age out.
"""

from django.db.models import F

from articles.models import Article


def discussion_changed(article_id: int) -> None:
    """Bump the article's discussion version, which keys its cached thread."""
    discussions_changed([article_id])


def discussions_changed(article_ids) -> None:
    """Bump the discussion version of each article in ``article_ids`` (ids, or a
    subquery of them) once, in one statement."""
    Article.objects.filter(pk__in=article_ids).update(
        discussion_version=F("discussion_version") + 1
    )
