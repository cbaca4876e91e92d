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
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import pagecache
from articles.models import Article
from comments import rules, selectors
from comments.authoring import may_edit
from comments.forms import CommentForm
from comments.rendering import press_respects, render_thread, with_own_actions
from comments.sessions import comment_form_initial, own_pending_ids, own_posted_ids


@dataclass(frozen=True, slots=True)
class Featured:
    """A featured comment as the section that opens the discussion quotes it."""

    pk: int
    author: str
    quote: str


# The sort control's words for each of ``pagecache.ORDERS``, in its order.
ORDER_LABELS = {
    "oldest": gettext_lazy("Oldest first"),
    "newest": gettext_lazy("Newest first"),
    "top": gettext_lazy("Most respected"),
    "replies": gettext_lazy("Most replies"),
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
    # Quoted above the first page's threads; empty on later pages.
    featured: list[Featured]
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
    own_ids, own = reader_own(request, article)
    pages = discussion_pages(article, own_ids, order)
    page = Paginator(pages, 1).get_page(_requested_page(request, article, pages, own_ids))
    html, count = _thread(article, page, own_ids, order)
    if request.user.is_authenticated:
        # Theirs alone: a signed-in reader's page is never shared or cached whole.
        html = press_respects(html, selectors.respected_ids(request.user, article))
    form = CommentForm(user=request.user, initial=comment_form_initial(request, article=article))
    return Discussion(
        page_obj=page,
        thread_html=with_own_actions(html, article=article, own=own),
        published_count=count,
        form=form,
        sign_in=rules.must_sign_in(article=article, user=request.user),
        featured=featured(article) if page.number == 1 else [],
        order=order,
        # "1 … 4 5 6 … 20": the ends, and the pages either side of this one.
        page_numbers=list(
            page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        ),
    )


def reader_own(request, article: Article) -> tuple[Collection[int], dict[int, bool]]:
    """What of ``article``'s discussion is the reader's own, in one query (none for
    a reader without a session or account): the held comments only they see (their
    session's, when one is held here; else none, and they share the cached
    threads), and their comments they may change, each with whether it may still
    be edited (``authoring.may_edit``)."""
    pending = own_pending_ids(request)
    user = request.user
    mine = selectors.own_comments(
        article,
        user_id=user.pk if user.is_authenticated else None,
        ids=own_posted_ids(request) | pending,
    )
    held = any(status == selectors.PENDING and pk in pending for pk, status, _at in mine)
    now = timezone.now()
    own = {pk: may_edit(created=created, article=article, now=now) for pk, _s, created in mine}
    return (pending if held else ()), own


def featured(article: Article) -> list[Featured]:
    """The featured comments the discussion opens with, from the cache under the
    discussion version (featuring bumps it)."""

    def quote() -> list[Featured]:
        return [
            Featured(pk, author or _("Anonymous"), _trimmed(body))
            for pk, author, body in selectors.featured_comments(article)
        ]

    return cache.get_or_set(pagecache.key(article, "featured"), quote, pagecache.CACHE_SECONDS)


def _trimmed(body: str) -> str:
    """A quote's text: one paragraph of at most 50 words and 300 characters."""
    return Truncator(Truncator(" ".join(body.split())).words(50)).chars(300)


def discussion_pages(
    article: Article, own_ids: Collection[int], order: str
) -> list[tuple[int, ...]]:
    """The article's pages of threads in ``order`` (``selectors.thread_pages``); the
    shared ones from the cache."""
    if own_ids:
        return selectors.thread_pages(article, own_ids, order)
    return cache.get_or_set(
        pagecache.layout_key(article, order),
        lambda: selectors.thread_pages(article, order=order),
        pagecache.page_seconds(article),
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
        pagecache.page_seconds(article),
    )
