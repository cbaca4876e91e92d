"""Bans at the moderators' desk: made from the list or from a comment's page
("Ban this author…" opens the add form filled in), at most 30 days for
moderators (``comments.bans.MODERATOR_LIMIT``)."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments import bans
from comments.models import Ban


class BanForm(forms.ModelForm):
    # Set per request by ``BanAdmin.get_form``: the permission to ban for longer.
    may_ban_longer = False

    class Meta:
        model = Ban
        fields = ["user", "email", "network", "until", "reason"]

    def clean(self):
        cleaned = super().clean()
        if not self.may_ban_longer and not bans.within_moderator_limit(cleaned.get("until")):
            self.add_error(
                "until",
                ValidationError(
                    _("Moderators ban for at most 30 days: choose an end within them. "
                      "Longer and permanent bans are for administrators."),
                    code="too_long",
                ),
            )
        return cleaned


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    form = BanForm
    list_display = ["__str__", "ends", "reason", "moderator", "created"]
    list_select_related = ["user", "moderator"]
    search_fields = ["email", "network", "user__username", "user__email", "reason"]
    list_filter = ["created"]
    raw_id_fields = ["user"]
    readonly_fields = ["moderator", "created"]

    @admin.display(description=gettext_lazy("until"), ordering="until")
    def ends(self, ban):
        if ban.permanent:
            return _("Permanent")
        return formats.date_format(timezone.localtime(ban.until), "DATETIME_FORMAT")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.may_ban_longer = request.user.has_perm("comments.add_permanent_ban")
        return form

    def get_changeform_initial_data(self, request):
        # "Ban this author…" passes the account, email or address; the end a
        # moderator may choose at most is the one offered.
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("until", timezone.now() + timedelta(days=30))
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.moderator = request.user
        super().save_model(request, obj, form, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if not add:
            return super().construct_change_message(request, form, formsets, add)
        ban = form.instance
        # The admin home's recent actions say what was done: "Banned …".
        if ban.permanent:
            return _("Banned %(target)s for good: %(reason)s") % {
                "target": ban.target, "reason": ban.reason,
            }
        return _("Banned %(target)s until %(until)s: %(reason)s") % {
            "target": ban.target, "reason": ban.reason, "until": self.ends(ban),
        }
