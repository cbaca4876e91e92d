from django.conf import settings
from django.db.models.functions import Substr
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from articles import pagecache
from articles.models import Article


class ArticleListView(ListView):
    """The newest articles; their comment counts come from the template's
    ``{% comment_stats %}``."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.NEWSROOM_ARTICLES_PER_PAGE

    def get_queryset(self):
        return (
            Article.objects.annotate(excerpt=Substr("body", 1, 280))
            .defer("source_text", "body")
            .order_by("-created", "-pk")
        )


@require_safe
def article_detail(request, slug):
    """The article and one page of its discussion (the template's ``{% discussion %}``).

    Most readers carry no state of their own, so their page is the same for all
    of them but for the CSRF token: ``pagecache`` serves it whole from the cache.
    """
    article = Article.objects.for_page(slug)
    if article is None:
        raise Http404(_("No such article."))
    return pagecache.article_page(request, article, "articles/article_detail.html")


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
