"""The article page's cache: its keys, the discussion version that moves them,
the page every reader without state of their own shares, and its ETags.

Every comment write and moderation action bumps its article's discussion
version in its own transaction, and every cached piece of the article page
(the shared page, a page of rendered threads, the pages' layout, the list's
comment counts, the API's pages) is keyed by that version and by the article's
last edit (``updated``, which every save moves). So a cached piece is never
invalidated: a new version is simply never found in the cache, and superseded
entries age out. An edit saved from a stale copy cannot bring an older entry
back either: its ``updated`` is new.

Respects are the exception: they change counts, not the discussion, and come
in streams. They move the article's coarse reactions epoch instead (a slot of
``NEWSROOM_RESPECTS_EPOCH`` seconds, see ``reactions_changed``), which keys the
pages and their ETags beside the version. While the slot of the last respect is
open, a page rendered under it is cached only until the slot closes; once it
has closed, no respect can land in it any more and the page is cached as long as
any other. So a stream of respects re-renders a page at most twice a slot, and a
count shown is at most one slot (and a second) late.
"""

import math
import time

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import F, QuerySet
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.text import compress_string

from articles import frontcache
from articles.models import Article

# Entries are keyed by discussion version, so they never go stale; the
# timeout only bounds how long superseded versions linger.
CACHE_SECONDS = 60 * 60
# How long shared caches in front of the site (nginx, a CDN) may serve the
# shared page before asking again: a new comment reaches every reader within it.
SHARED_SECONDS = 1
# The shared page is cached for ``?page=1`` to this: past it, a page rendered
# for each number asked would only fill the cache.
_SHARED_PAGES = 9999
# How long after its slot ends a respect may still commit: ``reactions_changed``
# reads the clock once its write is done, so only the commit itself is left.
_EPOCH_GRACE = 1
# The orders a discussion's threads are read in (``?sort=``), the default first.
# Spelled here because every cached page and layout is keyed by its order;
# ``comments.selectors`` says what each means.
ORDERS = ("oldest", "newest", "top", "replies")


def discussion_changed(article_id: int) -> None:
    """Bump the article's discussion version, which keys its cached pieces, and
    refresh its pages in the front cache once the write commits."""
    discussions_changed([article_id])


def discussions_changed(article_ids) -> None:
    """Bump the discussion version of each article in ``article_ids`` (ids, or a
    subquery of them) once, in one statement, and refresh their pages in the front
    cache once the write commits."""
    changed = Article.objects.filter(pk__in=article_ids)
    changed.update(discussion_version=F("discussion_version") + 1)
    # A subquery is read in the write's transaction (by purge_on_commit, and only
    # when there is a front cache to tell): after the commit it could name others.
    if isinstance(article_ids, QuerySet):
        article_ids = changed.values_list("pk", flat=True)
    frontcache.purge_on_commit(article_ids)


def reactions_changed(article_id: int) -> None:
    """Move the article's reactions epoch to the current slot: the last write of a
    respect's transaction.

    The clock is read again once the row is written, so a write that waited for
    the article's row past its slot's end moves on to the next slot, and a page
    rendered after a slot closed never misses a respect counted in it.
    """
    while True:
        epoch = _epoch_now()
        Article.objects.filter(pk=article_id, reactions_epoch__lt=epoch).update(
            reactions_epoch=epoch
        )
        if _epoch_now() == epoch:
            return


