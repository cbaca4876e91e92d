"""What a reader may see of a discussion: the one definition every public surface asks.

A reader sees the published comments and their own comments still awaiting
moderation (the ids their session remembers, ``sessions.own_pending_ids``);
nothing else. A hidden comment that still has replies the reader sees stays in
its thread as a tombstone: its id and its place, and nothing that says what it
was (no text, no author, no time, no status). The article page, the comment,
reply and report pages, the feeds, the JSON API and the public export all go
through here, so a new surface cannot forget a rule.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Q

from comments.models import Comment, CommentQuerySet

PUBLISHED = Comment.Status.PUBLISHED
PENDING = Comment.Status.PENDING


def is_visible(status: str, pk: int, own_ids: Collection[int] = ()) -> bool:
    """The rule, for a row already fetched (thread pages decide row by row)."""
    return status == PUBLISHED or (status == PENDING and pk in own_ids)


def visible_q(own_ids: Collection[int] = ()) -> Q:
    """The rule of ``is_visible``, as a filter."""
    shown = Q(status=PUBLISHED)
    if own_ids:
        shown |= Q(status=PENDING, pk__in=sorted(own_ids))
    return shown


def visible_comments(own_ids: Collection[int] = ()) -> CommentQuerySet:
    """The comments a reader with held comments ``own_ids`` sees; with none, the published."""
    return Comment.objects.filter(visible_q(own_ids))


def replyable_comment(pk: int) -> Comment | None:
    """The comment a reply page answers, if a reader may reply to it: a published one.

    A held comment is never a parent, not even for its author: the article page
    offers no Reply link on it. Anything else answers as if it did not exist.
    """
    return visible_comments().filter(pk=pk).select_related("article", "user").first()


def own_held_ids(article, own_ids: Collection[int]) -> Collection[int]:
    """``own_ids`` when one of them is still held on ``article``, else none.

    Only then is the reader's view of the article their own rather than the
    one every reader shares (and caches).
    """
    held = Comment.objects.in_moderation().for_article(article)
    if own_ids and held.filter(pk__in=sorted(own_ids)).exists():
        return own_ids
    return ()
