from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from articles.models import Article
from comments.models import Comment


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    title = "Newsroom: latest articles"
    link = "/"
    subtitle = "The newest articles and their discussions."

    def items(self):
        return Article.objects.defer("source_text")[:30]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return Truncator(article.body).words(60)

    def item_author_name(self, article):
        return article.byline or None

    def item_updateddate(self, article):
        return article.updated


class ArticleCommentsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.defer("source_text"), slug=slug)

    def title(self, article):
        return f"Comments on “{article.title}”"

    def link(self, article):
        return article.get_absolute_url()

    def items(self, article):
        return (
            Comment.objects.visible()
            .for_article(article)
            .select_related("user", "article")
            .order_by("-created", "-pk")[:50]
        )

    def item_title(self, comment):
        return f"{comment.display_author}: {Truncator(comment.body).words(12)}"

    def item_description(self, comment):
        return comment.body

    def item_author_name(self, comment):
        return comment.display_author

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_pubdate(self, comment):
        return comment.created
