"""How the article templates ask for the discussion: ``{% load discussion %}``.

``{% discussion article as discussion %}`` gives the page of the discussion
the request asks for (``comments.discussion.Discussion``);
``{% comment_stats articles as listed %}`` gives (article, stats) pairs for
the list; ``{% discussion_orders %}`` the values ``?sort=`` takes.
"""

from django import template

from comments import discussion as discussions

register = template.Library()


@register.simple_tag(takes_context=True)
def discussion(context, article) -> discussions.Discussion:
    return discussions.discussion(context["request"], article)


@register.simple_tag
def comment_stats(articles) -> list:
    return discussions.comment_stats(articles)


@register.simple_tag
def discussion_orders() -> str:
    """The values ``?sort=`` takes, the default first, space-separated (for ``order.js``)."""
    return " ".join(discussions.ORDER_LABELS)
