"""What keeps writes cheap on huge discussions: pinned as query counts and rows touched."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from tests.helpers import import_seeds, make_article, post

pytestmark = pytest.mark.django_db


def seed_with(top_level: int, replies_each: int) -> bytes:
    lines = ["A busy story", "", "By Some One", "", "Body.", "", f"{top_level} Comments", ""]
    for i in range(1, top_level + 1):
        lines += [f"  {i}. top comment {i}", ""]
        lines += [f"    {j}. reply {j} to {i}" for j in range(1, replies_each + 1)]
        lines.append("")
    return "\n".join(lines).encode()


def test_import_builds_trees_in_bulk_without_per_row_tree_updates(assert_tree_sound, tmp_path):
    path = tmp_path / "busy.txt"
    path.write_bytes(seed_with(200, 4))

    with CaptureQueriesContext(connection) as queries:
        import_seeds(path)

    statements = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith('UPDATE "comments_comment"')]
    inserts = [sql for sql in statements if sql.startswith('INSERT INTO "comments_comment"')]
    # 1,000 comments go in as a handful of multi-row INSERTs (SQLite caps
    # parameters per statement at 999, so with the comment's 25-odd columns a
    # level of 200 takes several), never one a row.
    assert Comment.objects.count() == 1000
    assert len(inserts) <= 1000 // 30
    assert_tree_sound()


def reply_queries(threads: int) -> int:
    article = make_article()
    for i in range(threads):
        post(article, body=f"thread {i}")
    target = post(article, body="hot")
    with CaptureQueriesContext(connection) as queries:
        post(article, target, body="reply", ip_address="10.0.0.9", posts_per_minute=5)
    return len(queries)


def test_a_reply_costs_the_same_queries_on_a_small_and_a_huge_discussion():
    assert reply_queries(1) == reply_queries(300) <= 12


def test_a_reply_only_moves_rows_of_its_own_thread():
    article = make_article()
    other = post(article, body="other thread")
    post(article, other, body="its reply")
    hot = post(article, body="hot thread")
    before = list(Comment.objects.filter(tree_id=other.tree_id).values_list("pk", "lft", "rght"))

    post(article, hot, body="reply to hot")

    after = list(Comment.objects.filter(tree_id=other.tree_id).values_list("pk", "lft", "rght"))
    assert before == after
    assert Comment.objects.get(pk=hot.pk).rght == 4


def test_every_comment_write_bumps_the_discussion_version_once():
    article = make_article()

    post(article)

    article.refresh_from_db()
    assert article.discussion_version == 1
