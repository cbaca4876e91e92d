"""Fresh at once: once a discussion write commits, bring the article's pages in
nginx's micro-cache up to date (deploy/nginx/newsroom-purge.conf), so the next
anonymous reader gets the new page rather than one up to a second old.

The article's own address, where readers land, is refreshed: nginx fetches it
from gunicorn and stores it in place of the copy it keeps serving meanwhile, so
no reader waits. Dropping it instead (a purge) left nothing to serve: readers
arriving during the render waited on nginx's cache lock or went to gunicorn all
at once, and in bench/front.py's flood the readers' rate fell from about 26,000
to 6,600 requests a second and the replies' p95 rose over 150 ms. The other
addresses (each order's tab and numbered pages), many and little read, are
purged: rendering each again after every write would cost more than the few
readers who wait for it.

``articles.pagecache`` hands every discussion write's articles to
``purge_on_commit``, which does nothing unless ``NEWSROOM_PURGE_URL`` is set.
The requests go from one daemon thread per process, off the request path, started
by the first write (so after gunicorn has forked: a thread does not survive a
fork); articles written again before their turn are done once. Failures are
logged, never raised: a page left alone is still at most a second (and one
render) old.

The requests are plain ``http.client`` on one kept-alive connection: they are
small requests to the loopback address, and no HTTP library the site already
depends on would add anything but weight.
"""

from __future__ import annotations

import http.client
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Count, Q

from articles import pagecache
from articles.models import Article

logger = logging.getLogger("newsroom.frontcache")

# A render that read the discussion just before a write committed can finish,
# and be stored by nginx, after the refresh that followed the commit: the article
# is done a second time this long after, which is longer than a render takes
# (~10 ms warm, ~150 ms on 2 cores saturated by a flood, bench/front.py) and
# well inside the second after which such a copy would expire anyway.
AGAIN_SECONDS = 0.5
# A refresh is a render (tens of milliseconds), a purge a loopback round trip:
# anything slower is a stuck nginx or gunicorn.
TIMEOUT_SECONDS = 5.0
# The encodings nginx keys its copies by (newsroom.conf's $newsroom_gzip).
_ENCODINGS = ("gzip", "")
_FAILURES = (http.client.HTTPException, OSError)


def purge_on_commit(article_ids: Iterable[int]) -> None:
    """Purge the articles' cached pages once the current transaction commits (never,
    if it rolls back)."""
    if not settings.NEWSROOM_PURGE_URL:
        return
    ids = set(article_ids)
    if ids:
        transaction.on_commit(lambda: _purger().purge(ids))


def page_paths(article_path: str, pages: int) -> tuple[list[str], list[str]]:
    """Every address the site links the shared page by, as (refreshed, purged): the
    article's own, where readers land; then each order's tab (``?sort=``,
    article_detail.html) and numbered pages (``?sort=…&page=…``,
    includes/discussion_pages.html), ``pages`` of them."""
    others = []
    for order in pagecache.ORDERS:
        others.append(f"{article_path}?sort={order}")
        others += [f"{article_path}?sort={order}&page={n}" for n in range(1, pages + 1)]
    return [article_path], others


def article_paths(article_ids: Iterable[int]) -> tuple[list[str], list[str]]:
    """The paths of the articles' shared pages, with as many page numbers as their
    discussions can fill: each page but the last holds ``NEWSROOM_THREADS_PER_PAGE``
    threads or ``NEWSROOM_COMMENTS_PER_PAGE`` comments (``comments.selectors.thread_pages``),
    so counting every thread and comment, hidden ones too, gives an upper bound."""
    articles = (
        Article.objects.filter(pk__in=list(article_ids))
        .only("slug")
        .annotate(
            threads=Count("comments", filter=Q(comments__level=0)), comment_count=Count("comments")
        )
    )
    refreshed, purged = [], []
    for article in articles:
        pages = (
            article.threads // settings.NEWSROOM_THREADS_PER_PAGE
            + article.comment_count // settings.NEWSROOM_COMMENTS_PER_PAGE
            + 1
        )
        landing, others = page_paths(article.get_absolute_url(), pages)
        refreshed += landing
        purged += others
    return refreshed, purged


