"""manage.py import_comments: exports and dumps imported, idempotently, with provenance."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from comments.models import Comment
from comments.moderation import comments_moderate
from tests.helpers import post
from tests.import_files import BILLION_LAUGHS, DISQUS, WXR, XXE

pytestmark = pytest.mark.django_db


def run(*paths, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_comments", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def files(tmp_path, **contents) -> list:
    paths = []
    for name, data in contents.items():
        path = tmp_path / name.replace("_", ".")
        path.write_bytes(data)
        paths.append(path)
    return paths


def snapshot() -> list:
    return list(Comment.objects.order_by("pk").values()) + list(
        Article.objects.order_by("pk").values()
    )


def test_both_formats_import_with_one_summary_line_each_and_a_second_run_changes_nothing(
    tmp_path,
):
    paths = files(tmp_path, wp_xml=WXR, disqus_xml=DISQUS)
    out, err = run(*paths)
    assert out.splitlines()[0] == (
        "wp.xml: wxr: 1 article (1 created), 5 comments (1 pending, 2 published, 1 removed, "
        "1 spam); 5 imported, 2 skipped"
    )
    assert out.splitlines()[1].startswith(
        "disqus.xml: disqus: 1 article (1 created), 5 comments (3 published, 1 removed, "
        "1 spam); 5 imported, 1 skipped, 2 warnings"
    )
    assert err == ""
    before = snapshot()
    again, _err = run(*paths)
    assert snapshot() == before
    assert "1 article (1 unchanged)" in again.splitlines()[0]


def test_wordpress_comments_keep_their_dates_statuses_authors_and_addresses(tmp_path):
    run(*files(tmp_path, wp_xml=WXR))
    article = Article.objects.get()
    assert (article.title, article.byline, article.source_url) == (
        "Harbour reopens", "Jane Roe", "https://gazette.example/2017/07/10/harbour-reopens/",
    )
    assert article.created == datetime(2017, 7, 10, 9, 30, tzinfo=UTC)
    ann = Comment.objects.get(import_key="101")
    assert (ann.author_name, ann.email, ann.ip_address) == ("Ann Lee", "ann@example.com",
                                                            "192.0.2.10")
    assert ann.created == datetime(2017, 7, 11, 15, 42, tzinfo=UTC)
    assert not ann.date_unknown and ann.imported_at > ann.created
    assert (ann.import_format, ann.import_source) == ("wxr", f"wp.xml:{ann.import_source[7:]}")
    deep = Comment.objects.get(import_key="103")
    assert deep.parent.parent == ann and deep.level == 2
    assert dict(Comment.objects.values_list("import_key", "status")) == {
        "101": "published", "102": "published", "103": "pending", "104": "spam",
        "105": "removed",
    }


def test_a_changed_export_adds_new_comments_in_place_and_never_overwrites_what_a_person_touched(
    tmp_path, moderator
):
    (path,) = files(tmp_path, wp_xml=WXR)
    run(path)
    comments_moderate(
        Comment.objects.filter(import_key="102"), action="remove", moderator=moderator
    )
    site_reply = post(Article.objects.get(), Comment.objects.get(import_key="101"), "Ours.")
    changed = WXR.replace(b"Agreed.", b"Agreed, mostly.").replace(b"Buy now", b"Buy today")
    reply = b"""<wp:comment><wp:comment_id>108</wp:comment_id>
        <wp:comment_author>Eve</wp:comment_author>
        <wp:comment_content>Late reply.</wp:comment_content>
        <wp:comment_approved>1</wp:comment_approved><wp:comment_parent>101</wp:comment_parent>
        <wp:comment_date_gmt>2017-07-13 08:00:00</wp:comment_date_gmt></wp:comment>"""
    path.write_bytes(changed.replace(b"\t</item>", reply + b"\t</item>", 1))
    out, _err = run(path)
    assert "1 imported, 1 updated, 1 changes left alone" in out
    assert Comment.objects.get(import_key="102").body == "Agreed."  # moderated: left alone
    assert Comment.objects.get(import_key="104").body == "Buy today"  # untouched: updated
    late = Comment.objects.get(import_key="108")
    assert late.parent.import_key == "101"
    assert Comment.objects.get(pk=site_reply.pk).body == "Ours."
    assert Comment.objects.filter(missing_from_source=True).count() == 0


def test_a_disqus_thread_joins_the_article_its_link_names(tmp_path):
    (wp,) = files(tmp_path, wp_xml=WXR)
    run(wp)
    link = b"https://gazette.example/2017/07/10/harbour-reopens/"
    moved = DISQUS.replace(b"https://gazette.example/2017/08/01/bridge-opens/", link)
    (dq,) = files(tmp_path, dq_xml=moved)
    run(dq)
    article = Article.objects.get()
    assert article.title == "Harbour reopens"
    assert set(article.comments.values_list("import_format", flat=True)) == {"disqus", "wxr"}
    before = snapshot()
    run(wp, dq)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<feed xmlns='http://www.w3.org/2005/Atom'/>", "not a format this imports"),
        (WXR[:2000], "malformed XML"),
        (BILLION_LAUGHS, "declares the XML entity 'lol': refused"),
        (XXE, "declares the XML entity 'secret': refused"),
        (WXR.replace(b"<wp:comment_id>101</wp:comment_id>", b""), "without <wp:comment_id>"),
        (b"\x00\x01binary", "looks binary"),
    ],
    ids=["atom", "truncated", "billion-laughs", "xxe", "missing-id", "binary"],
)
def test_a_bad_file_is_named_on_stderr_and_the_others_still_import_with_exit_status_1(
    tmp_path, data, reason
):
    paths = files(tmp_path, a_xml=data, b_xml=DISQUS)
    with pytest.raises(CommandError, match="1 of 2 paths failed"):
        run(*paths)
    assert Comment.objects.filter(import_format="disqus").count() == 5
    assert Comment.objects.filter(import_format="wxr").count() == 0


def test_the_bad_file_message_names_it_and_its_reason(tmp_path):
    (path,) = files(tmp_path, lol_xml=BILLION_LAUGHS)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_comments", str(path), stdout=out, stderr=err)
    assert err.getvalue().startswith("lol.xml: skipped: the file declares the XML entity 'lol'")


def test_report_writes_counts_by_status_skipped_and_warnings_with_line_numbers(tmp_path):
    paths = files(tmp_path, wp_xml=WXR, dq_xml=DISQUS)
    report = tmp_path / "report.json"
    run(*paths, report=str(report))
    wp, dq = json.loads(report.read_text())["files"]
    assert wp["format"] == "wxr" and wp["articles"] == {"created": 1}
    assert wp["comments"] == {"published": 2, "pending": 1, "spam": 1, "removed": 1}
    assert wp["skipped"] == 2 and wp["error"] is None
    assert dq["skipped"] == 1
    assert [w["line"] for w in dq["warnings"]] == [105, 92]
    assert dq["warnings"][0]["message"].startswith("post 9006 belongs to thread 4000")


def test_dry_run_writes_nothing_and_says_what_it_would_do(tmp_path):
    out, _err = run(*files(tmp_path, wp_xml=WXR), dry_run=True)
    assert "1 article (1 would create)" in out
    assert not Comment.objects.exists() and not Article.objects.exists()


def test_forcing_a_format_reads_the_file_as_that_format(tmp_path):
    (path,) = files(tmp_path, wp_xml=WXR)
    with pytest.raises(CommandError):
        run(path, format="disqus")
    assert not Comment.objects.exists()


def test_the_page_marks_where_imported_comments_came_from_with_the_sources_date(
    client, tmp_path
):
    run(*files(tmp_path, wp_xml=WXR))
    page = client.get(Article.objects.get().get_absolute_url()).content.decode()
    assert '<time datetime="2017-07-11T15:42+00:00">11 Jul 2017, 15:42 UTC</time></a> ' \
           "<small>from WordPress</small>" in page


def test_export_threads_gives_provenance_and_the_sources_created(tmp_path):
    run(*files(tmp_path, wp_xml=WXR))
    out = StringIO()
    call_command("export_threads", stdout=out)
    (article,) = json.loads(out.getvalue())["articles"]
    first = article["comments"][0]
    assert first["created"] == "2017-07-11T15:42:00+00:00"
    assert first["imported_at"] is not None
    assert first["source"]["format"] == "wxr" and first["source"]["key"] == "101"
    assert first["source"]["file"].startswith("wp.xml:")
    assert article["source_url"] == "https://gazette.example/2017/07/10/harbour-reopens/"