def _epoch_now() -> int:
    return int(time.time() // settings.NEWSROOM_RESPECTS_EPOCH)


def _reactions(article: Article) -> tuple[str, int]:
    """The respects' part of a page's key and ETag, and how long a page under it is cached."""
    epoch = article.reactions_epoch
    closes = (epoch + 1) * settings.NEWSROOM_RESPECTS_EPOCH + _EPOCH_GRACE
    left = closes - time.time()
    if left <= 0:
        return f"r{epoch}", CACHE_SECONDS
    # Respects may still land in this slot: the page is provisional until it closes.
    return f"r{epoch}+", math.ceil(left)


def page_seconds(article: Article) -> int:
    """How long a page's pieces keyed by ``page_key`` may be cached."""
    return _reactions(article)[1]


def version(article: Article) -> str:
    """What every cached piece of ``article``'s page is keyed by."""
    return f"{article.pk}:{article.discussion_version}:{article.updated.timestamp():.6f}"


def key(article: Article, piece: str) -> str:
    """A cached piece of the article's discussion as it stands: ``piece`` names
    it (``pages``, ``stats``...)."""
    return f"discussion:{version(article)}:{piece}"


def page_key(article: Article, number: int, piece: str, *, order: str) -> str:
    """A piece of page ``number`` of the discussion read in ``order``, as shown
    (whether comments are open is in its Reply links, who may comment in its form,
    and its respects)."""
    shown = f"{int(article.comments_open)}{int(article.accounts_only)}"
    return key(article, f"{order}:{number}:{shown}:{_reactions(article)[0]}:{piece}")


def layout_key(article: Article, order: str) -> str:
    """The discussion's pages of threads read in ``order``: "top" ranks by respects,
    which do not move the discussion version, so its layout moves with them too."""
    return key(article, f"pages:{order}:{_reactions(article)[0] if order == 'top' else ''}")


def requested_order(request) -> str:
    """The order ``?sort=`` asks for, one of ``ORDERS``: anything else reads as the
    default, so a made-up value neither fails nor adds a page to the cache."""
    asked = request.GET.get("sort", "")
    return asked if asked in ORDERS else ORDERS[0]


def etag(article: Article, variant: str) -> str:
    """Changes with every comment write or moderation action, and every article edit."""
    return quote_etag(f"{variant}-{version(article)}")


def is_shared(request) -> bool:
    """Whether the reader gets the page every reader shares: nothing of their own can
    be on it (no session, so no held comment, remembered name or report; not signed
    in; no message waiting)."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.user.is_authenticated
        and not get_messages(request)
    )


def article_page(request, article: Article, template: str) -> HttpResponse:
    """The article's page: the shared copy from the cache for a reader who can have
    it, else rendered for the reader alone (``private, no-store``)."""
    if not is_shared(request):
        response = HttpResponse(render_to_string(template, {"article": article}, request))
        # The reader's own message, held comments, name or account are on it.
        patch_cache_control(response, private=True, no_store=True)
        return response
    number = _shared_page_number(request)
    if number is None:
        response = HttpResponse(render_to_string(template, {"article": article}, request))
        patch_cache_control(response, private=True, no_cache=True)
        return response
    order = requested_order(request)
    zipped = re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")) is not None
    # Weak: the compressed and the plain copy are the same page, and a strong ETag
    # would have to differ between them (RFC 9110, 8.8.3).
    page_etag = "W/" + etag(article, f"page{number}-{order}-{_reactions(article)[0]}")
    response = get_conditional_response(request, etag=page_etag)
    if response is None:
        response = HttpResponse(_shared_page(request, article, number, order, template, zipped))
        if zipped:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = page_etag
    patch_vary_headers(response, ["Accept-Encoding"])
    _shareable(response)
    return response


def _shareable(response: HttpResponse) -> None:
    """Let shared caches (nginx, a CDN) keep the page for a second, and browsers ask each time.

    nginx counts a page's life in whole seconds from the second it stored it, so
    ``s-maxage=1`` alone would keep a copy stored at 10.0 until 12.0: it reads
    ``X-Accel-Expires`` first (and never passes it on), and is told the copy
    expires as this second ends. So every copy is at most a second old, which
    is the freshness README promises.
    """
    patch_cache_control(response, public=True, max_age=0, s_maxage=SHARED_SECONDS)
    response["X-Accel-Expires"] = f"@{int(time.time())}"


def _shared_page_number(request) -> int | None:
    """The page of the discussion asked for, as the shared copies are keyed: None when
    the page is not one of those (a link to a comment, a number out of reach)."""
    if "comment" in request.GET:
        return None
    asked = request.GET.get("page", "1")
    if not (asked.isascii() and asked.isdigit()):
        # What the paginator shows for it.
        return 1
    number = int(asked)
    return number if 1 <= number <= _SHARED_PAGES else None


def _shared_page(
    request, article: Article, number: int, order: str, template: str, zipped: bool
) -> bytes:
    """The page every reader without state of their own sees, the same bytes for each:
    its forms carry no CSRF token (``newsroom/csrf.py`` says how they are checked).

    ``zipped``: its gzip copy, compressed once and kept beside it, rather than for each
    reader (about 2 ms for the 100-comment page's 93 kB, more than serving it), by
    gunicorn alone or by nginx. BREACH needs a secret on the page beside text the
    attacker chooses; this page has none. Personal pages, with their tokens, are
    compressed by nginx, and Django masks the CSRF token anew in every response."""
    if zipped:
        cached = page_key(article, number, "page.gz", order=order)
        content = cache.get(cached)
        if content is None:
            plain = _shared_page(request, article, number, order, template, zipped=False)
            content = compress_string(plain)
            cache.set(cached, content, page_seconds(article))
        return content
    cached = page_key(article, number, "page", order=order)
    content = cache.get(cached)
    if content is None:
        # Django's own "no token here" value, which keeps its context processor from
        # making one. The forms test for it rather than leave it to ``{% csrf_token %}``,
        # which writes nothing for it but warns (Django 5.2's format_html() without
        # arguments).
        context = {"article": article, "csrf_token": "NOTPROVIDED"}
        content = render_to_string(template, context, request).encode()
        cache.set(cached, content, page_seconds(article))
    return content
