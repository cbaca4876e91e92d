"""A comment's earlier words: every edit keeps the text it replaces, and
moderators read the changes as diffs.

Both writers of a comment's words, its author (``comments.authoring``) and a
superuser redacting it (``moderation.comment_edit``), call ``keep_revision``
inside their transaction, before they change the body.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from comments.models import Comment, Revision


def keep_revision(comment: Comment, *, editor, at: datetime) -> Revision:
    """Keep ``comment``'s current body as a revision that ``editor`` (None for a
    guest) replaces at ``at``."""
    return Revision.objects.create(
        comment=comment,
        body=comment.body,
        written_at=comment.edited_at or comment.created,
        replaced_at=at,
        replaced_by=editor,
    )


@dataclass(frozen=True, slots=True)
class Change:
    """One edit as moderators read it: the words before, and what changed them."""

    revision: Revision
    # (kind, text) lines of a unified diff; kind is "+", "-", " " or "@".
    lines: list[tuple[str, str]]


def changes(comment: Comment) -> list[Change]:
    """Each of ``comment``'s edits, oldest first, as a diff from the words it
    replaced to the words that followed. One query, with who made each."""
    revisions = list(comment.revisions.select_related("replaced_by").order_by("replaced_at", "pk"))
    if not revisions:
        return []
    after = [revision.body for revision in revisions[1:]] + [comment.body]
    pairs = zip(revisions, after, strict=True)
    return [Change(revision, _diff(revision.body, new)) for revision, new in pairs]


def _diff(old: str, new: str) -> list[tuple[str, str]]:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=2)
    # The two file headers say nothing here: the page names both versions.
    return [(line[:1], line[1:]) for line in list(lines)[2:]]
