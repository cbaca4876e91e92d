import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from comments.models import Comment, Report
from newsroom.text import clean_text
from readers.names import is_reserved


def _plain(value: str) -> str:
    return clean_text(value).replace("\r\n", "\n").replace("\r", "\n")


class CommentBodyForm(forms.Form):
    """A comment's words, as posted or edited."""

    body = forms.CharField(
        label=_("Comment"),
        max_length=settings.NEWSROOM_MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write something before posting.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Browsers must not truncate a long paste silently: the server says
        # how long it is instead, and keeps the text.
        self.fields["body"].widget.attrs.pop("maxlength", None)

    def clean_body(self):
        body = _plain(self.cleaned_data["body"]).strip()
        if not body:
            raise forms.ValidationError(_("Write something before posting."), code="required")
        return body


class CommentForm(CommentBodyForm):
    field_order = ["name", "email", "notify", "body", "website"]
    name = forms.CharField(
        label=_("Name"),
        max_length=Comment._meta.get_field("author_name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter the name to show with your comment.")},
    )
    email = forms.EmailField(
        label=_("Email (optional, never shown)"),
        required=False,
        max_length=Comment._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    notify = forms.BooleanField(
        label=_("Email me replies (we first mail you a link to confirm the address)"),
        required=False,
    )
    # A field people never see; bots that fill every input give themselves away.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            # The account's display name is the name; its address is known.
            del self.fields["name"], self.fields["email"], self.fields["notify"]

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_name(self):
        name = re.sub(r"\s+", " ", _plain(self.cleaned_data["name"])).strip()
        if not name:
            raise forms.ValidationError(
                _("Enter the name to show with your comment."), code="required"
            )
        if is_reserved(name):
            raise forms.ValidationError(
                _(
                    "“%(name)s” belongs to a reader with an account or to the staff. "
                    "Sign in to post under it, or choose another name; your text is kept."
                ),
                code="reserved",
                params={"name": name},
            )
        return name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notify") and not cleaned.get("email") and "email" not in self.errors:
            self.add_error(
                "email",
                forms.ValidationError(
                    _("Enter your email address to be mailed replies, or untick the box."),
                    code="required_for_notify",
                ),
            )
        return cleaned


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this comment?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything moderators should know (optional)"),
        required=False,
        max_length=Report._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
