"""The seed parser, rule by rule (README, "Seed format"), on both seeds and on variants.

The parser is pure Python, so nothing here touches the database.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.seed_parser import (
    LOST_TEXT_REASON,
    MAX_SEED_BYTES,
    MAX_SEED_DEPTH,
    ParsedComment,
    SeedError,
    parse_seed,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FIRST_SEED = SEEDS / "000_e59a3ae772f0d3c8.txt"
SECOND_SEED = SEEDS / "003_dad6d2c0e65eec47.txt"


def seed(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def shape(comments: list[ParsedComment]) -> list:
    """A thread as nested (body, author, replies) tuples, easy to compare whole."""
    return [(c.body, c.author, shape(c.replies)) for c in comments]


def article_with_comments(*comment_lines: str, header: str = "2 Comments") -> str:
    return seed("Title", "", "Body.", "", header, "", *comment_lines, "", "Leave a Reply")


def thread(*comment_lines: str) -> list:
    """The thread an article with these comment lines parses into, as ``shape`` gives it."""
    return shape(parse_seed(article_with_comments(*comment_lines)).comments)


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
    parsed = parse_seed(seed("", "   ", "The Title", "", "Body."))
    assert parsed.title == "The Title"
    assert parsed.paragraphs == ["Body."]


def test_byline_on_its_own_line_is_taken_whole():
    parsed = parse_seed(seed("Title", "", "By Jane Doe", "", "Body."))
    assert parsed.byline == "Jane Doe"
    assert parsed.paragraphs == ["Body."]
    assert parsed.warnings == []


def test_byline_may_name_several_authors():
    parsed = parse_seed(seed("Title", "By Jane Doe and John O\u2019Hara", "", "Body."))
    assert parsed.byline == "Jane Doe and John O\u2019Hara"


def test_byline_after_a_wide_gap_drops_the_text_in_front():
    parsed = parse_seed(seed("Title", "", "Photo: AP    By Jane Doe", "", "Body."))
    assert parsed.byline == "Jane Doe"
    assert any("'Photo: AP'" in w for w in parsed.warnings)


def test_capitalised_by_inside_a_sentence_is_body_not_byline():
    parsed = parse_seed(seed("Title", "", "How the War Was Won By Ordinary People", "", "Body."))
    assert parsed.byline is None
    assert parsed.paragraphs == ["How the War Was Won By Ordinary People", "Body."]


def test_first_paragraph_without_by_is_body_not_byline():
    parsed = parse_seed(seed("Title", "", "It was a quiet day in the city.", "", "More."))
    assert parsed.byline is None
    assert parsed.paragraphs == ["It was a quiet day in the city.", "More."]


def test_body_paragraphs_split_on_blank_lines_and_keep_their_line_breaks():
    parsed = parse_seed(seed("Title", "", "One", "still one", "", "", "", "Two"))
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
    text = seed("Title", "", "2 comments on the plan were heard.", "The mayor left.", "", "End.")
    parsed = parse_seed(text)
    assert parsed.declared_count is None
    assert parsed.paragraphs == ["2 comments on the plan were heard.\nThe mayor left.", "End."]


def test_header_with_an_absurd_count_is_body_text():
    parsed = parse_seed(seed("Title", "", "Body.", "", "12345678901 Comments", "  1. First"))
    assert parsed.declared_count is None
    assert parsed.comments == []


def test_header_count_mismatch_is_reported_with_both_numbers():
    parsed = parse_seed(article_with_comments("  1. Only one", header="One response to “T”"))
    assert parsed.warnings == []
    parsed = parse_seed(article_with_comments("  1. Only one", header="3 Comments"))
    assert parsed.warnings == ["the page declared 3 comments; the dump holds 1"]


def test_header_with_no_comments_under_it_gives_an_empty_section():
    parsed = parse_seed(seed("Title", "", "Body.", "", "No Responses", "", "Leave a Reply"))
    assert parsed.declared_count == 0
    assert parsed.comments == []
    assert parsed.paragraphs == ["Body."]


def test_article_without_a_comment_section_has_no_comments_and_no_declared_count():
    parsed = parse_seed(seed("Title", "By Jane Doe", "", "One.", "", "Two."))
    assert parsed.declared_count is None
    assert parsed.comments == []
    assert parsed.paragraphs == ["One.", "Two."]


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
        seed("Title", "", "Body.", "", "2 Comments", "  1. First", "Older comments", "  2. Second")
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
        seed("Title", "", "Body.", "", "1 Comment", "  1. Only", "", form, "Name *", "Email *")
    )
    assert [c.body for c in parsed.comments] == ["Only"]
    assert any("2 line(s) after the reply form ignored" in w for w in parsed.warnings)


def test_reply_form_without_a_comment_section_ends_the_body():
    parsed = parse_seed(seed("Title", "", "Body.", "", "Leave a Comment", "Name *"))
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


# Line ends, BOM and invisible characters.


def test_crlf_bom_and_lone_cr_parse_like_plain_line_feeds():
    text = FIRST_SEED.read_text(encoding="utf-8")
    plain = parse_seed(FIRST_SEED.read_bytes())
    for variant in (
        "\ufeff" + text.replace("\n", "\r\n"),
        text.replace("\n", "\r"),
        "\ufeff" + text,
    ):
        parsed = parse_seed(variant.encode("utf-8"))
        assert (parsed.title, parsed.byline, parsed.paragraphs) == (
            plain.title, plain.byline, plain.paragraphs,
        )
        assert shape(parsed.comments) == shape(plain.comments)


def test_line_separator_inside_a_reply_stays_in_that_reply():
    assert thread("  1. Parent", "    1. Reply\u2028tail\x0cmore") == [
        ("Parent", None, [("Reply\u2028tail\x0cmore", None, [])])
    ]


def test_zero_width_and_bidi_characters_are_dropped():
    parsed = parse_seed(seed("Ti\u200btle\u202e", "", "Bo\u2066dy."))
    assert (parsed.title, parsed.paragraphs) == ("Title", ["Body."])


# Files that are not seeds.


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b" \n\r\n\t\n", "empty"),
        (b"\xef\xbb\xbf\n\n", "no text"),
        (b"Title\n\x00\x01\x02binary", "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
        ("Titre accentué\n".encode("latin-1"), "not valid UTF-8"),
        ("Title\n\nBody.\n".encode("utf-16"), "UTF-16 text; seeds must be UTF-8"),
        (b"6 Comments\n  1. A comment without an article", "no title"),
        (b"  1. A comment without an article\n", "no title"),
        (b"Leave a Reply\n", "no title"),
        (b"x" * 400 + b"\n\nBody", "no title"),
    ],
)
def test_bad_input_raises_seed_error_saying_why(data, reason):
    with pytest.raises(SeedError, match=reason):
        parse_seed(data)


def test_file_over_the_size_limit_is_refused_before_decoding():
    with pytest.raises(SeedError, match="limit"):
        parse_seed(b"T" * (MAX_SEED_BYTES + 1))


# Linear time: `make run` parses every seed on every start.

HEADER_LIKE_LINES = 200_000


@pytest.mark.timeout(60)
def test_header_like_lines_parse_in_linear_time():
    # 2.4 MB parses in about half a second. The quadratic parser, which copied
    # the rest of the file for every header-like line, took over 50 s, more
    # than ten times the bound; bench/ measures the full 16 MB.
    raw = ("A title\n\n" + "12 Comments\n" * HEADER_LIKE_LINES).encode()

    started = time.perf_counter()
    parsed = parse_seed(raw)
    elapsed = time.perf_counter() - started

    # The last one opens an empty comment section: nothing follows it.
    assert (parsed.title, parsed.comments, parsed.declared_count) == ("A title", [], 12)
    assert parsed.paragraphs[0].count("12 Comments") == HEADER_LIKE_LINES - 1
    assert elapsed < 4, f"{HEADER_LIKE_LINES:,} header-like lines took {elapsed:.1f} s"


# Properties.

_seed_like_lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "", "Title", "By Jane Doe", "x By Jane", "3 Comments", "One response to “T”",
                "6 comments… add one", "Leave a Reply", "  1. a", "  2. b", "    1. c",
                "      1. d", "  • e", "    • f", "    ◦ g", "  • Ann Link", "    - h",
                "    text", "  ????", "    ??", "\ufeff", "\r", "\u2028", "\t1. i",
            ]
        ),
        st.text(max_size=30),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_parser_raises_only_seed_error_on_arbitrary_bytes(data):
    try:
        parsed = parse_seed(data)
    except SeedError:
        return
    assert parsed.title


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_seed_like_lines)
def test_parser_raises_only_seed_error_on_seed_like_text(lines):
    text = "\n".join(lines)
    try:
        parsed = parse_seed(text.encode("utf-8"))
    except SeedError:
        return
    assert parsed.title
    assert parsed.found_count == sum(1 for _ in parsed.walk())
    assert len({c.key for c in parsed.walk()}) == parsed.found_count


_words = st.text(alphabet="abcdefghij ", min_size=1, max_size=20).map(str.strip).filter(bool)
_threads = st.recursive(
    st.just([]),
    lambda replies: st.lists(st.tuples(_words, replies), min_size=1, max_size=3),
    max_leaves=12,
)


def _render(thread, style: str, level: int = 1) -> list[str]:
    lines = []
    for n, (text, replies) in enumerate(thread, start=1):
        marker = f"{n}." if style == "numbered" else "•"
        lines += [f"{'  ' * level}{marker} {text}", ""]
        lines += _render(replies, style, level + 1)
    return lines


def _plain(comments: list[ParsedComment]) -> list:
    return [(c.body, _plain(c.replies)) for c in comments]


def _expected(thread) -> list:
    return [(text, _expected(replies)) for text, replies in thread]


@settings(max_examples=200, deadline=None)
@given(thread=_threads, style=st.sampled_from(["numbered", "bullet"]))
def test_any_rendered_thread_parses_back_to_the_same_tree(thread, style):
    lines = _render(thread, style)
    text = seed("Title", "", "Body.", "", f"{len(lines) // 2} Comments", "", *lines)
    parsed = parse_seed(text)
    assert _plain(parsed.comments) == _expected(thread)
    assert parsed.warnings == []
