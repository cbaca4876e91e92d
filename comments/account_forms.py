from django import forms
from django.utils.translation import gettext_lazy as _


class AccountDeleteForm(forms.Form):
    comments = forms.TypedChoiceField(
        label=_("Your comments"),
        choices=[
            ("keep", _("Keep their text, shown under “deleted account”")),
            (
                "remove",
                _("Remove their text; replies to them stay, under “This comment was removed.”"),
            ),
        ],
        coerce=lambda choice: choice == "keep",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happens to your comments.")},
    )
    confirm = forms.BooleanField(
        label=_("Yes, delete my account. This cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
