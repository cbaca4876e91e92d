from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models.functions import Substr
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from articles.export import export_articles
from articles.models import Article
from comments.forms import CommentForm
from comments.models import Comment
from comments.sessions import comment_form_initial, own_pending_ids
from comments.threads import shown_tree_ids, threads_for_page

# Entries are keyed by discussion version, so they never go stale; the
# timeout only bounds how long superseded versions linger.
DISCUSSION_CACHE_SECONDS = 60 * 60


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.NEWSROOM_ARTICLES_PER_PAGE

    def get_queryset(self):
        return (
            Article.objects.with_comment_stats()
            .annotate(excerpt=Substr("body", 1, 280))
            .defer("source_text", "body")
            .order_by("-created", "-pk")
        )


@require_safe
def article_detail(request, slug):
    """The article and one page of its discussion.

    The rendered thread is the same for every reader without held comments of
    their own, so it is cached under the article's discussion version, which
    every comment write and moderation action bumps in its own transaction.
    The form (CSRF token, remembered name) and messages stay outside it.
    """
    article = get_object_or_404(Article.objects.defer("source_text"), slug=slug)
    own_ids = own_pending_ids(request)
    personal = bool(own_ids) and article.comments.filter(pk__in=own_ids).in_moderation().exists()
    etag = None
    if not personal and not request.user.is_authenticated and not get_messages(request):
        page = request.GET.get("page", "")
        etag = discussion_etag(article, f"page{page}" if page.isdigit() else "page")
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return not_modified
    discussion = _discussion(request, article, own_ids if personal else ())
    context = {
        "article": article,
        **discussion,
        "form": CommentForm(user=request.user, initial=comment_form_initial(request)),
    }
    response = render(request, "articles/article_detail.html", context)
    if etag:
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
    return response


def discussion_etag(article, variant: str) -> str:
    """Changes with every comment write or moderation action, and every article edit."""
    return quote_etag(
        f"{variant}-{article.pk}-{article.discussion_version}-{article.updated.timestamp():.0f}"
    )

def _discussion(request, article, own_ids) -> dict:
    """The page of threads with its rendered HTML, from the cache when it can be."""
    key = f"discussion:{article.pk}:{article.discussion_version}"
    shared = not own_ids
    tree_ids = cache.get(key) if shared else None
    if tree_ids is None:
        tree_ids = shown_tree_ids(article, own_ids)
        if shared:
            cache.set(key, tree_ids, DISCUSSION_CACHE_SECONDS)
    page = Paginator(tree_ids, settings.NEWSROOM_THREADS_PER_PAGE).get_page(request.GET.get("page"))
    # Closing comments hides every Reply link without a discussion change.
    page_key = f"{key}:{page.number}:{int(article.comments_open)}"
    cached = cache.get(page_key) if shared else None
    if cached is None:
        comments = threads_for_page(article, page.object_list, own_ids)
        cached = {
            "html": render_to_string(
                "includes/thread.html",
                {
                    "comments": comments,
                    "base": article.get_absolute_url(),
                    "open": article.comments_open,
                },
            ),
            "published_count": Comment.objects.for_article(article).visible().count(),
        }
        if shared:
            cache.set(page_key, cached, DISCUSSION_CACHE_SECONDS)
    return {
        "page_obj": page,
        "thread_html": mark_safe(cached["html"]),
        "published_count": cached["published_count"],
    }


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
                    reverse("articles:api_detail", args=[a.slug])
                ),
            }
            for a in articles
        ]
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_safe
def api_article_detail(request, slug):
    article = get_object_or_404(Article.objects.defer("source_text"), slug=slug)
    etag = discussion_etag(article, "api")
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    data = export_articles([article], public=True)["articles"][0]
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["ETag"] = etag
    return response
