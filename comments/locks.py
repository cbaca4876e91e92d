"""The writers' locks: every tree write and every rate-limited write takes them.

django-mptt takes no locks, so two concurrent inserts can corrupt lft/rght or
hand two roots one tree_id. Each tree write runs inside ``transaction.atomic``
and ``tree_write_lock``: on SQLite the IMMEDIATE transaction mode already
serialises writers; on PostgreSQL we take transaction-level advisory locks,
one per thread (tree_id) for replies and one shared lock for allocating new
tree ids, so a reply only waits for writers of its own thread.
"""

from __future__ import annotations

from enum import IntEnum

from django.db import connection

from comments.models import Comment

_NEW_TREE_LOCK = 0


class Namespace(IntEnum):
    """The first key of an advisory lock: what the second key names."""

    THREAD = 0x4E57
    FLOOD = 0x4E58
    REPORTS = 0x4E59
    SEED_FILE = 0x4E5A
    RESPECTS = 0x4E5B
    NOTIFY = 0x4E5C


def tree_write_lock(*tree_ids: int | None) -> None:
    """Lock the given threads (None: the allocation of new tree ids) until commit."""
    if connection.vendor != "postgresql":
        return
    keys = sorted({_NEW_TREE_LOCK if tree_id is None else tree_id for tree_id in tree_ids})
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [int(Namespace.THREAD), key])


def lock_thread_of(comment_id: int) -> Comment:
    """Lock a comment's thread and return the comment as it is under the lock.

    The tree fields read before the lock may be stale; mptt computes a new
    reply's place from its parent's, so re-read after locking. A concurrent
    repair can change the tree_id, in which case we lock the new thread too.
    SQLite's IMMEDIATE transaction already holds the write lock.
    """
    locked: set[int] = set()
    while True:
        comment = Comment.objects.select_related("article").get(pk=comment_id)
        if comment.tree_id in locked or connection.vendor != "postgresql":
            return comment
        tree_write_lock(comment.tree_id)
        locked.add(comment.tree_id)


def name_lock(namespace: Namespace, *names: str) -> None:
    """Serialise the writers of one kind for each name (an address, a seed file) until commit.

    Rate limits count inside the write transaction, under this lock on
    PostgreSQL (SQLite's IMMEDIATE transactions already serialise), so
    concurrent requests from one address across workers cannot overshoot.
    Several names are locked in sorted order, so two writers of overlapping
    sets never wait for each other.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name in sorted(set(names)):
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [int(namespace), name]
                )


def lock_comment(comment_id: int) -> Comment:
    """A comment's row, locked until commit, with its article.

    For writes that change one comment without moving it in its tree (its
    author's edit or delete): a moderator's change to the same row waits, so
    neither is made from a stale copy. SQLite's IMMEDIATE transaction already
    holds the write lock.
    """
    return (
        Comment.objects.select_for_update(of=("self",))
        .select_related("article")
        .get(pk=comment_id)
    )
