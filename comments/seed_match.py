"""Which row each comment of a re-imported seed file is: matching by content.

A comment is known by its author and normalised text (a digest stored on its
row when it was imported), among the imported replies of the row its parent
matched, equal siblings told apart by their order. Positions are not used:
one comment inserted at the top of a file moved every position after it, and
matching by position gave rows each other's text.

What is left in a gap between two matched siblings is paired by author: one
row and one comment there are one comment whose text the file changed; in a
larger gap, texts must also be at least half the same, so that deleting a
comment and editing its neighbour does not give the deleted one's row the
neighbour's text.

Plain rows and the importer's own plain nodes (``ImportNode``) in, a plan
out, no writes: ``comments.import_trees`` carries it out.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from articles.seed_parser import LOST_TEXT_REASON
from articles.xml_source import SOURCE_REASONS
from comments.models import Comment
from newsroom.text import fit

# The statuses an import gives, with their reasons: any other was a moderator's.
_AS_IMPORTED = frozenset(
    {(Comment.Status.PUBLISHED, ""), (Comment.Status.PENDING, LOST_TEXT_REASON)}
    | {(status, reason) for reason, status in SOURCE_REASONS.items()}
)
# Gaps wider than this are a rewrite, not an edit: no texts are compared there,
# which bounds the work a hostile file can cause.
_WIDEST_EDIT = 16
_COMPARED_WORDS = 100
_SAME_TEXT = 0.5


# Slots: a 16 MB seed file holds over 100,000 comments.
@dataclass(slots=True)
class ImportNode:
    """A comment to import, with its replies: plain data, whatever it was read from."""

    key: str  # the source's id for it, or its position, e.g. "3.1" for the first reply to the third
    body: str
    author: str | None = None
    line: int = 0  # where the source has it, for notes
    hold_reason: str | None = None  # why it is not published, if it is not
    replies: list[ImportNode] = field(default_factory=list)
    # Matched by ``key`` (an export's own id) rather than by content.
    keyed: bool = False
    status: str | None = None  # the source's; None: published, or pending if held
    created: datetime | None = None  # None when the source gave no date
    email: str = ""
    ip: str | None = None


class Row(NamedTuple):
    """A comment as the matching reads it (``ROW_COLUMNS``)."""

    pk: int
    parent_id: int | None
    tree_id: int
    lft: int
    rght: int
    level: int
    is_imported: bool
    import_digest: str
    import_source: str
    author_name: str
    status: str
    moderation_reason: str
    moderated_at: datetime | None
    edited_at: datetime | None
    missing_from_source: bool
    import_format: str = Comment.Source.TEXT
    import_key: str = ""


ROW_COLUMNS = Row._fields


def stored_author(author: str | None) -> str:
    return fit(Comment, "author_name", author or "")


def content_digest(author: str, body: str) -> str:
    """What a comment is matched by: author and text, with whitespace and Unicode
    composition normalised, so a dump that wraps lines differently changes nothing."""
    text = " ".join(unicodedata.normalize("NFC", f"{author}\0{body}").split())
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass
class Block:
    """New comments that go, in file order, at one place among a row's replies."""

    parent: Row
    after: Row | None
    comments: list[ImportNode] = field(default_factory=list)

    @property
    def position(self) -> int:
        """The lft the first of them takes: after the sibling they follow, or first."""
        return self.after.rght + 1 if self.after else self.parent.lft + 1


@dataclass
class Plan:
    changed: list[tuple[Row, ImportNode]] = field(default_factory=list)
    left_alone: list[tuple[Row, ImportNode, str]] = field(default_factory=list)
    missing: list[Row] = field(default_factory=list)
    found_again: list[Row] = field(default_factory=list)
    new_threads: list[ImportNode] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def touched(row: Row, answered: set[int]) -> str | None:
    """How a person touched the row since it was imported, or None."""
    if row.edited_at is not None:
        return "edited by staff"
    if row.moderated_at is not None or (row.status, row.moderation_reason) not in _AS_IMPORTED:
        return "moderated"
    if row.pk in answered:
        return "answered on the site"
    return None


