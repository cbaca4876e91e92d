"""Disqus exports read into plain articles and comment trees."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.xml_source import SourceError
from tests.import_files import BILLION_LAUGHS, DISQUS, XXE, disqus, element_line, hostile


def test_a_thread_with_posts_becomes_an_article_and_one_without_is_passed_over():
    articles, _report = disqus()
    assert len(articles) == 1
    article = articles[0]
    assert article.key == "disqus:gazette:5001"
    assert (article.title, article.byline) == ("Bridge opens", "Jane Roe")
    assert article.url == "https://gazette.example/2017/08/01/bridge-opens/"
    assert article.published == datetime(2017, 8, 1, 8, tzinfo=UTC)


def test_parent_gives_the_tree_and_deleted_and_spam_give_their_statuses():
    (article,), _report = disqus()
    assert [(c.key, [r.key for r in c.replies]) for c in article.comments] == [
        ("9001", ["9002"]), ("9004", []), ("9005", []),
    ]
    assert article.comments[0].replies[0].replies[0].key == "9003"
    statuses = {c.key: (c.status, c.reason) for c in article.walk()}
    assert statuses["9003"] == ("removed", "Deleted in the Disqus export.")
    assert statuses["9004"] == ("spam", "Marked as spam in the Disqus export.")
    assert statuses["9001"] == ("published", None)


def test_created_at_author_email_and_address_are_kept():
    (article,), _report = disqus()
    first = article.comments[0]
    assert first.created == datetime(2017, 8, 1, 9, 15, tzinfo=UTC)
    assert (first.author, first.email, first.ip) == ("Ann Lee", "ann@example.com", "192.0.2.10")
    reply = first.replies[0]
    assert (reply.author, reply.email, reply.ip) == ("Bob", "", None)


def test_message_html_keeps_paragraphs_and_links():
    (article,), _report = disqus()
    body = article.comments[0].body
    assert body == "Finally.\n\nTook them (https://bridge.example/) long enough."


def test_a_post_whose_thread_or_parent_is_missing_is_reported():
    _articles, report = disqus()
    orphan = element_line(DISQUS, b"<post ", b'dsq:id="9006"')
    lost_parent = element_line(DISQUS, b"<post ", b'dsq:id="9005"')
    assert report.skipped == 1
    assert report.warnings == [
        f"line {orphan}: post 9006 belongs to thread 4000, which the export does not hold: "
        "skipped",
        f"line {lost_parent}: post 9005 answers 8999, which the export does not hold: imported "
        "as a thread of its own",
    ]


def test_an_unreadable_date_is_kept_unknown_and_reported():
    data = DISQUS.replace(b"2017-08-01T10:00:00Z", b"yesterday")
    (article,), report = disqus(data)
    assert article.comments[0].replies[0].created is None
    assert any("post 9002 has an unreadable date" in w for w in report.warnings)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<rss><channel/></rss>", "not a Disqus export: it opens with <rss>"),
        (b"hello", "malformed XML: syntax error"),
        (b"", "malformed XML: no element found"),
        (DISQUS[: len(DISQUS) * 2 // 3], "malformed XML: "),
        (DISQUS.replace(b'<thread dsq:id="5001">', b"<thread>"), "<thread> without dsq:id"),
        (DISQUS.replace(b'<thread dsq:id="5001" />\n    <parent', b"<parent"), "names no thread"),
        (hostile(BILLION_LAUGHS, b"disqus"), "declares the XML entity 'lol': refused"),
        (hostile(XXE, b"disqus"), "declares the XML entity 'secret': refused"),
    ],
    ids=["rss", "text", "empty", "truncated", "thread-id", "post-thread", "laughs", "xxe"],
)
def test_a_file_that_is_not_a_readable_export_is_refused_with_its_reason(data, reason):
    with pytest.raises(SourceError, match=reason):
        disqus(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(DISQUS)), st.binary(max_size=40))
def test_any_damage_to_an_export_is_a_source_error_or_a_reading(at, junk):
    try:
        articles, _report = disqus(DISQUS[:at] + junk + DISQUS[at + len(junk) :])
    except SourceError:
        return
    for article in articles:
        keys = [c.key for c in article.walk()]
        assert len(keys) == len(set(keys))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), st.integers(0, 12)), max_size=12))
def test_any_parent_links_give_each_post_once(links):
    posts = b"".join(
        f'<post dsq:id="{key}"><message>m</message><thread dsq:id="5001"/>'
        f'<parent dsq:id="{parent}"/></post>'.encode()
        for key, parent in links
    )
    data = DISQUS.replace(b"</disqus>", posts + b"</disqus>")
    (article,), _report = disqus(data)
    keys = [c.key for c in article.walk()]
    assert sorted(keys) == sorted({"9001", "9002", "9003", "9004", "9005"}
                                  | {str(k) for k, _ in links})
