"""Posting rules in the admin: one row, for administrators, every change recorded
in its History with who made it and each value before and after."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from comments import desk_rules
from comments.models import DeskRules

_FIELDS = [
    "blocked_words", "watched_words", "max_links", "premoderation", "report_threshold",
    "posts_per_minute",
]


@admin.register(DeskRules)
class DeskRulesAdmin(admin.ModelAdmin):
    fields = [*_FIELDS, "changed_by", "changed_at"]
    readonly_fields = ["changed_by", "changed_at"]

    def has_delete_permission(self, request, obj=None):
        # Without the row the environment's values would quietly return.
        return False

    def changelist_view(self, request, extra_context=None):
        # One row: the list is its form (the environment's values until first saved).
        if _saved():
            return _change_form()
        return HttpResponseRedirect(reverse("admin:comments_deskrules_add"))

    def add_view(self, request, form_url="", extra_context=None):
        if _saved():
            return _change_form()
        return super().add_view(request, form_url, extra_context)

    def get_changeform_initial_data(self, request):
        first = DeskRules.from_settings()
        return {name: getattr(first, name) for name in _FIELDS}

    def save_model(self, request, obj, form, change):
        obj.changed_by, obj.changed_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
        desk_rules.forget()

    def construct_change_message(self, request, form, formsets, add=False):
        """Each rule that changed, before and after: the History says what changed."""
        changes = [
            _("%(rule)s: “%(before)s” → “%(after)s”")
            % {
                "rule": form.fields[name].label,
                "before": _shown(form.initial.get(name)),
                "after": _shown(form.cleaned_data[name]),
            }
            for name in _FIELDS
            if name in form.changed_data
        ]
        return "; ".join(changes) or _("No change.")


def _saved() -> bool:
    return DeskRules.objects.filter(pk=DeskRules.SINGLETON).exists()


def _change_form() -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("admin:comments_deskrules_change", args=[DeskRules.SINGLETON])
    )


def _shown(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""
