"""The seed parser, rule by rule (README, "Seed format"): the two seeds, the article's
title, byline and body, and the header that opens the comment section.

The parser is pure Python, so nothing here touches the database.
"""

from __future__ import annotations

import pytest

from articles.seed_parser import LOST_TEXT_REASON, parse_seed
from tests.helpers import FIRST_SEED, SECOND, SEEDS, article_with_comments, seed_text

SECOND_SEED = SEEDS / SECOND


@pytest.fixture(scope="module")
def first():
    return parse_seed(FIRST_SEED.read_bytes())


@pytest.fixture(scope="module")
def second():
    return parse_seed(SECOND_SEED.read_bytes())


# Both seeds: body paragraphs, declared and found comments, a long comment kept whole.


@pytest.mark.parametrize(
    ("seed_name", "paragraphs", "opening", "closing"),
    [
        ("first", 19, "The jihadists of the Islamic State", "In this current environment"),
        ("second", 6, "Just about everyone thinks", "One of the theories"),
    ],
)
def test_each_seed_has_its_body_paragraphs_in_order(
    request, seed_name, paragraphs, opening, closing
):
    parsed = request.getfixturevalue(seed_name)
    assert len(parsed.paragraphs) == paragraphs
    assert parsed.paragraphs[0].startswith(opening)
    assert parsed.paragraphs[-1].startswith(closing)


@pytest.mark.parametrize(("seed_name", "declared", "found"), [("first", 8, 7), ("second", 6, 6)])
def test_each_seed_declares_a_count_holds_a_count_and_warns_when_they_differ(
    request, seed_name, declared, found
):
    parsed = request.getfixturevalue(seed_name)
    assert (parsed.declared_count, parsed.found_count) == (declared, found)
    mismatch = f"the page declared {declared} comments; the dump holds {found}"
    assert (mismatch in parsed.warnings) is (declared != found)


# (seed, comment, how its body begins and ends, its line breaks and how many, text kept out).
LONG_BODIES = {
    "first seed, third comment: all its continuation lines": (
        "first", 2, "09.07 The soldiers of the special anti-terrorist unit",
        "acknowledged General Shakar Javdat", "\n", 4, "Iraq announced the liberation",
    ),
    "second seed, first comment: every paragraph, not its author line": (
        "second", 0, "A man who will shoot people", "Shiite retaliatory bloodbath in Mosul.",
        "\n\n", 2, "michael reynolds Link",
    ),
}


@pytest.mark.parametrize(
    ("seed_name", "index", "opening", "ending", "separator", "breaks", "outside"),
    LONG_BODIES.values(),
    ids=LONG_BODIES,
)
def test_each_seed_keeps_a_long_comment_whole(
    request, seed_name, index, opening, ending, separator, breaks, outside
):
    body = request.getfixturevalue(seed_name).comments[index].body
    assert body.startswith(opening)
    assert body.endswith(ending)
    assert body.count(separator) == breaks
    assert outside not in body


# The first seed: a numbered dump with a reply and a comment lost to encoding.


def test_first_seed_title_is_its_first_line(first):
    assert first.title == "ISIS will lose Mosul and Raqqa. What happens next?"


def test_first_seed_byline_drops_the_image_alt_text_glued_in_front(first):
    assert first.byline == "Ishaan Tharoor"
    assert any("isis militant  Mosul" in w and "byline" in w for w in first.warnings)


def test_first_seed_has_six_threads_and_only_the_third_has_a_reply(first):
    assert len(first.comments) == 6
    assert [len(c.replies) for c in first.comments] == [0, 0, 1, 0, 0, 0]
    assert first.comments[2].replies[0].body == "Iraq announced the liberation of Mosul from IS"
    assert first.comments[2].replies[0].key == "3.1"


def test_first_seed_comments_have_no_known_author(first):
    assert {c.author for c in first.walk()} == {None}


def test_first_seed_sixth_comment_is_held_as_text_lost_to_encoding(first):
    lost = first.comments[5]
    assert set(lost.body) == {"?", " "}
    assert lost.hold_reason == LOST_TEXT_REASON
    assert [c.key for c in first.walk() if c.hold_reason] == ["6"]


def test_first_seed_reply_form_is_not_part_of_the_last_comment(first):
    assert "Leave a Reply" not in first.comments[-1].body


# The second seed: a bullet dump with "<Name> Link" author lines.


def test_second_seed_has_no_byline_and_no_warnings(second):
    assert second.title == "What Happens When Mosul Is Recaptured?"
    assert second.byline is None
    assert second.warnings == []


