"""WordPress exports (WXR) read into plain articles and comment trees."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.xml_source import SourceError
from tests.import_files import BILLION_LAUGHS, WXR, XXE, element_line, wxr


def test_a_post_with_comments_becomes_an_article_with_title_byline_date_text_and_permalink():
    articles, _report = wxr()
    assert len(articles) == 1
    article = articles[0]
    assert article.key == "wxr:https://gazette.example/?p=12"
    assert article.title == "Harbour reopens"
    assert article.byline == "Jane Roe"  # the author's display name, not the login
    assert article.published == datetime(2017, 7, 10, 9, 30, tzinfo=UTC)
    assert article.paragraphs == ["The harbour reopened on Monday.", "Boats came back by noon."]
    assert article.url == "https://gazette.example/2017/07/10/harbour-reopens/"


def test_pages_without_comments_and_attachments_are_passed_over():
    articles, _report = wxr()
    assert [a.title for a in articles] == ["Harbour reopens"]


def test_comment_parent_gives_the_tree_at_any_depth():
    (article,), _report = wxr()
    tree = [(c.key, [(r.key, [g.key for g in r.replies]) for r in c.replies])
            for c in article.comments]
    assert tree == [("101", [("102", ["103"])]), ("104", []), ("105", [])]


def test_comment_approved_gives_the_status_with_the_reason_the_queue_shows():
    (article,), _report = wxr()
    statuses = {c.key: (c.status, c.reason) for c in article.walk()}
    assert statuses == {
        "101": ("published", None),
        "102": ("published", None),
        "103": ("pending", "Awaiting moderation in the WordPress export."),
        "104": ("spam", "Marked as spam in the WordPress export."),
        "105": ("removed", "In the WordPress trash when exported."),
    }


def test_author_email_address_and_gmt_date_are_kept_and_a_bad_address_is_dropped():
    (article,), _report = wxr()
    first, second, *_ = article.walk()
    assert (first.author, first.email, first.ip) == ("Ann Lee", "ann@example.com", "192.0.2.10")
    assert first.created == datetime(2017, 7, 11, 15, 42, tzinfo=UTC)
    assert second.ip == "2001:db8::1"
    assert {c.key: c.ip for c in article.walk()}["105"] is None


def test_comment_html_keeps_paragraphs_and_links_and_nothing_else():
    (article,), _report = wxr()
    assert article.comments[0].body == (
        "Good news. See the notice (https://port.example/notice).\n\nSecond paragraph."
    )


def test_pingbacks_and_trackbacks_are_skipped_and_counted_and_noise_warns_of_nothing():
    _articles, report = wxr()
    assert report.skipped == 2
    assert report.warnings == []


def test_wxr_1_0_reads_the_same():
    old = WXR.replace(b"http://wordpress.org/export/1.2/", b"http://wordpress.org/export/1.0/")
    old = old.replace(b"<wp:wxr_version>1.2", b"<wp:wxr_version>1.0")
    assert [c.key for c in wxr(old)[0][0].walk()] == ["101", "102", "103", "104", "105"]


def test_an_unknown_status_is_held_and_reported():
    data = WXR.replace(b"<wp:comment_approved><![CDATA[0]]>", b"<wp:comment_approved>maybe")
    (article,), report = wxr(data)
    assert {c.key: c.status for c in article.walk()}["103"] == "pending"
    line = element_line(WXR, b"<wp:comment>", b"<wp:comment_id>103")
    assert report.warnings == [f"line {line}: comment 103 has status 'maybe': held for moderation"]


def test_a_loop_of_parents_and_a_missing_parent_become_threads_of_their_own_and_are_reported():
    data = WXR.replace(b"<wp:comment_parent>0</wp:comment_parent>", b"<wp:comment_parent>103", 1)
    data = data.replace(b"<wp:comment_parent>103", b"<wp:comment_parent>103</wp:comment_parent>")
    data = data.replace(b"<wp:comment_parent>102</wp:comment_parent>", b"<wp:comment_parent>7")
    data = data.replace(b"<wp:comment_parent>7", b"<wp:comment_parent>7</wp:comment_parent>")
    (article,), report = wxr(data)
    assert sorted(c.key for c in article.walk()) == ["101", "102", "103", "104", "105"]
    assert any("answers 7, which the export does not hold" in w for w in report.warnings)


def test_a_second_comment_with_an_id_already_seen_is_left_out():
    data = WXR.replace(b"<wp:comment_id>102<", b"<wp:comment_id>101<")
    (article,), report = wxr(data)
    # Its reply lost its parent with it, and starts a thread of its own.
    assert [c.key for c in article.comments] == ["101", "103", "104", "105"]
    assert report.warnings[0].endswith("a second comment 101: skipped")
    assert "comment 103 answers 102, which the export does not hold" in report.warnings[1]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><body>no</body></html>", "not a WordPress export: it opens with <html>"),
        (b"<rss><channel><item/></channel></rss>", "no <wp:wxr_version> before the first"),
        (b"<rss/>", "not a WordPress export: no <channel>"),
        (WXR[: len(WXR) // 2], "malformed XML: "),
        (b"<rss><channel>", "malformed XML: no element found: line 1, column 14"),
        (WXR.replace(b"<wp:comment_id>104</wp:comment_id>", b""), "without <wp:comment_id>"),
        (WXR.replace(b"<wp:post_id>12</wp:post_id>", b""), "<item> without <wp:post_id>"),
        (BILLION_LAUGHS, "declares the XML entity 'lol': refused"),
        (XXE, "declares the XML entity 'secret': refused"),
    ],
    ids=["html", "no-version", "no-channel", "truncated", "unclosed", "no-comment-id",
         "no-post-id", "billion-laughs", "xxe"],
)
def test_a_file_that_is_not_a_readable_export_is_refused_with_its_reason(data, reason):
    with pytest.raises(SourceError, match=reason.replace("(", r"\(")):
        wxr(data)


def test_warnings_name_the_line_of_their_element():
    data = WXR.replace(b"<![CDATA[Agreed.]]>", b"")
    _articles, report = wxr(data)
    line = element_line(WXR, b"<wp:comment>", b"<wp:comment_id>102")
    assert report.warnings == [f"line {line}: comment 102 has no text"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(WXR)), st.binary(max_size=40))
def test_any_damage_to_an_export_is_a_source_error_or_a_reading(at, junk):
    try:
        articles, _report = wxr(WXR[:at] + junk + WXR[at + len(junk) :])
    except SourceError:
        return
    for article in articles:
        assert all(isinstance(c.body, str) for c in article.walk())


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_comment_html_becomes_text_without_tags_or_failures(html):
    cdata = html.replace("]]>", "").encode("utf-8", "replace")
    data = WXR.replace(b"<![CDATA[Agreed.]]>", b"<![CDATA[" + cdata + b"]]>")
    try:
        (article,), _report = wxr(data)
    except SourceError:
        return
    assert "<script" not in article.comments[0].replies[0].body.lower()
