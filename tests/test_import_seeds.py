"""The import_seeds command: the seeds come out as their pages showed them, every time."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.seed_parser import LOST_TEXT_REASON
from comments.models import Comment
from tests.helpers import FIRST, SECOND, SEEDS, import_seeds, post, seed_copy

pytestmark = pytest.mark.django_db


def exported() -> dict:
    out = StringIO()
    call_command("export_threads", stdout=out)
    return json.loads(out.getvalue())


def article_from(source: str) -> dict:
    return next(a for a in exported()["articles"] if a["source"] == source)


def walk(comments: list[dict]):
    for comment in comments:
        yield comment
        yield from walk(comment["replies"])


# The two seeds, as their pages showed them.


def test_first_seed_imports_as_its_page_showed_it(assert_tree_sound):
    import_seeds(SEEDS / FIRST)
    article = article_from(FIRST)
    assert article["title"] == "ISIS will lose Mosul and Raqqa. What happens next?"
    assert article["byline"] == "Ishaan Tharoor"
    assert len(article["paragraphs"]) == 19
    assert article["paragraphs"][0].startswith("The jihadists of the Islamic State")
    assert article["paragraphs"][-1].startswith("In this current environment")
    assert article["declared_comment_count"] == 8
    assert article["comments_open"] is True
    comments = article["comments"]
    assert len(comments) == 6
    assert [len(c["replies"]) for c in comments] == [0, 0, 1, 0, 0, 0]
    third = comments[2]
    assert third["body"].startswith("09.07 The soldiers")
    assert third["body"].endswith("General Shakar Javdat")
    assert third["replies"][0]["body"] == "Iraq announced the liberation of Mosul from IS"
    assert [c["status"] for c in walk(comments)] == ["published"] * 6 + ["pending"]
    assert {c["author"] for c in walk(comments)} == {None}
    assert_tree_sound()


def test_second_seed_imports_as_its_page_showed_it(assert_tree_sound):
    import_seeds(SEEDS / SECOND)
    article = article_from(SECOND)
    assert article["title"] == "What Happens When Mosul Is Recaptured?"
    assert article["byline"] is None
    assert len(article["paragraphs"]) == 6
    assert article["declared_comment_count"] == 6
    assert [c["author"] for c in article["comments"]] == [
        "michael reynolds", None, "Gray Shambler", None, "Gray Shambler", "bob sykes",
    ]
    assert all(c["replies"] == [] and c["status"] == "published" for c in article["comments"])
    assert article["comments"][0]["body"].count("\n\n") == 2
    assert_tree_sound()


def test_comment_lost_to_encoding_is_held_for_moderation_with_the_reason():
    import_seeds(SEEDS / FIRST)
    held = Comment.objects.get(status=Comment.Status.PENDING)
    assert held.moderation_reason == LOST_TEXT_REASON
    assert set(held.body) == {"?", " "}
    assert held.import_key == "6"


def test_imported_comments_record_their_file_line_and_position():
    import_seeds(SEEDS / FIRST)
    reply = Comment.objects.get(import_key="3.1")
    assert reply.is_imported
    assert reply.import_source == f"{FIRST}:59"
    assert reply.parent.import_key == "3"
    assert reply.level == 1


def test_each_top_level_comment_is_its_own_tree_in_thread_order():
    import_seeds(SEEDS / FIRST)
    roots = list(Comment.objects.filter(parent=None).order_by("tree_id"))
    assert [c.import_key for c in roots] == ["1", "2", "3", "4", "5", "6"]
    assert len({c.tree_id for c in roots}) == 6
    reply = Comment.objects.get(import_key="3.1")
    assert reply.tree_id == roots[2].tree_id


def test_article_keeps_the_seed_file_verbatim_with_its_name_and_hash():
    import_seeds(SEEDS / SECOND)
    article = Article.objects.get()
    raw = (SEEDS / SECOND).read_bytes()
    assert article.source_name == SECOND
    assert article.source_text == raw.decode("utf-8")
    assert len(article.content_hash) == 64
    assert article.slug == "what-happens-when-mosul-is-recaptured"


def test_import_prints_one_summary_line_per_file():
    out, err = import_seeds(SEEDS)
    assert err == ""
    summaries = [line for line in out.splitlines() if not line.startswith("  ")]
    assert len(summaries) == 2
    first, second = summaries
    assert first.startswith(f"{FIRST}: created “ISIS will lose Mosul and Raqqa.")
    assert "7 comments imported (declared 8, found 7)" in first
    assert f"held for moderation: 6: {LOST_TEXT_REASON}" in first
    assert second.startswith(f"{SECOND}: created “What Happens When Mosul Is Recaptured?”")
    assert "6 comments imported (declared 6, found 6)" in second
    assert "held" not in second


def test_parser_notes_follow_their_files_summary():
    out, _ = import_seeds(SEEDS / FIRST)
    assert "text before the byline dropped" in out
    assert "the page declared 8 comments; the dump holds 7" in out


def test_without_paths_the_seeds_folder_is_imported():
    import_seeds()
    assert sorted(Article.objects.values_list("source_name", flat=True)) == [FIRST, SECOND]
    assert Comment.objects.count() == 13


# Idempotency.


def test_importing_twice_changes_nothing(assert_tree_sound):
    import_seeds(SEEDS)
    before = exported()
    rows = list(Comment.objects.order_by("pk").values())
    versions = list(Article.objects.order_by("pk").values_list("discussion_version", "updated"))
    out, err = import_seeds(SEEDS)
    assert exported() == before
    assert list(Comment.objects.order_by("pk").values()) == rows
    assert list(Article.objects.order_by("pk").values_list("discussion_version", "updated")) == (
        versions
    )
    assert out.splitlines() == [
        f"{FIRST}: unchanged “ISIS will lose Mosul and Raqqa. What happens next?”, nothing to do",
        f"{SECOND}: unchanged “What Happens When Mosul Is Recaptured?”, nothing to do",
    ]
    assert err == ""
    assert_tree_sound()


def test_same_file_under_another_folder_is_the_same_article(tmp_path):
    import_seeds(SEEDS / FIRST)
    import_seeds(seed_copy(tmp_path, FIRST) / FIRST)
    assert Article.objects.count() == 1
    assert Comment.objects.count() == 7


def test_changed_file_updates_its_article_and_merges_comments_by_content(
    tmp_path, assert_tree_sound
):
    folder = seed_copy(tmp_path, FIRST)
    import_seeds(folder)
    article = Article.objects.get()
    kept_ids = dict(Comment.objects.values_list("import_key", "pk"))
    path = folder / FIRST
    text = path.read_text(encoding="utf-8")
    text = text.replace("What happens next? What invent", "What comes next? What invent")
    text = text.replace(
        "  4. Where will go",
        "    2. A second reply, added later\n\n  4. Where will go",
    )
    path.write_text(text, encoding="utf-8")

    out, _ = import_seeds(folder)

    assert f"{FIRST}: updated" in out
    assert "1 comments imported" in out and "1 updated" in out
    assert dict(Comment.objects.exclude(import_key="3.2").values_list("import_key", "pk")) == (
        kept_ids
    )
    assert Comment.objects.get(import_key="1").body.startswith("What comes next?")
    added = Comment.objects.get(import_key="3.2")
    assert added.parent.import_key == "3"
    assert [c["body"] for c in article_from(FIRST)["comments"][2]["replies"]] == [
        "Iraq announced the liberation of Mosul from IS",
        "A second reply, added later",
    ]
    article.refresh_from_db()
    assert article.source_text == text
    assert_tree_sound()


def test_reimport_never_touches_comments_posted_on_the_site(tmp_path, assert_tree_sound):
    folder = seed_copy(tmp_path, FIRST)
    import_seeds(folder)
    article = Article.objects.get()
    third = Comment.objects.get(import_key="3")
    site_reply = post(article, third, body="Posted on the site")
    site_root = post(article, body="A new thread from a reader")
    site_fields = ("pk", "body", "parent_id", "status", "author_name")
    site_rows = list(Comment.objects.filter(is_imported=False).values_list(*site_fields))
    path = folder / FIRST
    path.write_text(
        path.read_text(encoding="utf-8").replace("Prophet Nahum", "Prophet Nahum (edited)"),
        encoding="utf-8",
    )

    import_seeds(folder)

    assert list(Comment.objects.filter(is_imported=False).values_list(*site_fields)) == site_rows
    assert site_reply.pk in {c["id"] for c in article_from(FIRST)["comments"][2]["replies"]}
    assert site_root.pk == article_from(FIRST)["comments"][-1]["id"]
    assert_tree_sound()


def test_reimport_never_overwrites_text_with_text_lost_to_encoding(tmp_path):
    folder = seed_copy(tmp_path, FIRST)
    import_seeds(folder)
    path = folder / FIRST
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  4. Where will go the fighters of the IS after the defeat in Syria and Iraq",
            "  4. ????? ???? ?? ??? ????????",
        ),
        encoding="utf-8",
    )

    import_seeds(folder)

    fourth = Comment.objects.get(import_key="4")
    assert fourth.body.startswith("Where will go the fighters")
    assert fourth.status == Comment.Status.PUBLISHED


# Dry runs.


def test_dry_run_reports_what_it_would_do_and_writes_nothing():
    out, err = import_seeds(SEEDS, dry_run=True)
    assert Article.objects.count() == 0
    assert Comment.objects.count() == 0
    assert f"{FIRST}: would create “ISIS will lose Mosul" in out
    assert "7 comments imported (declared 8, found 7)" in out
    assert f"{SECOND}: would create" in out
    assert err == ""


def test_dry_run_of_a_changed_file_leaves_the_old_version(tmp_path):
    folder = seed_copy(tmp_path, SECOND)
    import_seeds(folder)
    before = exported()
    path = folder / SECOND
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    out, _ = import_seeds(folder, dry_run=True)
    assert f"{SECOND}: would update" in out
    assert exported() == before
