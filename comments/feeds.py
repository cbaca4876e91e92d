"""Atom feed of each article's latest comments.

Summaries are ``type="html"``: a feed reader renders them as markup, so they
hold the HTML the pages show (escaped text, linked the same way), never the
raw text, in which a reader's ``<img onerror=…>`` would run.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from articles.models import Article
from comments.selectors import visible_comments
from comments.templatetags.comment_text import comment_body


class ArticleCommentsFeed(Feed):
    """The article's 50 latest published comments.

    What the article page shows a reader with no held comments of their own:
    feed readers fetch without the reader's session, and what they fetch is
    kept and passed on where a held comment could not be taken back.
    """

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.defer("source_text"), slug=slug)

    def title(self, article):
        return f"Comments on “{article.title}”"

    def link(self, article):
        return article.get_absolute_url()

    def items(self, article):
        # Read in the order of the (article, status, created, id) index, ties
        # between imported comments included: 50 rows, not the article's all.
        return (
            visible_comments()
            .for_article(article)
            .select_related("user__profile", "article")
            .defer("article__source_text")
            .order_by("-created", "-pk")[:50]
        )

    def item_title(self, comment):
        return f"{comment.display_author}: {Truncator(comment.body).words(12)}"

    def item_description(self, comment):
        return comment_body(comment.body)

    def item_author_name(self, comment):
        return comment.display_author

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_pubdate(self, comment):
        return comment.created


class RepliesFeed(ArticleCommentsFeed):
    """A reader's private feed: the 50 latest published replies to their comments,
    at a URL with a token (``notifications:replies_feed``) instead of their session."""

    title = "Replies to you on Newsroom"
    description = "The latest replies to your comments."

    def get_object(self, request, user):
        return user

    def link(self, user):
        return reverse("readers:settings")

    def items(self, user):
        return (
            visible_comments()
            .filter(parent__user=user)
            .exclude(user=user)
            .select_related("user__profile", "article")
            .defer("article__source_text")
            .order_by("-created", "-pk")[:50]
        )