def test_second_seed_authors_come_from_link_lines_or_are_unknown(second):
    assert [c.author for c in second.comments] == [
        "michael reynolds", None, "Gray Shambler", None, "Gray Shambler", "bob sykes",
    ]
    assert all(not c.replies for c in second.comments)


def test_second_seed_multi_paragraph_bodies_keep_each_paragraph(second):
    shambler = second.comments[2].body
    assert shambler.split("\n\n")[1] == "ISIS cannot even feed itself, They are all Deadenders."
    assert "How far can a wildfire burn" in shambler.split("\n\n")[0]


# Title, byline and body.


def test_title_is_the_first_non_blank_line():
    parsed = parse_seed(seed_text("", "   ", "The Title", "", "Body."))
    assert parsed.title == "The Title"
    assert parsed.paragraphs == ["Body."]


def test_byline_on_its_own_line_is_taken_whole():
    parsed = parse_seed(seed_text("Title", "", "By Jane Doe", "", "Body."))
    assert parsed.byline == "Jane Doe"
    assert parsed.paragraphs == ["Body."]
    assert parsed.warnings == []


def test_byline_may_name_several_authors():
    parsed = parse_seed(seed_text("Title", "By Jane Doe and John O\u2019Hara", "", "Body."))
    assert parsed.byline == "Jane Doe and John O\u2019Hara"


def test_byline_after_a_wide_gap_drops_the_text_in_front():
    parsed = parse_seed(seed_text("Title", "", "Photo: AP    By Jane Doe", "", "Body."))
    assert parsed.byline == "Jane Doe"
    assert any("'Photo: AP'" in w for w in parsed.warnings)


def test_capitalised_by_inside_a_sentence_is_body_not_byline():
    parsed = parse_seed(
        seed_text("Title", "", "How the War Was Won By Ordinary People", "", "Body.")
    )
    assert parsed.byline is None
    assert parsed.paragraphs == ["How the War Was Won By Ordinary People", "Body."]


def test_first_paragraph_without_by_is_body_not_byline():
    parsed = parse_seed(seed_text("Title", "", "It was a quiet day in the city.", "", "More."))
    assert parsed.byline is None
    assert parsed.paragraphs == ["It was a quiet day in the city.", "More."]


def test_body_paragraphs_split_on_blank_lines_and_keep_their_line_breaks():
    parsed = parse_seed(seed_text("Title", "", "One", "still one", "", "", "", "Two"))
    assert parsed.paragraphs == ["One\nstill one", "Two"]


# The comment header.


@pytest.mark.parametrize(
    ("header", "declared"),
    [
        ("8 responses to “Title”", 8),
        ("One response to “Title”", 1),
        ("12 thoughts on “Title”", 12),
        ("6 comments… add one", 6),
        ("6 comments... add one", 6),
        ("6 Comments", 6),
        ("1 Comment", 1),
        ("No Responses", 0),
        ("1,204 Comments", 1204),
    ],
)
def test_each_header_phrasing_opens_the_comment_section(header, declared):
    parsed = parse_seed(article_with_comments("  1. First", "  2. Second", header=header))
    assert parsed.declared_count == declared
    assert [c.body for c in parsed.comments] == ["First", "Second"]
    assert parsed.paragraphs == ["Body."]


def test_header_phrase_inside_the_body_is_body_text():
    text = seed_text(
        "Title", "", "2 comments on the plan were heard.", "The mayor left.", "", "End."
    )
    parsed = parse_seed(text)
    assert parsed.declared_count is None
    assert parsed.paragraphs == ["2 comments on the plan were heard.\nThe mayor left.", "End."]


def test_header_with_an_absurd_count_is_body_text():
    parsed = parse_seed(seed_text("Title", "", "Body.", "", "12345678901 Comments", "  1. First"))
    assert parsed.declared_count is None
    assert parsed.comments == []


def test_header_count_mismatch_is_reported_with_both_numbers():
    parsed = parse_seed(article_with_comments("  1. Only one", header="One response to “T”"))
    assert parsed.warnings == []
    parsed = parse_seed(article_with_comments("  1. Only one", header="3 Comments"))
    assert parsed.warnings == ["the page declared 3 comments; the dump holds 1"]


def test_header_with_no_comments_under_it_gives_an_empty_section():
    parsed = parse_seed(seed_text("Title", "", "Body.", "", "No Responses", "", "Leave a Reply"))
    assert parsed.declared_count == 0
    assert parsed.comments == []
    assert parsed.paragraphs == ["Body."]


def test_article_without_a_comment_section_has_no_comments_and_no_declared_count():
    parsed = parse_seed(seed_text("Title", "By Jane Doe", "", "One.", "", "Two."))
    assert parsed.declared_count is None
    assert parsed.comments == []
    assert parsed.paragraphs == ["One.", "Two."]
