"""What a comment's page shows around the comment: the text it replies to, and
the way back to its place in the whole discussion.

Works on what ``selectors.comment_in_context`` already read, so it costs no
query: a reader who followed "Continue this thread" sees what the reply
answers without going back for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from articles.models import Article
from comments.threads import DisplayedComment

# Characters of the parent's text the page quotes; the rest is a link away.
EXCERPT_LENGTH = 600


@dataclass(frozen=True, slots=True)
class CommentContext:
    # The comment it replies to (a tombstone if hidden); None for a top comment.
    parent: DisplayedComment | None
    # The parent's text, cut at a word near ``EXCERPT_LENGTH`` when longer.
    excerpt: str
    trimmed: bool
    # Its place on the article page: on the right page, at the nearest anchor shown.
    back_url: str


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> tuple[str, bool]:
    """``text`` cut to at most ``limit`` characters at a space, so a link in it is
    kept whole or left out; and whether it was cut."""
    text = text.strip()
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…", True


def comment_context(
    article: Article, ancestors: Sequence[DisplayedComment], subtree: Sequence[DisplayedComment]
) -> CommentContext:
    """The context of ``subtree[0]``, whose ``ancestors`` are laid out whole (each is
    shown or a tombstone, so there is one per level above it)."""
    parent = ancestors[-1] if ancestors else None
    text, trimmed = excerpt(parent.body) if parent is not None else ("", False)
    return CommentContext(parent, text, trimmed, _back_url(article, ancestors, subtree))


def _back_url(
    article: Article, ancestors: Sequence[DisplayedComment], subtree: Sequence[DisplayedComment]
) -> str:
    """The article page at the comment's anchor, or, for one deeper than that page
    goes, at its ancestor there that says "Continue this thread".

    ``?comment=`` finds the page by a comment the reader sees (never a
    tombstone, which finds none), and any comment of the thread will do: a
    thread is never split between pages.
    """
    shown_depth = settings.NEWSROOM_MAX_VISIBLE_DEPTH
    comment = subtree[0]
    anchor = comment if len(ancestors) < shown_depth else ancestors[shown_depth - 1]
    seen = next((c for c in (anchor, *ancestors, *subtree) if not c.tombstone), None)
    query = f"?comment={seen.pk}" if seen is not None else ""
    return f"{article.get_absolute_url()}{query}#c{anchor.pk}"
