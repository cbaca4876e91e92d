"""The comment queue: list, filters, bulk actions, edits and deletes."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as default_delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Value, When
from django.http import HttpResponseRedirect
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments import moderation
from comments.admin.author_panel import AuthorPanelMixin
from comments.admin.featuring import FeaturingMixin
from comments.admin.filters import (
    ArticleListFilter,
    ModerationActionForm,
    ReportedListFilter,
    ReportInline,
    snippet,
)
from comments.admin.queue_rows import DecisionFilter, QueueRowsMixin
from comments.admin.thread_page import ThreadPageMixin
from comments.models import Comment


def _bulk_action(name: str, function_name: str):
    """The queue's bulk action for moderation action ``name`` (``moderation.ACTIONS``)."""

    def action(modeladmin, request, queryset):
        modeladmin.moderate_selection(request, queryset, name)

    action.__name__ = function_name
    description = moderation.ACTIONS[name].bulk
    return admin.action(description=description, permissions=["moderate"])(action)


@admin.register(Comment)
class CommentAdmin(
    QueueRowsMixin, AuthorPanelMixin, ThreadPageMixin, FeaturingMixin, admin.ModelAdmin
):
    # What decides a verdict first, so it stays in view on a laptop screen.
    list_display = [
        "text",
        "status",
        "moderation_reason",
        "report_count",
        "author",
        "article_title",
        "in_reply_to",
        "depth",
        "created",
    ]
    # The text is not a link: a long one opens in place, and links in it work.
    list_display_links = ["status"]
    list_filter = [
        DecisionFilter,
        "status",
        ("article", ArticleListFilter),
        "is_imported",
        "import_format",
        "missing_from_source",
        ReportedListFilter,
        "created",
    ]
    list_select_related = ["article", "parent", "user__profile"]
    search_fields = ["body", "author_name", "user__username", "email", "ip_address"]
    # The queue: what waits for a moderator first, then the newest.
    ordering = [
        Case(When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1)).asc(),
        "-created",
    ]
    # The queue's names for the actions (bench and bookmarks post them).
    actions = [
        *(
            _bulk_action(name, function_name)
            for name, function_name in [
                ("approve", "approve"),
                ("remove", "remove"),
                ("spam", "mark_spam"),
                ("restore", "restore"),
            ]
        ),
        "feature",
        "unfeature",
        "delete_selected",
    ]
    action_form = ModerationActionForm

    class Media:
        # The row buttons, keyboard and phone layout (README, "Moderating").
        js = ["newsroom/desk.js"]
        css = {"all": ["newsroom/desk.css"]}
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
                    "edited_at", "deleted_at", "report_count", "reaction_count", "featured_at",
                ]
            },
        ),
        (
            _("Import"),
            {
                "classes": ["collapse"],
                "fields": [
                    "is_imported", "import_format", "import_source", "import_key",
                    "imported_at", "missing_from_source",
                ],
            },
        ),
    ]
    # Readers' own words: only a superuser may edit them (to redact an address, say).
    reader_words = ["body", "author_name", "email"]
    readonly_fields = [
        "article", "parent", "user", "ip_address", "created", "status", "moderation_reason",
        "moderated_by", "moderated_at", "edited_by", "edited_at", "deleted_at", "report_count",
        "reaction_count", "featured_at", "is_imported", "import_format", "import_source",
        "import_key", "imported_at", "missing_from_source",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("article__body", "article__source_text")

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        return [*self.readonly_fields, *self.reader_words]

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
        return super().has_delete_permission(request) and (
            obj is None or moderation.may_delete(obj)
        )

    def moderate_selection(self, request, queryset, action):
        """Moderate the selection ("Select all" takes every page of the queue) in
        bounded time, and say what changed, what is left to do and what was left alone."""
        selected = queryset.count()
        changed = moderation.comments_moderate(
            queryset,
            action=action,
            moderator=request.user,
            reason=request.POST.get("reason", ""),
            limit=settings.NEWSROOM_BULK_ACTION_LIMIT or None,
        )
        due = moderation.moderation_due(queryset, action=action)
        left = selected - changed - due
        done = moderation.ACTIONS[action].done
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

    @admin.action(
        description=default_delete_selected.short_description, permissions=["delete"]
    )
    def delete_selected(self, request, queryset):
        """Django's delete, refused up front when a selected comment has replies."""
        try:
            with transaction.atomic():
                moderation.check_deletable(queryset)
                return default_delete_selected(self, request, queryset)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None

    def delete_queryset(self, request, queryset):
        for comment in queryset:
            moderation.comment_delete(comment=comment)

    def delete_model(self, request, obj):
        moderation.comment_delete(comment=obj)

    def delete_view(self, request, object_id, extra_context=None):
        comment = self.get_object(request, unquote(object_id))
        try:
            if comment is not None:
                moderation.check_deletable(Comment.objects.filter(pk=comment.pk))
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            # Also when a reply arrived after the confirmation page was shown.
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(self.change_url(request, comment))

    def save_model(self, request, obj, form, change):
        if form.changed_data:
            moderation.comment_edit(
                comment=obj,
                body=obj.body,
                author_name=obj.author_name,
                email=obj.email,
                editor=request.user,
            )
