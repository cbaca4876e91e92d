"""Purge on write (articles/frontcache.py): which addresses an article's shared page is
cached under, that a committed discussion write purges them and a rolled-back one does
not, and what the purge thread sends to nginx."""

import html
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.test import Client

from articles import frontcache
from comments import moderation
from comments.models import Comment
from tests.helpers import make_article, post

pytestmark = pytest.mark.django_db

_LINK = re.compile(r'href="(\?sort=[^"#]*)#discussion"')
WAIT_SECONDS = 5


@pytest.fixture
def purged(settings, monkeypatch) -> list[set[int]]:
    """Purging configured, with the articles each purge would send recorded instead."""
    settings.NEWSROOM_PURGE_URL = "http://127.0.0.1:9"
    sent: list[set[int]] = []
    monkeypatch.setattr(frontcache, "_purger", lambda: type("Rec", (), {"purge": sent.append}))
    return sent


def test_the_purged_paths_are_every_link_the_shared_page_writes(settings):
    settings.NEWSROOM_THREADS_PER_PAGE = 2
    article = make_article(slug="story")
    for __ in range(5):
        post(article)
    refreshed, purged = frontcache.article_paths([article.pk])
    paths = {*refreshed, *purged}

    linked = set()
    for order in ("", "?sort=newest", "?sort=top&page=2", "?sort=replies&page=3"):
        page = Client().get(f"/articles/story/{order}")
        linked |= {f"/articles/story/{html.unescape(q)}" for q in _LINK.findall(page.text)}

    assert "/articles/story/" in paths
    assert "/articles/story/?sort=replies&page=3" in linked
    assert linked - paths == set()


def test_the_page_count_purged_covers_every_page_of_threads(settings):
    settings.NEWSROOM_THREADS_PER_PAGE = 2
    settings.NEWSROOM_COMMENTS_PER_PAGE = 3
    article = make_article(slug="story")
    first = post(article)
    for __ in range(3):
        post(article, parent=first)
    for __ in range(4):
        post(article)
    # Five threads: the first (4 comments) fills page 1 alone, then 2, 2 and 0.
    __, purged = frontcache.article_paths([article.pk])

    assert "/articles/story/?sort=top&page=3" in purged


def test_a_committed_post_purges_its_article(purged, django_capture_on_commit_callbacks):
    article = make_article()

    with django_capture_on_commit_callbacks(execute=True):
        post(article)

    assert purged == [{article.pk}]


def test_a_rolled_back_post_purges_nothing(purged, django_capture_on_commit_callbacks):
    article = make_article()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        post(article)
        raise RuntimeError("rolled back")

    assert callbacks == []
    assert purged == []


def test_a_bulk_moderation_purges_each_article_it_touched(
    purged, django_capture_on_commit_callbacks
):
    first, second, untouched = make_article(), make_article(), make_article()
    post(first), post(second), post(untouched)

    with django_capture_on_commit_callbacks(execute=True):
        moderation.comments_moderate(
            Comment.objects.exclude(article=untouched), action="remove", moderator=None
        )

    assert purged == [{first.pk, second.pk}]


def test_without_a_purge_url_a_write_leaves_nothing_to_run(
    settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_PURGE_URL = ""

    with django_capture_on_commit_callbacks() as callbacks:
        post(make_article())

    assert not any(getattr(c, "__qualname__", "").startswith("purge_on_commit") for c in callbacks)


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_an_article_is_purged_at_once_and_again_after_a_render_s_time():
    sent: list[tuple[float, set[int]]] = []
    purger = frontcache.Purger(lambda ids: sent.append((time.monotonic(), ids)))

    written = time.monotonic()
    purger.purge({7})
    wait_for(lambda: len(sent) == 2, "the second purge never came")

    assert [ids for __, ids in sent] == [{7}, {7}]
    assert sent[0][0] - written < frontcache.AGAIN_SECONDS
    assert sent[1][0] - written >= frontcache.AGAIN_SECONDS


def test_a_stream_of_writes_gets_one_second_pass_after_the_last():
    sent: list[tuple[float, set[int]]] = []
    purger = frontcache.Purger(lambda ids: sent.append((time.monotonic(), ids)))

    for __ in range(3):
        last = time.monotonic()
        purger.purge({7})
        time.sleep(frontcache.AGAIN_SECONDS / 3)
    wait_for(lambda: len(sent) == 4, "the second pass never came")
    time.sleep(frontcache.AGAIN_SECONDS)

    # Three first passes and one second pass, after the last write: none came half
    # a second after the first two.
    assert len(sent) == 4
    assert sent[-1][0] - last >= frontcache.AGAIN_SECONDS


def test_articles_written_while_a_purge_is_under_way_are_purged_together_once():
    busy = threading.Event()
    sent: list[set[int]] = []

    def send(ids):
        sent.append(ids)
        busy.wait(WAIT_SECONDS)

    purger = frontcache.Purger(send)
    purger.purge({1})
    wait_for(lambda: sent, "the first purge never came")
    for article_id in (1, 2, 1, 2):
        purger.purge({article_id})
    busy.set()
    wait_for(lambda: len(sent) >= 2, "the next purge never came")

    assert sent[:2] == [{1}, {1, 2}]


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, str, str, str, str]] = []

    def do_GET(self):
        self.seen.append(
            (
                self.command,
                self.path,
                self.headers["Host"],
                self.headers["X-Forwarded-Proto"],
                self.headers["Accept-Encoding"],
            )
        )
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_landing_page_is_refreshed_and_the_others_purged_for_the_readers_site(listener, caplog):
    sender = frontcache.Sender(f"http://127.0.0.1:{listener.server_port}", "https://News.Example")
    refreshed, purged = frontcache.page_paths("/articles/story/", 1)

    sender.refresh(refreshed)
    sender.purge(purged[-1:])

    assert refreshed == ["/articles/story/"]
    assert "/articles/story/?sort=top" in purged
    assert _Recorder.seen == [
        ("GET", "/articles/story/", "news.example", "https", "gzip"),
        ("GET", "/articles/story/", "news.example", "https", ""),
        ("GET", "/purge/articles/story/?sort=replies&page=1", "news.example", "https", "gzip"),
        ("GET", "/purge/articles/story/?sort=replies&page=1", "news.example", "https", ""),
    ]
    # The recorder answers 404: fine for a purge (nothing kept), not for a refresh.
    assert "nginx refresh failed for 2 of the pages" in caplog.text
    assert "nginx purge failed" not in caplog.text


def test_a_purge_nginx_does_not_answer_is_logged_not_raised(caplog):
    sender = frontcache.Sender("http://127.0.0.1:9", "http://127.0.0.1:8000")

    sender.purge(["/articles/story/"])

    assert "nginx purge failed for 2 of the pages" in caplog.text
