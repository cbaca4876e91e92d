"""The article pages' one entry into comments: what they show of the discussion.

``templates/articles/`` asks through the ``discussion`` template tags
(``templatetags/discussion.py``), as django-contrib-comments' target
templates do, so ``articles`` never imports ``comments``. The pieces every
reader shares are cached under ``articles.pagecache``'s keys.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from articles import pagecache
from articles.models import Article
from comments import rules, selectors
from comments.forms import CommentForm
from comments.rendering import render_thread
from comments.sessions import comment_form_initial, own_pending_ids

# The sort control's words for each of ``pagecache.ORDERS``, in its order.
ORDER_LABELS = {
    "oldest": _("Oldest first"),
    "newest": _("Newest first"),
    "top": _("Top"),
    "replies": _("Most replies"),
}


@dataclass(frozen=True, slots=True)
class Discussion:
    """One page of an article's discussion, as the reader sees it."""

    page_obj: Page
    thread_html: SafeString
    published_count: int
    form: CommentForm
    # The reader must sign in to comment: a link to do so instead of the form.
    sign_in: bool
    # ``?sort=``, read as the page is cached; the page links carry it.
    order: str
    # The pages to link to: numbers, with Paginator.ELLIPSIS for the gaps.
    page_numbers: list[int | str]

    @property
    def orders(self) -> list[tuple[str, str, bool]]:
        """The sort control: each order's value, its label, and whether it is this page's."""
        return [(order, label, order == self.order) for order, label in ORDER_LABELS.items()]


@dataclass(frozen=True, slots=True)
class CommentStats:
    """An article's published comments, as the list shows them."""

    count: int
    latest: datetime | None


def discussion(request, article: Article) -> Discussion:
    """The page of ``article``'s discussion the request asks for (``?page=N``, or
    ``?comment=<pk>``: the page holding that comment's thread), its threads in the
    order ``?sort=`` asks for."""
    order = pagecache.requested_order(request)
    own_ids = selectors.own_held_ids(article, own_pending_ids(request))
    pages = discussion_pages(article, own_ids, order)
    page = Paginator(pages, 1).get_page(_requested_page(request, article, pages, own_ids))
    html, count = _thread(article, page, own_ids, order)
    form = CommentForm(user=request.user, initial=comment_form_initial(request, article=article))
    return Discussion(
        page_obj=page,
        thread_html=mark_safe(html),
        published_count=count,
        form=form,
        sign_in=rules.must_sign_in(article=article, user=request.user),
        order=order,
        # "1 … 4 5 6 … 20": the ends, and the pages either side of this one.
        page_numbers=list(
            page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        ),
    )


def discussion_pages(
    article: Article, own_ids: Collection[int], order: str
) -> list[tuple[int, ...]]:
    """The article's pages of threads in ``order`` (``selectors.thread_pages``); the
    shared ones from the cache."""
    if own_ids:
        return selectors.thread_pages(article, own_ids, order)
    return cache.get_or_set(
        pagecache.key(article, f"pages:{order}"),
        lambda: selectors.thread_pages(article, order=order),
        pagecache.CACHE_SECONDS,
    )


def comment_stats(articles: Sequence[Article]) -> list[tuple[Article, CommentStats]]:
    """Each article with its published comment count and latest comment time.

    Cached under the discussion version, so a warm list reads no comments,
    and a cold one counts the comments of the listed articles only.
    """
    keys = {pagecache.key(article, "stats"): article for article in articles}
    stats = cache.get_many(keys)
    missing = {article.pk: cached for cached, article in keys.items() if cached not in stats}
    if missing:
        counted = {
            missing[pk]: CommentStats(*found)
            for pk, found in selectors.comment_stats(missing).items()
        }
        cache.set_many(counted, pagecache.CACHE_SECONDS)
        stats |= counted
    return [(article, stats[cached]) for cached, article in keys.items()]


def _requested_page(request, article, pages, own_ids) -> int | str | None:
    """``?comment=<pk>``'s page, else ``?page=N``.

    Links to a comment (after posting or reporting it) name the comment rather
    than its page, so writing one never has to lay out the whole discussion.
    """
    wanted = request.GET.get("comment", "")
    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 18:
        number = selectors.page_holding(article, int(wanted), pages, own_ids)
        if number is not None:
            return number
    return request.GET.get("page")


def _thread(
    article: Article, page: Page, own_ids: Collection[int], order: str
) -> tuple[str, int]:
    """The page's rendered threads and the published count; the shared ones from the cache."""

    def render() -> tuple[str, int]:
        tree_ids = page.object_list[0] if page.object_list else ()
        comments = selectors.threads_for_page(article, tree_ids, own_ids)
        count = selectors.visible_comments().for_article(article).count()
        return str(render_thread(comments, article=article)), count

    if own_ids:
        return render()
    return cache.get_or_set(
        pagecache.page_key(article, page.number, "thread", order=order),
        render,
        pagecache.CACHE_SECONDS,
    )
