"""Honest dates: what a dump gave no date for shows none, every time says its zone
(NEWSROOM_TIME_ZONE) and is read relatively only in the browser, and the list's
"latest comment" is the latest posted on the site."""

import re
import runpy
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from comments.models import Comment
from comments.selectors import comment_stats
from comments.threads import Row, displayed, lay_out
from tests.helpers import assert_page, by_body, imported, make_article, moderate, post

pytestmark = pytest.mark.django_db

WINTER = datetime(2026, 1, 15, 13, 5, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 13, 5, tzinfo=UTC)


def posted_at(comment, moment, **fields) -> Comment:
    Comment.objects.filter(pk=comment.pk).update(created=moment, **fields)
    return Comment.objects.get(pk=comment.pk)


def header_of(response, comment) -> str:
    """The header of ``comment`` in a thread on the page."""
    html = response.content.decode()
    return re.search(rf'<header id="h{comment.pk}">(.*?)</header>', html, re.S).group(1)


@pytest.mark.parametrize(
    ("zone", "moment", "shown"),
    [
        ("UTC", WINTER, "15 Jan 2026, 13:05 UTC"),
        ("Europe/Paris", WINTER, "15 Jan 2026, 14:05 CET"),
        ("Europe/Paris", SUMMER, "15 Jul 2026, 15:05 CEST"),
        ("America/New_York", WINTER, "15 Jan 2026, 08:05 EST"),
    ],
)
def test_a_comments_time_is_shown_in_the_sites_zone_with_its_abbreviation(
    client, settings, zone, moment, shown
):
    settings.TIME_ZONE = zone
    article = make_article()
    comment = posted_at(post(article, body="On time"), moment)

    header = header_of(client.get(article.get_absolute_url()), comment)

    local = moment.astimezone(ZoneInfo(zone))
    assert f'<time datetime="{local.isoformat(timespec="minutes")}">{shown}</time>' in header


def test_the_page_carries_absolute_times_only_for_the_browser_to_read_relatively(client):
    article = make_article()
    post(article, body="Just now")

    for response in (client.get("/"), client.get(article.get_absolute_url())):
        assertNotContains(response, " ago")
        assertContains(response, 'src="/static/newsroom/times.js"')
    assertContains(client.get("/"), " UTC</time>")


def test_an_imported_comment_without_a_date_says_it_comes_from_the_original_page(client):
    article = make_article()
    comment = posted_at(post(article, body="From the dump"), WINTER, date_unknown=True)

    header = header_of(client.get(article.get_absolute_url()), comment)

    assert "<time" not in header
    assert (
        '<span title="Imported 15 Jan 2026">From the original page</span>'
        in header
    )


def test_the_comment_page_and_the_reply_and_report_quotes_show_no_invented_time(client):
    article = make_article()
    comment = posted_at(post(article, body="From the dump"), WINTER, date_unknown=True)

    for url in (
        comment.get_absolute_url(),
        f"/articles/{article.slug}/comments/{comment.pk}/reply/",
        f"/articles/{article.slug}/comments/{comment.pk}/report/",
    ):
        assert_page(client.get(url), shows=["From the original page"], hides=["13:05 UTC</time>"])


def test_seed_import_marks_its_comments_and_article_as_without_a_date(client, tmp_path):
    imported(tmp_path, "A comment from the dump")

    article = Article.objects.get()
    assert article.date_unknown
    assert by_body("A comment from the dump").date_unknown
    response = client.get(article.get_absolute_url())
    byline = re.search(r'<p class="byline">(.*?)</p>', response.content.decode()).group(1)
    assert "<time" not in byline
    assertContains(response, "From the original page")


def test_an_article_written_here_shows_its_date(client):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(created=WINTER)

    assertContains(client.get(article.get_absolute_url()), '<time datetime="2026-01-15">')


def test_a_tombstone_says_nothing_of_where_its_comment_came_from():
    article = make_article()
    root = posted_at(post(article, body="imported"), WINTER, date_unknown=True)
    post(article, root, body="reply")
    moderate(root, "remove")
    rows = Row.read(Comment.objects.filter(article=article))

    shown = lay_out(
        displayed(rows, lambda row: row.status == "published"), base_level=0, max_depth=8
    )

    assert shown[0].tombstone and not shown[0].date_unknown and shown[0].created is None


def test_latest_comment_on_the_list_is_the_latest_posted_on_the_site(
    client, django_assert_num_queries
):
    only_imported = make_article(title="Only imported")
    posted_at(post(only_imported, body="old dump"), SUMMER, is_imported=True, date_unknown=True)
    mixed = make_article(title="Mixed")
    posted_at(post(mixed, body="posted here"), WINTER)
    posted_at(post(mixed, body="dump"), SUMMER, is_imported=True, date_unknown=True)

    with django_assert_num_queries(1):
        stats = comment_stats([only_imported.pk, mixed.pk])

    assert stats == {only_imported.pk: (1, None), mixed.pk: (2, WINTER)}
    assertContains(client.get("/"), '<time datetime="2026-01-15T13:05+00:00">', count=1)


def test_an_unknown_time_zone_stops_the_site_at_startup(monkeypatch):
    monkeypatch.setenv("NEWSROOM_TIME_ZONE", "Mars/Olympus_Mons")

    with pytest.raises(ImproperlyConfigured, match="NEWSROOM_TIME_ZONE"):
        runpy.run_path(str(django_settings.BASE_DIR / "newsroom" / "settings.py"))


def test_the_time_zone_defaults_to_utc_and_follows_newsroom_time_zone(monkeypatch):
    settings_file = str(django_settings.BASE_DIR / "newsroom" / "settings.py")
    monkeypatch.delenv("NEWSROOM_TIME_ZONE", raising=False)
    assert runpy.run_path(settings_file)["TIME_ZONE"] == "UTC"

    monkeypatch.setenv("NEWSROOM_TIME_ZONE", "Asia/Tokyo")
    assert runpy.run_path(settings_file)["TIME_ZONE"] == "Asia/Tokyo"
