"""The matching rules of a re-import on plain rows, without the database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from articles.seed_parser import LOST_TEXT_REASON
from comments.models import Comment
from comments.seed_match import ImportNode, Row, content_digest, plan_reimport, touched


def parsed(body: str, *replies: ImportNode, author: str | None = None) -> ImportNode:
    return ImportNode(body=body, author=author, line=1, key="1", replies=list(replies))


def row(pk: int, body: str, *, parent: int | None = None, author: str = "", **fields) -> Row:
    values = {
        "pk": pk,
        "parent_id": parent,
        "tree_id": pk if parent is None else parent,
        "lft": 1,
        "rght": 2,
        "level": 0 if parent is None else 1,
        "is_imported": True,
        "import_digest": content_digest(author, body),
        "import_source": f"seed.txt:{pk}",
        "author_name": author,
        "status": Comment.Status.PUBLISHED,
        "moderation_reason": "",
        "moderated_at": None,
        "edited_at": None,
        "missing_from_source": False,
    }
    return Row(**{**values, **fields})


def no_texts(pks):
    raise AssertionError(f"texts of {pks} were fetched")


def test_digest_ignores_how_lines_wrap_and_how_accents_are_composed():
    assert content_digest("Ann", "Cafe\u0301 at\n  noon ") == content_digest("Ann", "Café at noon")
    assert content_digest("Ann", "Café at noon") != content_digest("Bob", "Café at noon")


def test_a_rewrite_wider_than_an_edit_compares_no_texts():
    old = [row(n, f"Old comment {n}") for n in range(1, 21)]
    new = [parsed(f"New comment {n}") for n in range(1, 21)]

    plan = plan_reimport(new, old, no_texts)

    assert plan.missing == old
    assert plan.new_threads == new
    assert plan.changed == []


def test_one_row_and_one_comment_left_in_a_gap_pair_only_under_the_same_author():
    rows = [row(1, "First."), row(2, "Second.", author="Ann"), row(3, "Third.")]

    same = plan_reimport([parsed("First."), parsed("Second!", author="Ann"), parsed("Third.")],
                         rows, no_texts)
    other = plan_reimport([parsed("First."), parsed("Second!", author="Bob"), parsed("Third.")],
                          rows, no_texts)

    assert [(r.pk, c.body) for r, c in same.changed] == [(2, "Second!")]
    assert (other.changed, [r.pk for r in other.missing]) == ([], [2])


@pytest.mark.parametrize(
    ("fields", "how"),
    [
        ({}, None),
        ({"status": Comment.Status.PENDING, "moderation_reason": LOST_TEXT_REASON}, None),
        ({"moderated_at": datetime(2026, 1, 1, tzinfo=UTC)}, "moderated"),
        ({"status": Comment.Status.REMOVED}, "moderated"),
        ({"edited_at": datetime(2026, 1, 1, tzinfo=UTC)}, "edited by staff"),
    ],
)
def test_a_row_is_touched_when_moderated_or_edited(fields, how):
    assert touched(row(1, "Text.", **fields), answered=set()) == how


def test_a_row_is_touched_when_a_reader_answered_it_on_the_site():
    assert touched(row(1, "Text."), answered={1}) == "answered on the site"
