from allauth.account.models import EmailAddress
from allauth.account.views import SignupView as AllauthSignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from readers import services
from readers.forms import DisplayNameForm
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
    """The display name, and the ways to the email address, the password, the
    reader's comments and deletion (those two are comments' pages)."""
    user = request.user
    form = DisplayNameForm(
        _posted(request), user=user, initial={"display_name": user_display(user)}
    )
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
    context = {"form": form, "email": EmailAddress.objects.get_primary(user)}
    return render(request, "readers/settings.html", context, status=400 if form.errors else 200)


def _posted(request):
    """The form's data on a POST, even an empty one: a POST without the field is an error."""
    return request.POST if request.method == "POST" else None