def plan_reimport(
    threads: Sequence[ImportNode],
    rows: Sequence[Row],
    bodies: Callable[[list[int]], dict[int, str]],
    source_format: str = Comment.Source.TEXT,
) -> Plan:
    """Match the file's threads to an article's rows (all of them, in tree order).

    ``bodies`` fetches the current text of rows by pk, for the few gaps where
    texts must be compared. Only rows imported from ``source_format`` are
    matched: a Disqus export may add to an article a WordPress one made.
    """
    replies: dict[int | None, list[Row]] = defaultdict(list)
    answered: set[int] = set()
    ours = [row for row in rows if row.is_imported and row.import_format == source_format]
    for row in ours:
        replies[row.parent_id].append(row)
    for row in rows:
        if not row.is_imported and row.parent_id is not None:
            answered.add(row.parent_id)
    plan = Plan()
    reached: set[int] = set()
    stack: list[tuple[Row | None, Sequence[ImportNode]]] = [(None, threads)]
    while stack:
        parent, comments = stack.pop()
        digests = [content_digest(stored_author(c.author), c.body) for c in comments]
        siblings = replies.get(parent.pk if parent else None, [])
        found = _match(siblings, comments, digests, bodies)
        after, block = None, None
        for comment, digest, row in zip(comments, digests, found, strict=True):
            if row is None:
                if parent is None:
                    plan.new_threads.append(comment)
                    continue
                if block is None:
                    block = Block(parent, after)
                    plan.blocks.append(block)
                block.comments.append(comment)
                continue
            after, block = row, None
            reached.add(row.pk)
            _sort(plan, row, comment, digest, touched(row, answered))
            stack.append((row, comment.replies))
    plan.missing = [row for row in ours if not row.missing_from_source and row.pk not in reached]
    return plan


def _sort(plan: Plan, row: Row, comment: ImportNode, digest: str, how: str | None) -> None:
    if row.missing_from_source:
        plan.found_again.append(row)
    if row.import_digest == digest:
        return
    if how:
        plan.left_alone.append((row, comment, f"was {how}"))
    elif comment.hold_reason == LOST_TEXT_REASON:
        # Text a later dump lost to encoding must not overwrite (and publish
        # over) the text already imported.
        plan.left_alone.append((row, comment, "has its text lost to encoding in the file"))
    else:
        plan.changed.append((row, comment))


def _match(
    rows: list[Row],
    comments: Sequence[ImportNode],
    digests: list[str],
    bodies: Callable[[list[int]], dict[int, str]],
) -> list[Row | None]:
    """The row each comment is among one parent's imported replies; None for a new one."""
    if comments and comments[0].keyed:
        by_key = {row.import_key: row for row in rows}
        return [by_key.pop(comment.key, None) for comment in comments]
    keyed: dict[tuple[str, int], Row] = {}
    seen: Counter[str] = Counter()
    for row in rows:
        keyed[row.import_digest, seen[row.import_digest]] = row
        seen[row.import_digest] += 1
    seen.clear()
    found: list[Row | None] = []
    for digest in digests:
        found.append(keyed.pop((digest, seen[digest]), None))
        seen[digest] += 1
    if keyed and None in found:
        _pair_changed(rows, comments, found, bodies)
    return found


def _pair_changed(
    rows: list[Row],
    comments: Sequence[ImportNode],
    found: list[Row | None],
    bodies: Callable[[list[int]], dict[int, str]],
) -> None:
    """Pair the rows and comments left in each gap between matched siblings, in place."""
    index = {row.pk: i for i, row in enumerate(rows)}
    matched = {row.pk for row in found if row is not None}
    left: dict[int, list[Row]] = defaultdict(list)
    gap = -1
    for i, row in enumerate(rows):
        if row.pk in matched:
            gap = i
        else:
            left[gap].append(row)
    waiting: dict[int, list[int]] = defaultdict(list)
    gap = -1
    for j, row in enumerate(found):
        if row is None:
            waiting[gap].append(j)
        else:
            gap = index[row.pk]
    for gap, positions in waiting.items():
        candidates = left.get(gap, [])
        if len(candidates) == len(positions) == 1:
            row, j = candidates[0], positions[0]
            if row.author_name == stored_author(comments[j].author):
                found[j] = row
        elif candidates and max(len(candidates), len(positions)) <= _WIDEST_EDIT:
            for row, j in _similar_pairs(candidates, positions, comments, bodies):
                found[j] = row


def _similar_pairs(
    candidates: list[Row],
    positions: list[int],
    comments: Sequence[ImportNode],
    bodies: Callable[[list[int]], dict[int, str]],
) -> list[tuple[Row, int]]:
    """In order, each comment with the first later row by its author whose text is
    at least half the same (difflib's ratio over their first words)."""
    texts = bodies([row.pk for row in candidates])
    pairs, start = [], 0
    for j in positions:
        comment = comments[j]
        words = _words(comment.body)
        for k in range(start, len(candidates)):
            row = candidates[k]
            if row.author_name != stored_author(comment.author):
                continue
            matcher = difflib.SequenceMatcher(None, _words(texts[row.pk]), words, autojunk=False)
            if matcher.quick_ratio() >= _SAME_TEXT and matcher.ratio() >= _SAME_TEXT:
                pairs.append((row, j))
                start = k + 1
                break
    return pairs


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())[:_COMPARED_WORDS]
