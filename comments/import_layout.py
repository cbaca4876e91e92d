"""New imported threads laid out in Python and inserted in bulk, for any number
of articles at once: tree fields computed here, one INSERT per level (and
batch), no per-row mptt updates. Each thread gets a fresh tree_id, so nothing
else in the table moves.

Runs inside the caller's transaction; ``comments.import_trees`` also uses the
layout to insert new replies into threads it merges.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db.models import Max
from django.utils import timezone

from articles.models import Article
from comments.locks import tree_write_lock
from comments.models import Comment
from comments.seed_match import ImportNode, content_digest, stored_author

_BATCH = 500

Levels = dict[int, list[tuple[Comment, Comment | None]]]
Make = Callable[[ImportNode], Comment]


def node_status(node: ImportNode) -> str:
    if node.status:
        return node.status
    return Comment.Status.PENDING if node.hold_reason else Comment.Status.PUBLISHED


def new_threads(threads: Sequence[tuple[Make, Sequence[ImportNode]]]) -> list[Comment]:
    """Insert each ``(make, threads)`` pair's threads, made by its ``make``."""
    if not any(roots for _, roots in threads):
        return []
    tree_write_lock(None)
    tree_id = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
    levels: Levels = {}
    for make, roots in threads:
        for root in roots:
            lay_out(
                [root], tree_id=tree_id, level=0, lft=1, parent_id=None, levels=levels, make=make
            )
            tree_id += 1
    return insert_levels(levels)


def maker(article: Article, source_name: str, source_format: str) -> Make:
    now = timezone.now()
    email_length = Comment._meta.get_field("email").max_length
    source_length = Comment._meta.get_field("import_source").max_length

    def make(parsed: ImportNode) -> Comment:
        author = stored_author(parsed.author)
        return Comment(
            article=article,
            author_name=author,
            email=parsed.email[:email_length],
            ip_address=parsed.ip,
            body=parsed.body,
            status=node_status(parsed),
            moderation_reason=parsed.hold_reason or "",
            # A source without dates (most text dumps) leaves only the import's
            # own time, which the page must not pass off as the comment's.
            created=parsed.created or now,
            date_unknown=parsed.created is None,
            is_imported=True,
            imported_at=now,
            import_format=source_format,
            import_source=f"{source_name}:{parsed.line}"[:source_length],
            import_key=parsed.key,
            import_digest=content_digest(author, parsed.body),
        )

    return make


def lay_out(
    comments: Sequence[ImportNode],
    *,
    tree_id: int,
    level: int,
    lft: int,
    parent_id: int | None,
    levels: Levels,
    make: Make,
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


def insert_levels(levels: Levels) -> list[Comment]:
    """One INSERT per level (and batch): parents first, so their replies learn their ids."""
    created: list[Comment] = []
    for depth in sorted(levels):
        rows = levels[depth]
        for node, parent in rows:
            if parent is not None:
                node.parent_id = parent.pk
        created.extend(Comment.objects.bulk_create([node for node, _ in rows], batch_size=_BATCH))
    return created
