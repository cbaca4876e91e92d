"""The archive format: articles with their nested threads as plain data.

``export_threads`` prints it, the JSON API serves its public variant, and
tests read it to compare threads with what their pages showed.
"""

from __future__ import annotations

from collections.abc import Sequence

from articles.models import Article
from comments.models import Comment
from comments.threads import displayed, nest


def _comment(comment: Comment, *, public: bool) -> dict:
    hidden = public and getattr(comment, "tombstone", False)
    return {
        "id": comment.pk,
        "author": None if hidden else comment.known_author,
        "body": "" if hidden else comment.body,
        "status": comment.status,
        "created": comment.created.isoformat(),
        "replies": [],
    }


def _forest(comments: Sequence[Comment], *, public: bool) -> list[dict]:
    out: list[dict] = []
    # Walk with an explicit stack: threads may nest deeper than the recursion limit.
    stack = [(comment, out) for comment in reversed(nest(comments))]
    while stack:
        comment, siblings = stack.pop()
        node = _comment(comment, public=public)
        siblings.append(node)
        stack.extend((reply, node["replies"]) for reply in reversed(comment.replies))
    return out


def export_articles(articles: Sequence[Article], *, public: bool = False) -> dict:
    """All comments for the archive; for the public, what a reader sees, minus private fields."""
    comments_by_article: dict[int, list[Comment]] = {a.pk: [] for a in articles}
    queryset = Comment.objects.filter(article__in=list(comments_by_article)).select_related("user")
    for comment in queryset.order_by("article_id", "tree_id", "lft"):
        comments_by_article[comment.article_id].append(comment)
    result = []
    for article in articles:
        comments = comments_by_article[article.pk]
        if public:
            comments = displayed(comments)
        result.append(
            {
                "slug": article.slug,
                "title": article.title,
                "byline": article.byline or None,
                "source": article.source_name,
                "paragraphs": article.paragraphs,
                "declared_comment_count": article.declared_comment_count,
                "comments_open": article.comments_open,
                "comments": _forest(comments, public=public),
            }
        )
    return {"articles": result}
