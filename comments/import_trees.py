"""Imported threads: new ones in bulk, and later versions of a source merged in.

Both take plain ``ImportNode`` trees and run inside the caller's transaction
(``comments.importing.article_import``) under the writers' lock
(``comments.locks.tree_write_lock``). Which row each comment of a changed
source is, ``comments.seed_match`` decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, F, Max, OuterRef
from django.utils import timezone

from articles.models import Article
from articles.pagecache import discussion_changed
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
from newsroom.text import fit

# PostgreSQL keeps advisory locks in a shared table sized for a few thousand;
# a re-import that adds replies to more threads than this locks the table.
_MOST_THREAD_LOCKS = 500
_BATCH = 500

_Levels = dict[int, list[tuple[Comment, Comment | None]]]
_Make = Callable[[ImportNode], Comment]


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
    """Create whole new threads in bulk: tree fields computed here, one INSERT per level.

    No per-row mptt updates: each thread gets a fresh tree_id, so nothing
    else in the table moves.
    """
    created = _new_threads(threads, _maker(article, source_name, source_format))
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
    make = _maker(article, source_name, source_format)
    report.added = _insert_blocks(article, plan.blocks, make)
    report.added += len(_new_threads(plan.new_threads, make))
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
            status=_status(comment),
            moderation_reason=comment.hold_reason or "",
        )
    )


def _status(node: ImportNode) -> str:
    if node.status:
        return node.status
    return Comment.Status.PENDING if node.hold_reason else Comment.Status.PUBLISHED


def _insert_blocks(article: Article, blocks: list[Block], make: _Make) -> int:
    """Open room for each block of new replies in its thread, then insert it.

    Right to left in each thread, so the positions read for the blocks not
    yet placed stay true.
    """
    added = 0
    for block in sorted(blocks, key=lambda b: (b.parent.tree_id, b.position), reverse=True):
        levels: _Levels = {}
        end = _lay_out(
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
        added += len(_insert(levels))
    return added


def _new_threads(threads: Sequence[ImportNode], make: _Make) -> list[Comment]:
    if not threads:
        return []
    tree_write_lock(None)
    tree_id = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
    levels: _Levels = {}
    for root in threads:
        _lay_out(
            [root], tree_id=tree_id, level=0, lft=1, parent_id=None, levels=levels, make=make
        )
        tree_id += 1
    return _insert(levels)


def _maker(article: Article, source_name: str, source_format: str) -> _Make:
    now = timezone.now()

    def make(parsed: ImportNode) -> Comment:
        author = stored_author(parsed.author)
        return Comment(
            article=article,
            author_name=author,
            email=fit(Comment, "email", parsed.email),
            ip_address=parsed.ip,
            body=parsed.body,
            status=_status(parsed),
            moderation_reason=parsed.hold_reason or "",
            # A source without dates (most text dumps) leaves only the import's
            # own time, which the page must not pass off as the comment's.
            created=parsed.created or now,
            date_unknown=parsed.created is None,
            is_imported=True,
            imported_at=now,
            import_format=source_format,
            import_source=fit(Comment, "import_source", f"{source_name}:{parsed.line}"),
            import_key=parsed.key,
            import_digest=content_digest(author, parsed.body),
        )

    return make


def _lay_out(
    comments: Sequence[ImportNode],
    *,
    tree_id: int,
    level: int,
    lft: int,
    parent_id: int | None,
    levels: _Levels,
    make: _Make,
) -> int:
    """Number ``comments`` and their replies side by side in ``tree_id`` from ``lft``
    on, adding each to ``levels``; return the position after the last."""
    counter = lft
    # (parsed, parent instance, level, entered node) on an explicit stack:
    # seeds may nest deeper than Python's recursion limit.
    stack: list[tuple[ImportNode, Comment | None, int, Comment | None]] = [
        (comment, None, level, None) for comment in reversed(comments)
    ]
    while stack:
        parsed, parent, depth, entered = stack.pop()
        if entered is not None:
            entered.rght = counter
            counter += 1
            continue
        node = make(parsed)
        node.tree_id, node.level, node.lft = tree_id, depth, counter
        if parent is None:
            node.parent_id = parent_id
        counter += 1
        levels.setdefault(depth, []).append((node, parent))
        stack.append((parsed, parent, depth, node))
        stack.extend((reply, node, depth + 1, None) for reply in reversed(parsed.replies))
    return counter


def _insert(levels: _Levels) -> list[Comment]:
    """One INSERT per level (and batch): parents first, so their replies learn their ids."""
    created: list[Comment] = []
    for depth in sorted(levels):
        rows = levels[depth]
        for node, parent in rows:
            if parent is not None:
                node.parent_id = parent.pk
        created.extend(Comment.objects.bulk_create([node for node, _ in rows], batch_size=_BATCH))
    return created
