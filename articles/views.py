import hashlib
import secrets

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models.functions import Substr
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from articles.models import Article
from comments.forms import CommentForm
from comments.selectors import own_held_ids, visible_comments
from comments.sessions import comment_form_initial, own_pending_ids
from comments.threads import render_thread, thread_pages, threads_for_page
from newsroom.csrf import csrf_token

# Entries are keyed by discussion version, so they never go stale; the
# timeout only bounds how long superseded versions linger.
DISCUSSION_CACHE_SECONDS = 60 * 60
# Stands in for the reader's CSRF token in a cached page. Secret and new in
# each process, so no reader's text can carry it into another reader's page
# (and hex, so escaping leaves it as it is); workers share only the parts.
_CSRF_PLACEHOLDER = secrets.token_hex(16)
_CSRF_PLACEHOLDER_BYTES = _CSRF_PLACEHOLDER.encode()


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.NEWSROOM_ARTICLES_PER_PAGE

    def get_queryset(self):
        return (
            Article.objects.annotate(excerpt=Substr("body", 1, 280))
            .defer("source_text", "body")
            .order_by("-created", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = context["object_list"] = _with_comment_stats(
            list(context["object_list"])
        )
        return context


def _with_comment_stats(articles: list[Article]) -> list[Article]:
    """Set each article's published comment count and latest comment time.

    Cached under the discussion version, so a warm list reads no comments,
    and a cold one counts the comments of the listed articles only, not of
    every article on the site.
    """
    keys = {f"comment-stats:{a.pk}:{a.discussion_version}": a for a in articles}
    stats = cache.get_many(keys)
    missing = {article.pk: key for key, article in keys.items() if key not in stats}
    if missing:
        counted = {key: (0, None) for key in missing.values()}
        rows = (
            Article.objects.filter(pk__in=missing)
            .with_comment_stats()
            .values_list("pk", "published_comment_count", "last_comment_at")
        )
        for pk, count, latest in rows:
            counted[missing[pk]] = (count, latest)
        cache.set_many(counted, DISCUSSION_CACHE_SECONDS)
        stats |= counted
    for key, article in keys.items():
        article.published_comment_count, article.last_comment_at = stats[key]
    return articles


@require_safe
def article_detail(request, slug):
    """The article and one page of its discussion.

    Most readers are anonymous and carry no state of their own, so their page
    is the same for all of them but for the CSRF token: it is cached whole,
    under the article's discussion version (which every comment write and
    moderation action bumps in its own transaction) and its last edit, and
    served with a fresh token. Readers with something of their own on the page
    (a held comment, a remembered name, a message, an account) get it rendered
    around the cached thread.
    """
    article = Article.objects.for_page(slug)
    if article is None:
        raise Http404(_("No such article."))
    own_ids = own_held_ids(article, own_pending_ids(request))
    initial = comment_form_initial(request)
    shared = (
        not own_ids
        and not request.user.is_authenticated
        and not get_messages(request)
        and not initial
    )
    pages = discussion_pages(article, own_ids)
    page = Paginator(pages, 1).get_page(_requested_page(request, article, pages, own_ids))
    if shared:
        not_modified = get_conditional_response(request, etag=_page_etag(request, article, page))
        if not_modified is not None:
            return not_modified
    response = _shared_page(request, article, page) if shared else None
    if response is None:
        context = {
            "article": article,
            "page_obj": page,
            **_discussion(article, page, own_ids),
            "form": CommentForm(user=request.user, initial=initial),
        }
        response = render(request, "articles/article_detail.html", context)
    if shared:
        # Worked out again: a reader without a secret was given one by the render.
        response["ETag"] = _page_etag(request, article, page)
        patch_cache_control(response, private=True, no_cache=True)
    else:
        # The reader's own message, held comments, name or account are on it.
        patch_cache_control(response, private=True, no_store=True)
    return response


def discussion_etag(article, variant: str) -> str:
    """Changes with every comment write or moderation action, and every article edit."""
    return quote_etag(
        f"{variant}-{article.pk}-{article.discussion_version}-{article.updated.timestamp():.6f}"
    )


def _page_etag(request, article, page) -> str:
    """The page's version and the reader's CSRF secret, which its form's token is made from.

    A reader whose secret changed (rotated at login, or cookies cleared) gets
    the page again, never a copy from before whose form would be refused.
    """
    secret = request.META.get("CSRF_COOKIE", "")
    reader = hashlib.blake2b(secret.encode(), digest_size=6).hexdigest() if secret else "none"
    return discussion_etag(article, f"page{page.number}-{reader}")


def _discussion_key(article) -> str:
    return f"discussion:{article.pk}:{article.discussion_version}"


def discussion_page_key(article, page) -> str:
    """A page of the discussion as shown: its version, and the article as last edited
    (the slug is in the thread's links; whether comments are open, in its Reply links)."""
    return (
        f"{_discussion_key(article)}:{page.number}:{int(article.comments_open)}:"
        f"{article.updated.timestamp():.6f}"
    )


def discussion_pages(article, own_ids) -> list[tuple[int, ...]]:
    """The article's pages of threads (``thread_pages``); the shared ones from the cache."""
    if own_ids:
        return thread_pages(article, own_ids)
    key = _discussion_key(article)
    pages = cache.get(key)
    if pages is None:
        pages = thread_pages(article)
        cache.set(key, pages, DISCUSSION_CACHE_SECONDS)
    return pages


def _requested_page(request, article, pages, own_ids) -> int | str | None:
    """``?page=N``, or ``?comment=<pk>``: the page holding that comment's thread.

    Links to a comment (after posting or reporting it) name the comment rather
    than its page, so writing one never has to lay out the whole discussion.
    Only a comment the reader sees is looked for: which page a hidden one would
    open must not tell that it exists.
    """
    wanted = request.GET.get("comment", "")
    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 18:
        tree_id = (
            visible_comments(own_ids)
            .filter(article=article, pk=int(wanted))
            .values_list("tree_id", flat=True)
            .first()
        )
        for number, tree_ids in enumerate(pages, start=1):
            if tree_id in tree_ids:
                return number
    return request.GET.get("page")


def _discussion(article, page, own_ids) -> dict:
    """The page's rendered thread and the comment count, from the cache when it can be."""
    key = f"{discussion_page_key(article, page)}:thread"
    cached = None if own_ids else cache.get(key)
    if cached is None:
        tree_ids = page.object_list[0] if page.object_list else ()
        comments = threads_for_page(article, tree_ids, own_ids)
        cached = {
            "html": render_thread(
                comments, base=article.get_absolute_url(), open=article.comments_open
            ),
            "published_count": visible_comments().for_article(article).count(),
        }
        if not own_ids:
            cache.set(key, cached, DISCUSSION_CACHE_SECONDS)
    return {
        "thread_html": mark_safe(cached["html"]),
        "published_count": cached["published_count"],
    }


def _shared_page(request, article, page) -> HttpResponse | None:
    """The page every anonymous reader without state of their own sees, cached whole.

    None when the page cannot be shared: some text on it holds the placeholder.
    """
    key = f"{discussion_page_key(article, page)}:page"
    parts = cache.get(key)
    if parts is None:
        context = {
            "article": article,
            "page_obj": page,
            **_discussion(article, page, ()),
            "form": CommentForm(user=request.user),
            "csrf_token": _CSRF_PLACEHOLDER,
        }
        content = render_to_string("articles/article_detail.html", context, request)
        # Kept split where the token goes: joining is cheaper than searching.
        parts = content.encode().split(_CSRF_PLACEHOLDER_BYTES)
        if len(parts) > 2:
            return None
        cache.set(key, parts, DISCUSSION_CACHE_SECONDS)
    # A page without a form (comments closed) needs no token.
    token = csrf_token(request).encode() if len(parts) > 1 else b""
    return HttpResponse(token.join(parts))


@require_safe
def api_article_list(request):
    articles = list(Article.objects.order_by("pk").defer("source_text"))
    data = {
        "articles": [
            {
                "slug": a.slug,
                "title": a.title,
                "byline": a.byline or None,
                "url": request.build_absolute_uri(a.get_absolute_url()),
                "api_url": request.build_absolute_uri(
                    reverse("comments:api_article", args=[a.slug])
                ),
            }
            for a in articles
        ]
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
