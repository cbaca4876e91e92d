"""The queue at speed: it opens on what needs a decision, each row shows the whole
text and one-click Approve, Remove and Mark as spam buttons.

The buttons belong to one form outside the changelist's (``change_list.html``),
which carries the CSRF token and the list's own URL: without JavaScript the
moderate view redirects back to it, filters and page kept; ``desk.js`` posts
them with fetch and updates the row in place.
"""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from comments import desk_rules, moderation
from comments.admin.filters import snippet
from comments.models import Comment
from comments.templatetags.comment_text import comment_body

# Longer texts open from a one-line preview, in place.
PREVIEW_LENGTH = 280
# The keys desk.js gives each action.
KEYS = {"approve": "a", "remove": "r", "spam": "s"}


class DecisionFilter(admin.SimpleListFilter):
    """What the queue opens on: pending comments, and published ones reported by
    at least the report threshold that no moderator has decided on. "All" is the other choice."""

    title = _("to decide")
    parameter_name = "queue"
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # A link to one status (the articles' counts) says what to show by itself.
        self.status_chosen = "status__exact" in params

    def lookups(self, request, model_admin):
        return [(self.ALL, _("All"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None and not self.status_chosen,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Needs a decision"),
        }
        yield {
            "selected": self.value() == self.ALL or self.status_chosen,
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
            "display": _("All"),
        }

    def queryset(self, request, queryset):
        if self.value() == self.ALL or self.status_chosen:
            return queryset
        needs = Q(status=Comment.Status.PENDING)
        threshold = desk_rules.current().report_threshold
        if threshold:
            needs |= Q(
                status=Comment.Status.PUBLISHED,
                report_count__gte=threshold,
                moderated_at__isnull=True,
            )
        return queryset.filter(needs)


class QueueRowsMixin:
    """For ``CommentAdmin``: the text and decision columns, and the default filter."""

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if self.has_moderate_permission(request):
            columns.insert(1, "decide")
        return columns

    @admin.display(description=_("comment"))
    def text(self, comment):
        body = comment_body(comment.body)
        if len(comment.body) <= PREVIEW_LENGTH:
            return format_html('<div class="queue-text">{}</div>', body)
        return format_html(
            '<details class="queue-text"><summary>{}</summary>{}</details>',
            snippet(comment.body, PREVIEW_LENGTH // 2),
            body,
        )

    @admin.display(description=_("decide"))
    def decide(self, comment):
        url = reverse("admin:comments_comment_moderate", args=[comment.pk])
        return format_html_join(
            " ",
            '<button type="submit" class="button" form="row-moderate" formaction="{}" '
            'name="action" value="{}" data-desk-action="{}" aria-keyshortcuts="{}">{}</button>',
            (
                (url, name, name, KEYS[name], moderation.ACTIONS[name].verb)
                for name in moderation.moderation_actions(comment.status)
                if name in KEYS
            ),
        )
