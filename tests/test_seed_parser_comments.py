"""The seed parser's comment section (articles.seed_comments): lists, replies, continuation
lines, the reply form and text lost to encoding.

The parser is pure Python, so nothing here touches the database.
"""

from __future__ import annotations

import pytest

from articles.seed_parser import LOST_TEXT_REASON, MAX_SEED_DEPTH, SeedError, parse_seed
from tests.helpers import article_with_comments, seed_text, shape, thread

# Comments: numbered and bulleted lists, replies, continuation lines.


def test_numbered_replies_nest_three_levels_deep():
    parsed = parse_seed(
        article_with_comments(
            "  1. Root one",
            "",
            "    1. Reply",
            "",
            "      1. Reply to reply",
            "",
            "        1. Third level",
            "",
            "      2. Second reply to reply",
            "",
            "    2. Second reply",
            "",
            "  2. Root two",
        )
    )
    assert shape(parsed.comments) == [
        ("Root one", None, [
            ("Reply", None, [
                ("Reply to reply", None, [("Third level", None, [])]),
                ("Second reply to reply", None, []),
            ]),
            ("Second reply", None, []),
        ]),
        ("Root two", None, []),
    ]
    assert [c.key for c in parsed.walk()] == ["1", "1.1", "1.1.1", "1.1.1.1", "1.1.2", "1.2", "2"]


def test_reply_numbering_restarts_at_one_under_each_parent():
    replies = thread("  1. First", "    1. Reply to first", "  2. Second", "    1. Reply to second")
    assert replies == [
        ("First", None, [("Reply to first", None, [])]),
        ("Second", None, [("Reply to second", None, [])]),
    ]


def test_deeper_numbered_line_that_does_not_continue_the_numbering_is_body_text():
    points = thread(
        "  1. My three points:", "    3. cheaper", "    1. A real reply", "      7. not a reply"
    )
    assert points == [
        ("My three points:\n3. cheaper", None, [("A real reply\n7. not a reply", None, [])]),
    ]


def test_continuation_line_that_begins_with_a_number_stays_in_its_comment():
    parsed = parse_seed(
        article_with_comments(
            "  1. The timeline:",
            "    09.07 The flag was raised.",
            "    2017 was the year it ended.",
            "    2) and then some",
            "  2. Next comment",
        )
    )
    assert [c.body for c in parsed.comments] == [
        "The timeline:\n09.07 The flag was raised.\n2017 was the year it ended.\n2) and then some",
        "Next comment",
    ]
    assert all(not c.replies for c in parsed.comments)


def test_nested_bullets_become_replies_with_their_authors():
    bullets = thread(
        "  • Ann Smith Link",
        "",
        "    Top comment.",
        "",
        "    • Bob Link",
        "",
        "      A reply by Bob.",
        "",
        "      • Straight to text, no author.",
        "",
        "    • Carol Link",
        "",
        "      Second reply.",
        "",
        "  • Unsigned top comment.",
    )
    assert bullets == [
        ("Top comment.", "Ann Smith", [
            ("A reply by Bob.", "Bob", [("Straight to text, no author.", None, [])]),
            ("Second reply.", "Carol", []),
        ]),
        ("Unsigned top comment.", None, []),
    ]


def test_nested_bullets_drawn_with_another_glyph_per_level_are_replies():
    assert thread("  • Top", "    ◦ Reply", "      ▪ Reply to reply", "  • Next") == [
        ("Top", None, [("Reply", None, [("Reply to reply", None, [])])]),
        ("Next", None, []),
    ]


def test_dash_list_inside_a_bulleted_comment_is_body_text():
    assert thread("  • My list:", "    - eggs", "    - milk") == [
        ("My list:\n- eggs\n- milk", None, [])
    ]


def test_link_line_names_no_author_in_a_numbered_dump():
    parsed = parse_seed(article_with_comments("  1. See this Link", "", "    More text."))
    assert parsed.comments[0].author is None
    assert parsed.comments[0].body == "See this Link\n\nMore text."


def test_line_back_at_the_parents_column_continues_the_parent():
    assert thread("  1. Parent", "    1. Reply", "", "    Parent again.") == [
        ("Parent\n\nParent again.", None, [("Reply", None, [])])
    ]


def test_top_level_numbering_gap_is_reported():
    parsed = parse_seed(article_with_comments("  1. One", "  3. Three"))
    assert [c.body for c in parsed.comments] == ["One", "Three"]
    assert any("numbered 3, expected 2" in w for w in parsed.warnings)


def test_reply_before_any_comment_is_reported_not_attached():
    parsed = parse_seed(article_with_comments("    1. stray reply", "  1. First"))
    assert [c.body for c in parsed.comments] == ["First"]
    assert any("belong to no comment" in w for w in parsed.warnings)


def test_unindented_line_among_comments_is_page_text_not_comment_text():
    parsed = parse_seed(
        seed_text(
            "Title", "", "Body.", "", "2 Comments", "  1. First", "Older comments", "  2. Second"
        )
    )
    assert [c.body for c in parsed.comments] == ["First", "Second"]
    assert any("unindented" in w for w in parsed.warnings)


def test_deep_thread_at_the_depth_limit_parses():
    lines = [f"{'  ' * level}1. level {level}" for level in range(1, MAX_SEED_DEPTH + 1)]
    parsed = parse_seed(article_with_comments(*lines))
    assert parsed.found_count == MAX_SEED_DEPTH


def test_thread_deeper_than_the_limit_is_refused():
    lines = [f"{'  ' * level}1. level {level}" for level in range(1, MAX_SEED_DEPTH + 2)]
    with pytest.raises(SeedError, match="deeper than"):
        parse_seed(article_with_comments(*lines))


# The reply form and what follows it.


@pytest.mark.parametrize("form", ["Leave a Reply", "Leave a Comment", "Leave a Reply Cancel reply"])
def test_reply_form_ends_the_comment_section(form):
    parsed = parse_seed(
        seed_text("Title", "", "Body.", "", "1 Comment", "  1. Only", "", form, "Name *", "Email *")
    )
    assert [c.body for c in parsed.comments] == ["Only"]
    assert any("2 line(s) after the reply form ignored" in w for w in parsed.warnings)


def test_reply_form_without_a_comment_section_ends_the_body():
    parsed = parse_seed(seed_text("Title", "", "Body.", "", "Leave a Comment", "Name *"))
    assert parsed.paragraphs == ["Body."]
    assert parsed.comments == []
    assert any("after the reply form" in w for w in parsed.warnings)


# Text lost to encoding.


@pytest.mark.parametrize("body", ["????", "??? ?? ????", "\ufffd\ufffd \ufffd"])
def test_comment_of_only_question_marks_is_held_with_the_reason(body):
    parsed = parse_seed(article_with_comments(f"  1. {body}", "  2. Fine"))
    assert [c.hold_reason for c in parsed.comments] == [LOST_TEXT_REASON, None]
    assert parsed.comments[0].body == body


@pytest.mark.parametrize("body", ["Why? Why not?", "??? really", "ok ?"])
def test_comment_with_real_text_is_not_held(body):
    parsed = parse_seed(article_with_comments(f"  1. {body}"))
    assert parsed.comments[0].hold_reason is None
