"""A reader at a glance on a comment's page: their comments by status, the five
latest, links to the queue filtered to them, and "Ban this author…"; two queries
however much they wrote."""

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from comments.authors import queue_filters, same_author
from comments.models import Comment

LATEST = 5


class AuthorPanelMixin:
    """For ``CommentAdmin``: the change page's author panel."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["author_panel"] = author_panel(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


def _matched_by(comment) -> tuple[str, object]:
    if comment.user_id is not None:
        return _("account"), comment.user
    if comment.email:
        return _("email"), comment.email
    return _("address"), comment.ip_address


def author_panel(request, comment) -> dict | None:
    identity = {
        "user_id": comment.user_id, "email": comment.email, "ip_address": comment.ip_address,
    }
    author = same_author(**identity)
    if author is None:
        return None
    theirs = Comment.objects.filter(author)
    counts = dict(theirs.order_by().values_list("status").annotate(count=Count("pk")))
    queue = f"{reverse('admin:comments_comment_changelist')}?{urlencode(queue_filters(**identity))}"
    matched_by, matched = _matched_by(comment)
    return {
        "matched_by": matched_by,
        "matched": matched,
        "queue_url": queue,
        "counts": [
            (label, counts.get(status, 0), f"{queue}&status__exact={status}")
            for status, label in Comment.Status.choices
        ],
        "latest": list(
            theirs.exclude(pk=comment.pk)
            .select_related("user__profile")
            .order_by("-created", "-pk")[:LATEST]
        ),
        "ban_links": _ban_links(request, comment),
    }


def _ban_links(request, comment) -> list[tuple[str, str]]:
    if not request.user.has_perm("comments.add_ban"):
        return []
    add = reverse("admin:comments_ban_add")
    targets = [
        (_("the account"), "user", comment.user_id),
        (_("the email address"), "email", comment.email),
        (_("the address"), "network", comment.ip_address),
    ]
    return [
        (label, f"{add}?{urlencode({field: value})}") for label, field, value in targets if value
    ]
