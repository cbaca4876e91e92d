"""Re-importing a changed seed file: comments found by content, what people did kept."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from comments import moderation
from comments.models import Comment
from tests.helpers import A, B, C, D, by_body, import_seeds, imported, on_postgresql, post, seed

pytestmark = pytest.mark.django_db


def rows() -> dict[int, dict]:
    return {row["id"]: row for row in Comment.objects.values()}


def thread_bodies(article_comments) -> list:
    """The article's threads as nested (body, replies) pairs, in page order."""
    nodes = {}
    roots = []
    for comment in article_comments.order_by("tree_id", "lft"):
        node = nodes[comment.pk] = (comment.body, [])
        (nodes[comment.parent_id][1] if comment.parent_id else roots).append(node)
    return roots


def test_moderation_survives_a_reimport_of_a_file_with_a_comment_deleted_and_a_typo_fixed(
    tmp_path, moderator, assert_tree_sound
):
    # Issue 12's scenario: B deleted from the file, a typo fixed in the article.
    path = imported(tmp_path / "seeds", A, B, C, D)
    a, b, c, d = map(by_body, (A, B, C, D))
    admin = User.objects.create_superuser("admin", password="x")
    moderation.comment_edit(
        comment=a, body=A.replace("555 0100", "[redacted]"), author_name="", email="", editor=admin
    )
    reader_reply = post(a.article, b, body="It was twelve years, actually.")
    moderation.comments_moderate(
        Comment.objects.filter(pk=d.pk), action="remove", moderator=moderator
    )
    before = rows()
    seed(tmp_path / "seeds", A, C, D, body="The council voted on the bridge.")

    out, err = import_seeds(path)

    after = rows()
    assert set(after) == set(before)
    assert after[a.pk]["body"] == "Call me on [redacted] if you know who pays for the bridge."
    assert after[a.pk] == before[a.pk]
    assert after[b.pk] == {**before[b.pk], "missing_from_source": True}
    assert after[reader_reply.pk] == before[reader_reply.pk]
    assert after[reader_reply.pk]["parent_id"] == b.pk
    assert after[c.pk] == before[c.pk]
    assert after[d.pk] == before[d.pk]
    assert after[d.pk]["status"] == Comment.Status.REMOVED
    assert Article.objects.get().body == "The council voted on the bridge."
    assert "0 comments imported" in out and "1 missing from the file (kept)" in out
    assert f"note: comment {b.pk} (from vote.txt:9) is no longer in the file: kept" in out
    assert err == ""
    assert_tree_sound()


def test_unchanged_comments_keep_their_rows_when_one_is_inserted_at_the_top(
    tmp_path, assert_tree_sound
):
    path = imported(tmp_path / "seeds", A, "  1. A reply to A.", B, C)
    before = rows()
    seed(tmp_path / "seeds", "A new first comment.", A, "  1. A reply to A.", B, C)

    out, _ = import_seeds(path)

    after = rows()
    (added,) = set(after) - set(before)
    assert {pk: after[pk] for pk in before} == before
    assert after[added]["body"] == "A new first comment."
    # A thread of its own after the others: before them would renumber every
    # later thread in the table.
    assert after[added]["tree_id"] > max(row["tree_id"] for row in before.values())
    assert "1 comments imported" in out
    assert_tree_sound()


def test_a_new_reply_goes_in_its_place_among_its_siblings(tmp_path, assert_tree_sound):
    path = imported(tmp_path / "seeds", A, "  1. First reply.", "  2. Second reply.", B)
    article = Article.objects.get()
    reader_reply = post(article, by_body(A), body="A reader's reply.")
    other_thread = list(Comment.objects.filter(body__in=[B]).values())
    seed(
        tmp_path / "seeds",
        A, "  1. First reply.", "  2. A reply added later.", "  3. Second reply.", B,
    )

    import_seeds(path)

    assert thread_bodies(article.comments) == [
        (A, [
            ("First reply.", []),
            ("A reply added later.", []),
            ("Second reply.", []),
            ("A reader's reply.", []),
        ]),
        (B, []),
    ]
    assert Comment.objects.get(pk=reader_reply.pk).parent_id == by_body(A).pk
    assert list(Comment.objects.filter(body__in=[B]).values()) == other_thread
    assert_tree_sound()


