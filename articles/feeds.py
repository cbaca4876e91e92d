"""Atom feed of the latest articles (each article's comments: ``comments.feeds``).

Summaries are ``type="html"``: a feed reader renders them as markup, so they
hold the HTML the pages show (escaped text, linked the same way), never the
raw text, in which a reader's ``<img onerror=…>`` would run.
"""

from django.contrib.syndication.views import Feed
from django.template.defaultfilters import linebreaks_filter
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from articles.models import Article


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
        return linebreaks_filter(Truncator(article.body).words(60), autoescape=True)

    def item_author_name(self, article):
        return article.byline or None

    def item_updateddate(self, article):
        return article.updated
