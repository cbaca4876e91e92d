"""export_threads: the archive format, read back as JSON."""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from comments.models import Comment
from tests.helpers import create_tree, make_article, post

pytestmark = pytest.mark.django_db

ARTICLE_KEYS = {
    "slug", "title", "byline", "source", "source_url", "paragraphs", "declared_comment_count",
    "comments_open", "comments",
}
COMMENT_KEYS = {
    "id", "author", "body", "status", "created", "imported_at", "source", "replies",
}


def export(*args) -> dict:
    out = StringIO()
    call_command("export_threads", *args, stdout=out)
    return json.loads(out.getvalue())


def test_article_without_comments_has_every_field_and_nulls_for_what_it_lacks():
    make_article(title="Plain", slug="plain", body="One.\n\nTwo.", comments_open=False)
    assert export() == {
        "articles": [
            {
                "slug": "plain",
                "title": "Plain",
                "byline": None,
                "source": None,
                "source_url": None,
                "paragraphs": ["One.", "Two."],
                "declared_comment_count": None,
                "comments_open": False,
                "comments": [],
            }
        ]
    }


def test_imported_article_exports_its_byline_source_and_declared_count():
    call_command("import_seeds", stdout=StringIO())
    articles = export()["articles"]
    assert [set(a) for a in articles] == [ARTICLE_KEYS, ARTICLE_KEYS]
    assert [(a["source"], a["byline"], a["declared_comment_count"]) for a in articles] == [
        ("000_e59a3ae772f0d3c8.txt", "Ishaan Tharoor", 8),
        ("003_dad6d2c0e65eec47.txt", None, 6),
    ]


def test_threads_nest_with_siblings_in_thread_order():
    tree = create_tree()
    late_reply = post(tree.article, tree.root, body="late reply")
    comments = export()["articles"][0]["comments"]
    assert [c["id"] for c in comments] == [tree.root.pk, tree.other.pk]
    root = comments[0]
    assert set(root) == COMMENT_KEYS
    assert [r["id"] for r in root["replies"]] == [tree.child1.pk, tree.child2.pk, late_reply.pk]
    assert [r["id"] for r in root["replies"][0]["replies"]] == [tree.grandchild.pk]
    assert root["body"] == "root says hello"
    assert root["author"] == "root"


def test_comment_fields_carry_status_iso_time_and_null_for_unknown_author():
    article = make_article()
    comment = post(article, author="", body="Who wrote this?", email="secret@example.com")
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.PENDING)
    exported = export()["articles"][0]["comments"][0]
    assert exported["author"] is None
    assert exported["status"] == "pending"
    assert datetime.fromisoformat(exported["created"]) == comment.created
    assert "secret@example.com" not in json.dumps(export())


def test_logged_in_posters_are_named_by_their_account():
    user = User.objects.create_user("jdoe", first_name="Jane", last_name="Doe")
    post(make_article(), author="", user=user)
    assert export()["articles"][0]["comments"][0]["author"] == "Jane Doe"


def test_archive_keeps_every_status_including_spam_and_removed():
    tree = create_tree()
    Comment.objects.filter(pk=tree.child1.pk).update(status=Comment.Status.REMOVED)
    Comment.objects.filter(pk=tree.other.pk).update(status=Comment.Status.SPAM)
    comments = export()["articles"][0]["comments"]
    assert [c["status"] for c in comments] == ["published", "spam"]
    removed = comments[0]["replies"][0]
    assert (removed["status"], removed["body"]) == ("removed", "child1 says hello")
    assert removed["replies"][0]["id"] == tree.grandchild.pk


def test_articles_come_in_import_order():
    first = make_article(title="First")
    second = make_article(title="Second")
    assert [a["title"] for a in export()["articles"]] == [first.title, second.title]


def test_article_option_exports_one_article():
    make_article(slug="one")
    tree = create_tree(make_article(slug="two"))
    articles = export("--article", "two")["articles"]
    assert [a["slug"] for a in articles] == ["two"]
    assert articles[0]["comments"][0]["id"] == tree.root.pk


def test_unknown_article_is_an_error():
    with pytest.raises(CommandError, match="no article with slug 'nope'"):
        export("--article", "nope")


def test_deep_thread_exports_whole():
    article = make_article()
    parent = None
    for _ in range(60):
        parent = post(article, parent)
    node, depth = export()["articles"][0]["comments"][0], 1
    while node["replies"]:
        node, depth = node["replies"][0], depth + 1
    assert depth == 60