class Sender:
    """Refreshes and purges paths at nginx's listener for the site readers reach at ``site_url``."""

    def __init__(self, purge_url: str, site_url: str) -> None:
        purge, site = urlsplit(purge_url), urlsplit(site_url)
        self._address = (purge.hostname, purge.port or 80)
        # What nginx's key is made of (newsroom.conf): the readers' scheme and host.
        self._site = {"Host": site.hostname, "X-Forwarded-Proto": site.scheme}
        self._connection: http.client.HTTPConnection | None = None

    def refresh(self, paths: Iterable[str]) -> None:
        """Have nginx fetch each path anew for each encoding (GET ``path``)."""
        self._each(paths, "", "refresh", ok=(200,))

    def purge(self, paths: Iterable[str]) -> None:
        """Have nginx drop each path's copies (GET ``/purge`` + ``path``); 404: none kept."""
        self._each(paths, "/purge", "purge", ok=(200, 404))

    def _each(self, paths: Iterable[str], prefix: str, what: str, ok: tuple[int, ...]) -> None:
        failures = []
        for path in paths:
            for encoding in _ENCODINGS:
                try:
                    status = self._send(prefix + path, encoding)
                except _FAILURES as error:
                    failures.append(f"{path} ({error})")
                    continue
                if status not in ok:
                    failures.append(f"{path} (HTTP {status})")
        if failures:
            logger.warning(
                "nginx %s failed for %d of the pages: %s",
                what,
                len(failures),
                ", ".join(failures[:5]),
            )

    def _send(self, path: str, encoding: str) -> int:
        headers = {**self._site, "Accept-Encoding": encoding}
        try:
            return self._request(path, headers)
        except _FAILURES:
            # A kept-alive connection nginx has closed fails on first use: once more, anew.
            return self._request(path, headers)

    def _request(self, path: str, headers: dict[str, str]) -> int:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(*self._address, timeout=TIMEOUT_SECONDS)
        try:
            self._connection.request("GET", path, headers=headers)
            response = self._connection.getresponse()
            response.read()
        except _FAILURES:
            self._connection.close()
            self._connection = None
            raise
        return response.status


class Purger:
    """A daemon thread that runs ``send`` on the articles written, at once and again
    ``AGAIN_SECONDS`` after the last write to each, coalescing articles that wait
    together. Only the last write's second pass is kept: under a stream of writes
    every first pass already follows the one before, so the pages are rendered
    once per write rather than twice."""

    def __init__(self, send: Callable[[set[int]], None]) -> None:
        self._send = send
        self._condition = threading.Condition()
        self._now: set[int] = set()
        self._again: dict[int, float] = {}
        self._pid: int | None = None

    def purge(self, article_ids: set[int]) -> None:
        again = time.monotonic() + AGAIN_SECONDS
        with self._condition:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="nginx-purge", daemon=True).start()
            self._now |= article_ids
            self._again.update(dict.fromkeys(article_ids, again))
            self._condition.notify()

    def _next(self) -> set[int]:
        with self._condition:
            while True:
                now = time.monotonic()
                batch, self._now = self._now, set()
                for article_id in [a for a, due in self._again.items() if due <= now]:
                    del self._again[article_id]
                    batch.add(article_id)
                if batch:
                    return batch
                self._condition.wait(min(self._again.values()) - now if self._again else None)

    def _run(self) -> None:
        while True:
            batch = self._next()
            try:
                self._send(batch)
            except Exception:
                logger.exception("nginx purge of articles %s failed", sorted(batch))


_lock = threading.Lock()
_instance: Purger | None = None


def _purger() -> Purger:
    global _instance
    with _lock:
        if _instance is None:
            sender = Sender(settings.NEWSROOM_PURGE_URL, settings.NEWSROOM_SITE_URL)
            _instance = Purger(lambda ids: _send(sender, ids))
        return _instance


def _send(sender: Sender, article_ids: set[int]) -> None:
    try:
        refreshed, purged = article_paths(article_ids)
    finally:
        # The thread's own connection, opened for that one query: not kept idle.
        connections.close_all()
    sender.refresh(refreshed)
    sender.purge(purged)
