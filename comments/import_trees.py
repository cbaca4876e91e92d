"""Imported threads: new ones in bulk, and later versions of a source merged in.

Both take plain ``ImportNode`` trees and run inside the caller's transaction
(``comments.importing.articles_import``) under the writers' lock
(``comments.locks.tree_write_lock``). Which row each comment of a changed
source is, ``comments.seed_match`` decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, F, OuterRef

from articles.models import Article
from articles.pagecache import discussion_changed
from comments.import_layout import (
    Levels,
    Make,
    insert_levels,
    lay_out,
    maker,
    new_threads,
    node_status,
)
from comments.locks import tree_write_lock
from comments.models import Comment
from comments.seed_match import (
    ROW_COLUMNS,
    Block,
    ImportNode,
    Plan,
    Row,
    content_digest,
    plan_reimport,
    stored_author,
)

# PostgreSQL keeps advisory locks in a shared table sized for a few thousand;
# a re-import that adds replies to more threads than this locks the table.
_MOST_THREAD_LOCKS = 500
_BATCH = 500


@dataclass
class ReimportReport:
    added: int = 0
    updated: int = 0
    missing: int = 0
    left_alone: int = 0
    notes: list[str] = field(default_factory=list)


def threads_import(
    *, article: Article, threads: Sequence[ImportNode], source_name: str,
    source_format: str = Comment.Source.TEXT,
) -> list[Comment]:
    """Create whole new threads in bulk (``comments.import_layout.new_threads``)."""
    created = new_threads([(maker(article, source_name, source_format), threads)])
    if created:
        discussion_changed(article.pk)
    return created


def comments_reimport(
    *, article: Article, threads: Sequence[ImportNode], source_name: str,
    source_format: str = Comment.Source.TEXT,
) -> ReimportReport:
    """Merge a changed seed file into the threads its earlier version made.

    Comments are matched by content (an export's by its ids), so an unchanged one keeps its row. A
    changed one is updated unless a person touched it (moderated, edited by
    staff, or answered on the site): that change is reported and left alone.
    One gone from the file is kept, marked missing from the source, and
    reported. A new reply goes in its place among its siblings; a new
    top-level comment starts a thread after the article's others (before them
    would renumber every later thread in the table). Comments posted on the
    site are never written, so a reader's reply never moves.
    """
    plan = _planned(article, threads, source_format)
    report = ReimportReport(missing=len(plan.missing))
    _flag([row.pk for row in plan.found_again], missing=False)
    _flag([row.pk for row in plan.missing], missing=True)
    report.notes += [
        f"comment {row.pk} (from {row.import_source}) is no longer in the file: kept, "
        "marked missing from the source"
        for row in plan.missing
    ]
    report.notes += [f"comment {row.pk} is back in the file" for row in plan.found_again]
    left_alone = list(plan.left_alone)
    for row, comment in plan.changed:
        if _rewrite(row, comment):
            report.updated += 1
        else:
            left_alone.append((row, comment, "was touched by a person during the import"))
    report.left_alone = len(left_alone)
    report.notes += [
        f"line {comment.line}: comment {row.pk} {why}; the file's change to it is left alone"
        for row, comment, why in left_alone
    ]
    make = maker(article, source_name, source_format)
    report.added = _insert_blocks(article, plan.blocks, make)
    report.added += len(new_threads([(make, plan.new_threads)]))
    # The missing flag shows on no page, so flags alone leave the cache be.
    if report.added or report.updated:
        discussion_changed(article.pk)
    return report


def _planned(article: Article, threads: Sequence[ImportNode], source_format: str) -> Plan:
    """The plan, made from rows read under the locks of the threads it adds replies to.

    A first reading shows which threads those are; once they are locked the
    rows are read again, since a reply posted meanwhile moved their
    positions. SQLite's IMMEDIATE transaction already holds the write lock.
    """
    locked: set[int] = set()
    table_locked = False
    while True:
        rows = [
            Row._make(values)
            for values in Comment.objects.filter(article=article)
            .order_by("tree_id", "lft")
            .values_list(*ROW_COLUMNS)
            .iterator(chunk_size=2000)
        ]
        plan = plan_reimport(threads, rows, _bodies, source_format)
        wanted = {block.parent.tree_id for block in plan.blocks} - locked
        if connection.vendor != "postgresql" or table_locked or not wanted:
            return plan
        if len(locked | wanted) > _MOST_THREAD_LOCKS:
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(Comment._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            table_locked = True
        else:
            # New tree ids first, as check_trees --fix takes them, so neither
            # waits for the other while holding a thread.
            tree_write_lock(None, *wanted)
            locked |= wanted


def _bodies(pks: list[int]) -> dict[int, str]:
    return dict(Comment.objects.filter(pk__in=pks).values_list("pk", "body"))


def _flag(pks: list[int], *, missing: bool) -> None:
    for start in range(0, len(pks), _BATCH):
        Comment.objects.filter(pk__in=pks[start : start + _BATCH]).update(
            missing_from_source=missing
        )


def _rewrite(row: Row, comment: ImportNode) -> bool:
    """Give an untouched row the file's new text; False if a person touched it meanwhile.

    The conditions are checked again by the UPDATE itself, which waits for a
    moderator's or an editor's row lock and then sees what they wrote.
    """
    site_reply = Comment.objects.filter(parent=OuterRef("pk"), is_imported=False)
    untouched = Comment.objects.filter(
        ~Exists(site_reply),
        pk=row.pk,
        status=row.status,
        moderation_reason=row.moderation_reason,
        moderated_at=None,
        edited_at=None,
    )
    return bool(
        untouched.update(
            body=comment.body,
            import_digest=content_digest(stored_author(comment.author), comment.body),
            status=node_status(comment),
            moderation_reason=comment.hold_reason or "",
        )
    )


def _insert_blocks(article: Article, blocks: list[Block], make: Make) -> int:
    """Open room for each block of new replies in its thread, then insert it.

    Right to left in each thread, so the positions read for the blocks not
    yet placed stay true.
    """
    added = 0
    for block in sorted(blocks, key=lambda b: (b.parent.tree_id, b.position), reverse=True):
        levels: Levels = {}
        end = lay_out(
            block.comments,
            tree_id=block.parent.tree_id,
            level=block.parent.level + 1,
            lft=block.position,
            parent_id=block.parent.pk,
            levels=levels,
            make=make,
        )
        width = end - block.position
        thread = Comment.objects.filter(article=article, tree_id=block.parent.tree_id)
        thread.filter(rght__gte=block.position).update(rght=F("rght") + width)
        thread.filter(lft__gte=block.position).update(lft=F("lft") + width)
        added += len(insert_levels(levels))
    return added


