"""The queue's filters, action form and inline."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from comments.models import Report


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
