"""The discussion as JSON: the article page's pages and the comment pages, as data.

``/api/articles/<slug>/?page=N`` serves the article page's pages of threads
(``selectors.thread_pages``), cut at the same depth: a comment whose
replies go deeper names, in ``more``, its own page
``/api/articles/<slug>/comments/<pk>/``, as the HTML links to the comment's
page. So a page costs what an article page does, however long the discussion.
Both show what the HTML shows the reader, and nothing more: the comments come
through ``comments.selectors``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.cache import cache
from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from articles import pagecache
from articles.models import Article
from comments.discussion import discussion_pages
from comments.export import article_fields, public_comments
from comments.rendering import comment_urls
from comments.selectors import comment_in_context, own_held_ids, threads_for_page
from comments.sessions import own_pending_ids


@require_safe
def api_article(request, slug):
    """One page of the article's discussion, with the article and links to the
    other pages. The page every reader without held comments gets is cached
    whole under the discussion version and answers ``If-None-Match``."""
    article = get_object_or_404(Article.objects.defer("source_text"), slug=slug)
    own_ids = own_held_ids(article, own_pending_ids(request))
    order = pagecache.ORDERS[0]
    pages = discussion_pages(article, own_ids, order)
    try:
        page = Paginator(pages, 1).page(request.GET.get("page", 1))
    except InvalidPage:
        raise Http404(_("No such page.")) from None
    if own_ids:
        return _private(_article_page(request, article, page, own_ids))
    etag = pagecache.etag(article, f"api{page.number}")
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    # The links in it are absolute: one copy per scheme and host the site answers to.
    content = cache.get_or_set(
        pagecache.page_key(
            article, page.number, f"api:{request.build_absolute_uri('/')}", order=order
        ),
        lambda: _encode(_article_page(request, article, page, ())),
        pagecache.CACHE_SECONDS,
    )
    response = HttpResponse(content, content_type="application/json")
    response["ETag"] = etag
    return response


@require_safe
def api_comment(request, slug, pk):
    """A comment with its replies, as its HTML page shows them, and its ancestors."""
    own_ids = own_pending_ids(request)
    found = comment_in_context(slug=slug, pk=pk, own_ids=own_ids)
    if found is None:
        raise Http404(_("This comment is not available."))
    article, ancestors, subtree = found
    data = {
        "article": _article_url(request, article),
        "ancestors": [
            {"id": c.pk, "tombstone": c.tombstone, "author": c.known_author} for c in ancestors
        ],
        "comments": public_comments(subtree, more_url=_comment_url(request, article)),
    }
    if any(c.awaiting for c in subtree):
        return _private(data)
    return HttpResponse(_encode(data), content_type="application/json")


def _article_page(request, article: Article, page: Page, own_ids) -> dict:
    tree_ids = page.object_list[0] if page.object_list else ()
    shown = threads_for_page(article, tree_ids, own_ids)
    return {
        **article_fields(article),
        "page": page.number,
        "pages": page.paginator.num_pages,
        "previous": (
            _article_url(request, article, page.previous_page_number())
            if page.has_previous()
            else None
        ),
        "next": (
            _article_url(request, article, page.next_page_number()) if page.has_next() else None
        ),
        "comments": public_comments(shown, more_url=_comment_url(request, article)),
    }


def _article_url(request, article: Article, page: int | None = None) -> str:
    url = reverse("comments:api_article", args=[article.slug])
    return request.build_absolute_uri(url if page is None else f"{url}?page={page}")


def _comment_url(request, article: Article) -> Callable[[int], str]:
    path = comment_urls("comments:api_comment", article)
    site = request.build_absolute_uri("/").removesuffix("/")
    return lambda pk: site + path(pk)


def _encode(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _private(data: dict) -> HttpResponse:
    """A response holding the reader's own held comments: for them alone, never stored."""
    response = HttpResponse(_encode(data), content_type="application/json")
    patch_cache_control(response, private=True, no_store=True)
    return response
