"""The archive format: articles with their nested threads as plain data.

``export_threads`` prints the archive: every comment, with its status. The
JSON API serves the public variant, built from the comments a reader's page
shows (``comments.selectors``): a tombstone there carries its id and its
replies, and no text, author, time or status.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from articles.models import Article
from comments.models import Comment
from comments.threads import nest


def article_fields(article: Article) -> dict:
    return {
        "slug": article.slug,
        "title": article.title,
        "byline": article.byline or None,
        "source": article.source_name,
        "paragraphs": article.paragraphs,
        "declared_comment_count": article.declared_comment_count,
        "comments_open": article.comments_open,
    }


def _archived(comment: Comment) -> dict:
    return {
        "id": comment.pk,
        "author": comment.known_author,
        "body": comment.body,
        "status": comment.status,
        # As the source had it: None for a dump without dates, whose import
        # time is ``imported_at``.
        "created": None if comment.date_unknown else comment.created.isoformat(),
        "imported_at": comment.imported_at.isoformat() if comment.imported_at else None,
        "source": _provenance(comment),
        "replies": [],
    }


def _provenance(comment: Comment) -> dict | None:
    """Where an imported comment came from: format, file and line, and its id
    in the export or its position in the dump."""
    if not comment.is_imported:
        return None
    return {
        "format": comment.import_format or None,
        "file": comment.import_source,
        "key": comment.import_key,
    }


def _forest(comments: Sequence, node: Callable[[object], dict]) -> list[dict]:
    out: list[dict] = []
    roots, replies = nest(comments)
    # Walk with an explicit stack: threads may nest deeper than the recursion limit.
    stack = [(comment, out) for comment in reversed(roots)]
    while stack:
        comment, siblings = stack.pop()
        entry = node(comment)
        siblings.append(entry)
        stack.extend((reply, entry["replies"]) for reply in reversed(replies[comment.pk]))
    return out


def export_articles(articles: Sequence[Article]) -> dict:
    """Every article with all its comments, whatever their status: the archive."""
    comments_by_article: dict[int, list[Comment]] = {a.pk: [] for a in articles}
    queryset = Comment.objects.filter(article__in=list(comments_by_article)).select_related(
        "user__profile"
    )
    for comment in queryset.order_by("article_id", "tree_id", "lft"):
        comments_by_article[comment.article_id].append(comment)
    return {
        "articles": [
            {
                **article_fields(article),
                "source_url": article.source_url or None,
                "comments": _forest(comments_by_article[article.pk], _archived),
            }
            for article in articles
        ]
    }


def public_comments(shown: Sequence, *, more_url: Callable[[int], str]) -> list[dict]:
    """The nested public form of a laid-out page of comments (``threads.lay_out``).

    ``tombstone`` marks a hidden comment kept for its replies (its author,
    body and time are blank, and nothing says why it is hidden);
    ``awaiting_moderation`` marks the reader's own held comment; ``more`` is
    where replies deeper than the page goes continue (``more_url(pk)``).
    """

    def node(comment) -> dict:
        return {
            "id": comment.pk,
            "tombstone": comment.tombstone,
            "awaiting_moderation": comment.awaiting,
            "author": comment.known_author,
            "body": comment.body,
            "created": comment.created.isoformat() if comment.created else None,
            "more": more_url(comment.pk) if comment.continues else None,
            "replies": [],
        }

    return _forest(shown, node)
