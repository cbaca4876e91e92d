"""Concurrent tree writes on PostgreSQL: the advisory locks keep every tree sound.

django-mptt takes no locks (its issues #236, #555): without them two roots
can share a tree_id and concurrent replies corrupt lft/rght. SQLite needs no
test here: IMMEDIATE transactions serialise its writers, which the load tests
exercise through gunicorn.
"""

from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection

from comments.models import Comment
from tests.helpers import make_article, post

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://...): SQLite serialises writers itself",
    ),
]

WORKERS = 8
POSTS_EACH = 12


def in_parallel(task, count: int) -> list:
    def run(n):
        try:
            return task(n)
        finally:
            close_old_connections()
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_concurrent_new_threads_each_get_their_own_tree_id(assert_tree_sound):
    article = make_article()

    in_parallel(
        lambda n: [post(article, body=f"worker {n} post {i}") for i in range(POSTS_EACH)],
        WORKERS,
    )

    roots = Comment.objects.filter(parent=None)
    assert roots.count() == WORKERS * POSTS_EACH
    assert roots.values("tree_id").distinct().count() == WORKERS * POSTS_EACH
    assert_tree_sound()


def test_concurrent_replies_to_one_thread_keep_it_sound(assert_tree_sound):
    article = make_article()
    root = post(article, body="hot thread")
    other = post(article, body="quiet thread")
    first_replies = [post(article, root, body=f"branch {n}") for n in range(WORKERS)]

    def reply_deeper(n):
        parent = first_replies[n]
        for i in range(POSTS_EACH):
            parent = post(article, parent if i % 2 else first_replies[n], body=f"{n}.{i}")

    in_parallel(reply_deeper, WORKERS)

    root.refresh_from_db()
    assert root.get_descendant_count() == WORKERS * (POSTS_EACH + 1)
    assert Comment.objects.get(pk=other.pk).rght == 2
    assert_tree_sound()


def test_imports_running_beside_posting_keep_every_tree_sound(tmp_path, assert_tree_sound):
    article = make_article()
    seeds = []
    for n in range(WORKERS // 2):
        lines = [f"Imported {n}", "", "Body.", "", "3 Comments", ""]
        lines += ["  1. one", "    1. reply", "  2. two"]
        path = tmp_path / f"{n:03}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        seeds.append(path)

    def work(n):
        if n < len(seeds):
            call_command("import_seeds", str(seeds[n]), stdout=StringIO())
        else:
            for i in range(POSTS_EACH):
                post(article, body=f"post {n}.{i}")

    in_parallel(work, WORKERS)

    imported_roots = Comment.objects.filter(is_imported=True, parent=None)
    assert imported_roots.count() == 2 * len(seeds)
    all_roots = Comment.objects.filter(parent=None)
    assert all_roots.values("tree_id").distinct().count() == all_roots.count()
    assert_tree_sound()


def test_reimports_adding_replies_beside_readers_replying_keep_every_tree_sound(
    tmp_path, assert_tree_sound
):
    first = ["Re-imported", "", "Body.", "", "2 Comments", ""]
    first += ["  1. one", "    1. reply", "  2. two"]
    second = [*first[:-1], "    2. added", "  2. two", "    1. added too"]
    seeds = []
    for n in range(WORKERS // 2):
        path = tmp_path / f"{n:03}.txt"
        path.write_text("\n".join(first) + "\n", encoding="utf-8")
        call_command("import_seeds", str(path), stdout=StringIO())
        path.write_text("\n".join(second) + "\n", encoding="utf-8")
        seeds.append(path)
    targets = list(Comment.objects.filter(is_imported=True).select_related("article"))

    def work(n):
        if n < len(seeds):
            call_command("import_seeds", str(seeds[n]), stdout=StringIO())
        else:
            for i in range(POSTS_EACH):
                target = targets[(n * POSTS_EACH + i) % len(targets)]
                post(target.article, target, body=f"reader {n}.{i}")

    in_parallel(work, WORKERS)

    assert Comment.objects.filter(is_imported=True).count() == 5 * len(seeds)
    site_replies = Comment.objects.filter(is_imported=False)
    assert site_replies.count() == (WORKERS - len(seeds)) * POSTS_EACH
    assert Comment.objects.filter(missing_from_source=True).count() == 0
    assert_tree_sound()
