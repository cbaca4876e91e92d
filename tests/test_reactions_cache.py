"""Respects and the page cache: a stream of them re-renders a page a bounded number
of times (the reactions epoch, ``articles.pagecache``), and counts still arrive."""

from types import SimpleNamespace

import pytest
from pytest_django.asserts import assertContains

from articles import pagecache
from comments import reactions, selectors
from tests.helpers import make_article, make_reader, post, version

pytestmark = pytest.mark.django_db


def test_a_respect_leaves_the_discussion_version_alone():
    comment = post(make_article())
    before = version(comment.article)

    reactions.respect_toggle(comment_id=comment.pk, user=make_reader("Ann"))

    assert version(comment.article) == before


def test_a_stream_of_respects_re_renders_the_page_a_bounded_number_of_times(
    client, monkeypatch, settings
):
    settings.NEWSROOM_RESPECTS_EPOCH = 5
    clock = SimpleNamespace(now=1_000_000.0)
    monkeypatch.setattr(pagecache, "time", SimpleNamespace(time=lambda: clock.now))
    renders = []
    threads = selectors.threads_for_page
    monkeypatch.setattr(
        selectors, "threads_for_page", lambda *a, **k: renders.append(1) or threads(*a, **k)
    )
    comment = post(make_article())
    url = comment.article.get_absolute_url()
    client.get(url)

    # 100 respects over 10 seconds, the page read after each.
    for n in range(100):
        clock.now += 0.1
        reactions.respect_toggle(comment_id=comment.pk, user=make_reader(f"Reader {n}"))
        client.get(url)

    # The first render, then at most two per 5-second slot touched (three at most):
    # once while it is open, once after it closed.
    assert len(renders) <= 1 + 2 * 3
    clock.now += 7
    assertContains(client.get(url), "Respect <span>100</span>")
    assertContains(client.get(url), "Respect <span>100</span>")
    assert len(renders) <= 1 + 2 * 3 + 1


def test_the_first_respect_after_a_quiet_spell_shows_at_once(client):
    comment = post(make_article())
    url = comment.article.get_absolute_url()
    assertContains(client.get(url), '/respect/">Respect</button>')

    reactions.respect_toggle(comment_id=comment.pk, user=make_reader("Ann"))

    assertContains(client.get(url), "Respect <span>1</span>")


def test_the_etag_moves_when_a_respects_slot_closes(client, monkeypatch, settings):
    settings.NEWSROOM_RESPECTS_EPOCH = 5
    clock = SimpleNamespace(now=2_000_000.0)
    monkeypatch.setattr(pagecache, "time", SimpleNamespace(time=lambda: clock.now))
    comment = post(make_article())
    url = comment.article.get_absolute_url()
    reactions.respect_toggle(comment_id=comment.pk, user=make_reader("Ann"))
    open_tag = client.get(url)["ETag"]

    clock.now += 1
    reactions.respect_toggle(comment_id=comment.pk, user=make_reader("Ben"))
    assert client.get(url, headers={"If-None-Match": open_tag}).status_code == 304
    clock.now += 6
    closed = client.get(url, headers={"If-None-Match": open_tag})

    assert closed.status_code == 200
    assertContains(closed, "Respect <span>2</span>")


def test_a_reader_sees_their_own_respect_counted_at_once_while_the_slot_is_open(
    client, monkeypatch, settings
):
    settings.NEWSROOM_RESPECTS_EPOCH = 5
    clock = SimpleNamespace(now=1_000_000.0)
    monkeypatch.setattr(pagecache, "time", SimpleNamespace(time=lambda: clock.now))
    comment = post(make_article())
    url = comment.article.get_absolute_url()
    reactions.respect_toggle(comment_id=comment.pk, user=make_reader("Ann"))
    client.get(url)
    ben = make_reader("Ben")
    client.force_login(ben)

    clock.now += 1
    reactions.respect_toggle(comment_id=comment.pk, user=ben)

    # The shared thread still says 1 until its slot closes; Ben's page counts his.
    page = client.get(url)
    assertContains(page, 'aria-pressed="true">Respect <span>2</span></button>')
