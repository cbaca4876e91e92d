"""Shape a thread for readers from one pre-ordered list of comment rows.

Everything here works on rows already fetched in (tree_id, lft) order
(``CommentQuerySet.for_display``), so a page costs one query however many
comments it shows. No database and no HTML: ``selectors`` fetches,
``rendering`` writes the markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from django.utils.translation import gettext as _

from comments.models import Comment
from comments.querysets import author_label


class Badge(StrEnum):
    """What the page says of who wrote a comment, beside their name."""

    NONE = ""
    GUEST = "guest"
    STAFF = "staff"
    AUTHOR = "author"


class Row(NamedTuple):
    """A ``for_display()`` row, with its author and badge worked out."""

    pk: int
    parent_id: int | None
    lft: int
    level: int
    status: str
    body: str
    created: datetime
    edited_at: datetime | None
    reaction_count: int
    featured_at: datetime | None
    date_unknown: bool
    # What an imported comment was read from (``Comment.Source``); empty for ours.
    source: str
    # None when unknown (the public export says so); the page says "Anonymous".
    known_author: str | None
    badge: Badge = Badge.NONE

    @classmethod
    def read(
        cls, queryset, *, author_id: int | None = None, threads: Sequence[int] = ()
    ) -> list[Row]:
        """The rows of ``queryset``; ``author_id`` is the article's author's account;
        ``threads`` the order of its threads (``CommentQuerySet.in_thread_order``)."""
        rows = []
        for row in queryset.for_display(threads):
            user_id, is_staff, imported = row[12:15]
            known_author = author_label(*row[15:])
            badge = _badge(user_id, is_staff, imported, known_author, author_id)
            rows.append(cls(*row[:12], known_author, badge))
        return rows


def _badge(user_id, is_staff, imported, known_author, author_id) -> Badge:
    # Moderators are staff (README, "Moderating"), so is_staff alone marks
    # them: no per-row look at the Moderators group. An imported comment was
    # written on the original page, not by a guest of ours.
    if user_id is None:
        return Badge.GUEST if known_author and not imported else Badge.NONE
    if user_id == author_id:
        return Badge.AUTHOR
    return Badge.STAFF if is_staff else Badge.NONE


class Shown(NamedTuple):
    """A row the reader sees, or a tombstone kept for the replies under it."""

    row: Row
    awaiting: bool
    tombstone: bool


@dataclass(slots=True)
class DisplayedComment:
    """A comment as a thread page shows it: built once, by ``lay_out``.

    A tombstone keeps its place and nothing else: ``body`` is empty and
    ``known_author``, ``display_author`` and ``created`` are None, so no
    surface can show what it said, who wrote it, when, or why it is hidden,
    but for ``by_author``: its author deleted it, which readers are told.
    """

    pk: int
    parent_id: int | None
    tombstone: bool
    # A tombstone of a comment its author deleted.
    by_author: bool
    # The reader's own comment, held for moderation.
    awaiting: bool
    known_author: str | None
    display_author: str | None
    badge: Badge
    body: str
    created: datetime | None
    # Its author or staff changed its words after posting.
    edited: bool
    # An imported comment's source (``Comment.Source``).
    source: str
    # Imported without a date: ``created`` is the import's, never shown as written.
    date_unknown: bool
    # Levels below the page's top comment.
    depth: int
    # The parent's shown name; None for a top comment or a tombstone's reply.
    parent_author: str | None
    # Its replies, and the comments under it at any depth ("3 replies, 12 in
    # all"), counting those past the page's depth too.
    direct_replies: int
    reply_count: int
    # A nested list opens after it, and ``closes`` nested lists end after it.
    has_replies: bool
    closes: int
    # It has replies beyond the page's depth, which live on its own page.
    continues: bool
    # Respects it received; a moderator featured it (both 0/False for a tombstone).
    reaction_count: int = 0
    featured: bool = False


def displayed(rows: Sequence[Row], shows: Callable[[Row], bool]) -> list[Shown]:
    """The rows a reader sees (``shows``, the selectors' rule), in thread order.

    A hidden comment that still has shown replies stays as a tombstone so the
    replies keep their context; one without is left out.
    """
    kept: dict[int, bool] = {}
    marks: dict[int, tuple[bool, bool]] = {}
    for row in reversed(rows):
        visible = shows(row)
        tombstone = not visible and kept.get(row.pk, False)
        marks[row.pk] = (visible and row.status != Comment.Status.PUBLISHED, tombstone)
        if visible or tombstone:
            kept[row.pk] = True
            if row.parent_id is not None:
                kept[row.parent_id] = True
    return [Shown(row, *marks[row.pk]) for row in rows if kept.get(row.pk)]


def lay_out(
    shown: Sequence[Shown], *, base_level: int, max_depth: int
) -> list[DisplayedComment]:
    """The comments of one flat rendering loop (``rendering.render_thread``),
    Lobsters style, cut at ``max_depth`` levels below ``base_level``."""
    kept: list[Shown] = []
    continues: set[int] = set()
    # In pre-order, the last kept comment at the deepest shown level is the
    # ancestor of any deeper comment that follows it.
    deepest_shown: int | None = None
    for item in shown:
        depth = item.row.level - base_level
        if depth >= max_depth:
            if deepest_shown is not None:
                continues.add(deepest_shown)
            continue
        if depth == max_depth - 1:
            deepest_shown = item.row.pk
        kept.append(item)
    counts = {item.row.pk: 0 for item in shown}
    direct = dict.fromkeys(counts, 0)
    for item in reversed(shown):
        if item.row.parent_id in counts:
            counts[item.row.parent_id] += counts[item.row.pk] + 1
            direct[item.row.parent_id] += 1
    anonymous = _("Anonymous")
    names: dict[int, str | None] = {}
    out: list[DisplayedComment] = []
    for i, (row, awaiting, tombstone) in enumerate(kept):
        depth = row.level - base_level
        following = kept[i + 1].row.level - base_level if i + 1 < len(kept) else 0
        names[row.pk] = None if tombstone else (row.known_author or anonymous)
        out.append(
            DisplayedComment(
                pk=row.pk,
                parent_id=row.parent_id,
                tombstone=tombstone,
                by_author=tombstone and row.status == Comment.Status.DELETED,
                awaiting=awaiting,
                known_author=None if tombstone else row.known_author,
                display_author=names[row.pk],
                badge=Badge.NONE if tombstone else row.badge,
                body="" if tombstone else row.body,
                created=None if tombstone else row.created,
                edited=not tombstone and row.edited_at is not None,
                date_unknown=not tombstone and row.date_unknown,
                source="" if tombstone else row.source,
                depth=depth,
                parent_author=names.get(row.parent_id),
                direct_replies=direct[row.pk],
                reply_count=counts[row.pk],
                has_replies=following > depth,
                closes=max(depth - following, 0),
                continues=row.pk in continues,
                reaction_count=0 if tombstone else row.reaction_count,
                featured=not tombstone and row.featured_at is not None,
            )
        )
    return out


def nest(comments: Sequence) -> tuple[list, dict[int, list]]:
    """The top of the forest, and each comment's replies by pk, for anything
    with ``pk`` and ``parent_id`` in thread order.

    A comment whose parent is not in the list starts a tree of its own, which
    is what a subtree page wants.
    """
    replies: dict[int, list] = {}
    roots = []
    for comment in comments:
        replies[comment.pk] = []
        siblings = replies.get(comment.parent_id)
        (siblings if siblings is not None else roots).append(comment)
    return roots, replies
