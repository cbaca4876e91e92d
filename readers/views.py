from allauth.account.models import EmailAddress
from allauth.account.views import SignupView as AllauthSignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from readers import preferences, services
from readers.forms import DisplayNameForm, NotificationsForm
from readers.names import user_display


class SignupView(AllauthSignupView):
    """allauth's sign-up page, where a name someone took between the form's
    check and the save comes back as the form's error, with what was typed."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error("display_name", error)
            return self.form_invalid(form)


@never_cache
@login_required
def account_settings(request):
    """The display name and what the reader is mailed, and the ways to the email
    address, the password, the reader's comments and deletion (those two are
    comments' pages). Each form posts with its own button."""
    user = request.user
    posted = _posted(request)
    form = DisplayNameForm(
        None if posted is None or "notifications" in posted else posted,
        user=user,
        initial={"display_name": user_display(user)},
    )
    profile = getattr(user, "profile", None)
    mail_form = NotificationsForm(
        posted if posted is not None and "notifications" in posted else None,
        initial={
            "notify_replies": profile is not None and profile.notify_replies,
            "notify_moderation": profile is not None and profile.notify_moderation,
        },
    )
    if mail_form.is_valid():
        preferences.notifications_set(
            user_id=user.pk,
            replies=mail_form.cleaned_data["notify_replies"],
            moderation=mail_form.cleaned_data["notify_moderation"],
        )
        messages.success(request, _("Your mail settings are saved."))
        return redirect("readers:settings")
    if form.is_valid():
        try:
            profile = services.display_name_change(
                user=user, name=form.cleaned_data["display_name"]
            )
        except ValidationError as error:
            form.add_error("display_name", error)
        else:
            messages.success(request, _("Your display name is now %s.") % profile.display_name)
            return redirect("readers:settings")
    context = {
        "form": form,
        "mail_form": mail_form,
        "email": EmailAddress.objects.get_primary(user),
        "feed_token": preferences.replies_feed_token(user),
    }
    return render(request, "readers/settings.html", context, status=400 if form.errors else 200)


def _posted(request):
    """The form's data on a POST, even an empty one: a POST without the field is an error."""
    return request.POST if request.method == "POST" else None