def test_new_replies_in_several_places_of_one_thread_keep_it_sound(tmp_path, assert_tree_sound):
    path = imported(tmp_path / "seeds", A, "  1. One.", "    1. One one.", "  2. Two.", B)
    article = Article.objects.get()
    seed(
        tmp_path / "seeds",
        A, "  1. New first.", "  2. One.", "    1. New under one.", "    2. One one.",
        "      1. Deepest.", "  3. Two.", "  4. New last.", "    1. Under new last.", B,
    )

    out, _ = import_seeds(path)

    assert thread_bodies(article.comments) == [
        (A, [
            ("New first.", []),
            ("One.", [("New under one.", []), ("One one.", [("Deepest.", [])])]),
            ("Two.", []),
            ("New last.", [("Under new last.", [])]),
        ]),
        (B, []),
    ]
    assert "5 comments imported" in out
    assert_tree_sound()


def test_a_changed_comment_nobody_touched_takes_the_files_new_text(tmp_path):
    path = imported(tmp_path / "seeds", A, B, C)
    b = by_body(B)
    seed(tmp_path / "seeds", A, B.replace("ten years", "eleven years"), C)

    out, _ = import_seeds(path)

    assert Comment.objects.get(pk=b.pk).body == B.replace("ten years", "eleven years")
    assert Comment.objects.count() == 3
    assert "0 comments imported" in out and "1 updated" in out


def test_deleting_a_comment_and_editing_the_next_keeps_each_text_on_its_own_row(tmp_path):
    path = imported(tmp_path / "seeds", A, B, C, D)
    b, c = by_body(B), by_body(C)
    edited = "Who pays for the repairs once the bridge opens?"
    seed(tmp_path / "seeds", A, edited, D)

    import_seeds(path)

    assert Comment.objects.get(pk=c.pk).body == edited
    b = Comment.objects.get(pk=b.pk)
    assert (b.body, b.missing_from_source) == (B, True)
    assert Comment.objects.count() == 4


def test_equal_comments_under_one_parent_are_told_apart_by_their_order(tmp_path):
    path = imported(tmp_path / "seeds", A, "  1. +1", "  2. +1", B)
    first, second = Comment.objects.filter(body="+1").order_by("lft")
    post(first.article, second, body="Agreed with the second one.")
    seed(tmp_path / "seeds", A, "  1. +1", "  2. +1", "  3. +1", B)

    out, _ = import_seeds(path)

    assert Comment.objects.filter(body="+1").count() == 3
    assert "1 comments imported" in out
    assert list(Comment.objects.filter(body="+1").order_by("lft"))[:2] == [first, second]


def test_reimport_runs_no_statements_on_the_rows_it_leaves_alone(tmp_path):
    path = imported(tmp_path / "seeds", *[f"Comment number {n}." for n in range(60)])
    seed(tmp_path / "seeds", "A new first comment.", *[f"Comment number {n}." for n in range(60)])

    with CaptureQueriesContext(connection) as queries:
        import_seeds(path)

    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]
    assert [sql.split(" SET")[0].split(" (")[0] for sql in writes] == [
        'INSERT INTO "comments_comment"',
        'UPDATE "articles_article"',
        'UPDATE "articles_article"',
    ]


@pytest.mark.postgres
@on_postgresql
def test_new_replies_lock_their_threads_before_the_rows_are_read_again(tmp_path):
    path = imported(tmp_path / "seeds", A, B)
    thread = by_body(B).tree_id
    seed(tmp_path / "seeds", A, B, "  1. A reply added later.")

    with CaptureQueriesContext(connection) as queries:
        import_seeds(path)

    statements = [q["sql"] for q in queries]
    locks = [i for i, sql in enumerate(statements) if "pg_advisory_xact_lock(" in sql]
    reads = [i for i, sql in enumerate(statements) if '"comments_comment"."import_digest"' in sql]
    assert any(f", {thread})" in statements[i] for i in locks)
    assert len(reads) == 2 and reads[0] < locks[-1] < reads[1]


@pytest.mark.postgres
@on_postgresql
def test_replies_added_to_many_threads_lock_the_table_instead(tmp_path, assert_tree_sound):
    threads = [f"Thread {n}." for n in range(501)]
    path = imported(tmp_path / "seeds", *threads)
    seed(tmp_path / "seeds", *[line for t in threads for line in (t, "  1. A late reply.")])

    with CaptureQueriesContext(connection) as queries:
        out, _ = import_seeds(path)

    assert any("LOCK TABLE" in q["sql"] for q in queries)
    assert "501 comments imported" in out
    assert_tree_sound()
