"""The moderators' desk: the comment queue, each comment in its thread, readers' reports.

Every status change and every delete goes through ``comments.services``, so
the admin records moderation exactly as the public views and the import do.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as default_delete_selected
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from articles.models import Article
from comments import services
from comments.models import Comment, RejectedPost, Report

# What each moderation action is called on a button and in the message after it.
ACTIONS = {
    "approve": (_("Approve"), _("approved")),
    "restore": (_("Restore"), _("restored")),
    "remove": (_("Remove"), _("removed")),
    "spam": (_("Mark as spam"), _("marked as spam")),
}


def snippet(text: str, length: int = 80) -> str:
    return Truncator(" ".join(text.split())).chars(length)


class ModerationActionForm(helpers.ActionForm):
    reason = forms.CharField(
        label=_("Reason (optional):"),
        required=False,
        max_length=400,
        help_text=_("Recorded with approve, remove, spam and restore."),
    )


class ArticleListFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        # Titles only: the default loads every article with its body and seed text.
        return list(Article.objects.order_by("title").values_list("pk", "title"))


class ReportedListFilter(admin.SimpleListFilter):
    title = _("reported")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", _("Reported")), ("no", _("Not reported"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(report_count__gt=0)
        if self.value() == "no":
            return queryset.filter(report_count=0)
        return queryset


class ReportInline(admin.TabularInline):
    """Readers' reports on the comment, read-only: they are evidence, not editable data."""

    model = Report
    fields = ["created", "reason", "note", "ip_address"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # What decides a verdict first, so it stays in view on a laptop screen.
    list_display = [
        "excerpt",
        "status",
        "moderation_reason",
        "report_count",
        "author",
        "article_title",
        "in_reply_to",
        "depth",
        "created",
    ]
    list_filter = [
        "status",
        ("article", ArticleListFilter),
        "is_imported",
        "missing_from_source",
        ReportedListFilter,
        "created",
    ]
    list_select_related = ["article", "parent", "user"]
    search_fields = ["body", "author_name", "user__username", "email", "ip_address"]
    # The queue: what waits for a moderator first, then the newest.
    ordering = [
        Case(When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1)).asc(),
        "-created",
    ]
    actions = ["approve", "remove", "mark_spam", "restore", "delete_selected"]
    action_form = ModerationActionForm
    inlines = [ReportInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "article", "parent", "author_name", "user", "email", "ip_address", "created",
                    "body",
                ]
            },
        ),
        (
            _("Moderation"),
            {
                "fields": [
                    "status", "moderation_reason", "moderated_by", "moderated_at", "edited_by",
                    "edited_at", "report_count",
                ]
            },
        ),
        (
            _("Import"),
            {
                "classes": ["collapse"],
                "fields": ["is_imported", "import_source", "import_key", "missing_from_source"],
            },
        ),
    ]
    # Readers' own words: only a superuser may edit them (to redact an address, say).
    reader_words = ["body", "author_name", "email"]
    readonly_fields = [
        "article", "parent", "user", "ip_address", "created", "status", "moderation_reason",
        "moderated_by", "moderated_at", "edited_by", "edited_at", "report_count", "is_imported",
        "import_source", "import_key", "missing_from_source",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("article__body", "article__source_text")

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        return [*self.readonly_fields, *self.reader_words]

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return snippet(comment.body)

    @admin.display(description=_("author"), ordering="author_name")
    def author(self, comment):
        return comment.display_author

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, comment):
        return snippet(comment.article.title, 40)

    @admin.display(description=_("in reply to"))
    def in_reply_to(self, comment):
        return snippet(comment.parent.body, 50) if comment.parent_id else ""

    @admin.display(description=_("depth"), ordering="level")
    def depth(self, comment):
        return comment.level

    # Moderation: bulk actions on the queue, buttons on the change page.

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_add_permission(self, request):
        # Readers post comments; the admin would bypass the rules and the thread lock.
        return False

    def has_delete_permission(self, request, obj=None):
        # A comment with replies goes only through "delete thread", which says
        # how many comments it takes with it.
        return super().has_delete_permission(request) and (obj is None or obj.is_leaf_node())

    def _moderate(self, request, queryset, action):
        """Moderate the selection ("Select all" takes every page of the queue) in
        bounded time, and say what changed, what is left to do and what was left alone."""
        selected = queryset.count()
        changed = services.comments_moderate(
            queryset,
            action=action,
            moderator=request.user,
            reason=request.POST.get("reason", ""),
            limit=settings.NEWSROOM_BULK_ACTION_LIMIT or None,
        )
        due = services.moderation_due(queryset, action=action)
        left = selected - changed - due
        done = ACTIONS[action][1]
        if changed:
            template = ngettext(
                "%(count)s comment %(done)s.", "%(count)s comments %(done)s.", changed
            )
            self._say(request, messages.SUCCESS, template, changed, done)
        if due:
            template = ngettext(
                "%(count)s more selected comment can be %(done)s: choose the action again.",
                "%(count)s more selected comments can be %(done)s: choose the action again.",
                due,
            )
            self._say(request, messages.WARNING, template, due, done)
        if left > 0:
            template = ngettext(
                "%(count)s selected comment could not be %(done)s from its status and "
                "was left as it was.",
                "%(count)s selected comments could not be %(done)s from their status and "
                "were left as they were.",
                left,
            )
            self._say(request, messages.WARNING, template, left, done)

    def _say(self, request, level, template, count, done):
        grouped = number_format(count, force_grouping=True)
        self.message_user(request, template % {"count": grouped, "done": done}, level)

    @admin.action(description=_("Approve selected comments"), permissions=["moderate"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, "approve")

    @admin.action(description=_("Remove selected comments"), permissions=["moderate"])
    def remove(self, request, queryset):
        self._moderate(request, queryset, "remove")

    @admin.action(description=_("Mark selected comments as spam"), permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, "spam")

    @admin.action(description=_("Restore selected comments"), permissions=["moderate"])
    def restore(self, request, queryset):
        self._moderate(request, queryset, "restore")

    @admin.action(
        description=default_delete_selected.short_description, permissions=["delete"]
    )
    def delete_selected(self, request, queryset):
        """Django's delete, refused up front when a selected comment has replies."""
        with_replies = queryset.filter(rght__gt=F("lft") + 1).count()
        if with_replies:
            self.message_user(
                request,
                ngettext(
                    "Nothing deleted: %(count)d selected comment has replies. Remove it "
                    "instead (the replies stay), or delete its thread from its page.",
                    "Nothing deleted: %(count)d selected comments have replies. Remove them "
                    "instead (the replies stay), or delete their threads from their pages.",
                    with_replies,
                )
                % {"count": with_replies},
                messages.ERROR,
            )
            return None
        try:
            with transaction.atomic():
                return default_delete_selected(self, request, queryset)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None

    def delete_queryset(self, request, queryset):
        for comment in queryset:
            services.comment_delete(comment=comment)

    def delete_model(self, request, obj):
        services.comment_delete(comment=obj)

    def delete_view(self, request, object_id, extra_context=None):
        comment = self.get_object(request, unquote(object_id))
        if comment is not None and not comment.is_leaf_node():
            self.message_user(
                request,
                _(
                    "Not deleted: this comment has replies, which a delete would take with it. "
                    "Remove it instead (the replies stay), or use “Delete thread”."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(self._change_url(request, comment))
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            # A reply arrived after the confirmation page was shown.
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(self._change_url(request, comment))

    def save_model(self, request, obj, form, change):
        if form.changed_data:
            services.comment_edit(
                comment=obj,
                body=obj.body,
                author_name=obj.author_name,
                email=obj.email,
                editor=request.user,
            )

    # The change page: the comment in its thread, with the moderation buttons.

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/moderate/",
                wrap(require_POST(self.moderate_view)),
                name="comments_comment_moderate",
            ),
            path(
                "<path:object_id>/delete-thread/",
                wrap(self.delete_thread_view),
                name="comments_comment_delete_thread",
            ),
            *super().get_urls(),
        ]

    def _change_url(self, request, comment):
        url = reverse("admin:comments_comment_change", args=[comment.pk])
        return add_preserved_filters(
            {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}, url
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.thread_context(request, obj))
        if not any(name in context["adminform"].form.fields for name in self.reader_words):
            # Nothing on the page is editable: moderation happens through the buttons.
            context.update(show_save=False, show_save_and_continue=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def thread_context(self, request, comment):
        """Ancestors, the comment and its direct replies, two queries, for reading in context."""
        context = {
            "ancestors": list(comment.get_ancestors().select_related("user")),
            "replies": list(comment.get_children().select_related("user")),
            "moderation_actions": [],
            "delete_thread_count": 0,
        }
        if self.has_moderate_permission(request):
            applicable = services.moderation_actions(comment.status)
            context["moderation_actions"] = [
                (name, labels[0]) for name, labels in ACTIONS.items() if name in applicable
            ]
        if not comment.is_leaf_node() and super().has_delete_permission(request):
            context["delete_thread_count"] = comment.get_descendant_count() + 1
        return context

    def moderate_view(self, request, object_id):
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            self.message_user(request, _("Choose an action."), messages.ERROR)
            return HttpResponseRedirect(self._change_url(request, comment))
        changed = services.comments_moderate(
            Comment.objects.filter(pk=comment.pk),
            action=action,
            moderator=request.user,
            reason=request.POST.get("reason", ""),
        )
        if changed:
            self.message_user(
                request, _("Comment %(done)s.") % {"done": ACTIONS[action][1]}, messages.SUCCESS
            )
        else:
            self.message_user(
                request,
                _("Nothing changed: a comment that is %(status)s cannot be %(done)s.")
                % {"status": comment.get_status_display().lower(), "done": ACTIONS[action][1]},
                messages.WARNING,
            )
        return HttpResponseRedirect(self._change_url(request, comment))

    def delete_thread_view(self, request, object_id):
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not super().has_delete_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            deleted = services.thread_delete(comment=comment, moderator=request.user)
            self.message_user(
                request,
                ngettext("Deleted %(count)d comment.", "Deleted %(count)d comments.", deleted)
                % {"count": deleted},
                messages.SUCCESS,
            )
            changelist = reverse("admin:comments_comment_changelist")
            return HttpResponseRedirect(
                add_preserved_filters(
                    {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts},
                    changelist,
                )
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Delete a thread"),
            "opts": self.opts,
            "object": comment,
            "count": comment.get_descendant_count() + 1,
            "replies": comment.get_descendant_count(),
            "change_url": self._change_url(request, comment),
            "preserved_filters": self.get_preserved_filters(request),
        }
        return TemplateResponse(request, "admin/comments/comment/delete_thread.html", context)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Readers' reports, newest first; written only by the public Report form."""

    list_display = ["created", "reason", "comment", "note", "ip_address"]
    list_filter = ["reason", "created"]
    list_select_related = ["comment", "comment__user"]
    search_fields = ["note", "comment__body"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a report would leave the comment's report count wrong.
        return False


@admin.register(RejectedPost)
class RejectedPostAdmin(admin.ModelAdmin):
    """Posts the rules refused, newest first, with the reason: read-only evidence.

    The reader was told why and kept their text; this is the moderators' record.
    """

    list_display = ["created", "excerpt", "author_name", "article_title", "reason", "ip_address"]
    list_filter = ["created", "article"]
    list_select_related = ["article"]
    search_fields = ["body", "author_name", "email", "ip_address", "reason"]
    date_hierarchy = "created"

    @admin.display(description=_("post"))
    def excerpt(self, post):
        return snippet(post.body)

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, post):
        return snippet(post.article.title, 40)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
