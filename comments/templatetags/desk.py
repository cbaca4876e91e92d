"""The pending count in every admin page's header: one COUNT on the queue's index."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import ngettext

from comments.models import Comment

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_link(context) -> str:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.has_perm("comments.view_comment"):
        return ""
    count = Comment.objects.filter(status=Comment.Status.PENDING).count()
    query = urlencode({"status__exact": Comment.Status.PENDING})
    url = f"{reverse('admin:comments_comment_changelist')}?{query}"
    label = ngettext("%(count)d pending comment", "%(count)d pending comments", count)
    return format_html(
        '<a class="pending-count" id="pending-count" href="{}">{}</a>',
        url,
        label % {"count": count},
    )
