"""A reader's own place: their public profile, their comments as they see them,
and deleting their account, which decides what becomes of those comments."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from comments.account_forms import AccountDeleteForm
from comments.accounts import reader_delete
from comments.rules import reason_for_author
from comments.selectors import reader_comments
from comments.views import comment_location
from readers.models import Profile
from readers.names import name_key

COMMENTS_PER_PAGE = 20


@require_safe
def reader_profile(request, name):
    """A reader's published comments, newest first, by display name (as folded for
    comparison, so any way of writing it finds them). 404 for no such reader, or one
    who deleted their account."""
    key = name_key(name)
    profile = (
        Profile.objects.select_related("user").filter(name_key=key, deleted__isnull=True).first()
        if key
        else None
    )
    if profile is None:
        raise Http404(_("No reader has this name."))
    page = _page(request, reader_comments(profile.user))
    return render(request, "comments/reader_profile.html", {"profile": profile, **page})


@require_safe
@never_cache
@login_required
def my_comments(request):
    """The signed-in reader's comments, held ones too, each with why it is held."""
    page = _page(request, reader_comments(request.user, own=True))
    return render(request, "comments/my_comments.html", page)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@login_required
@reauthentication_required(allow_get=True)
def account_delete(request):
    """GET explains what deletion erases and asks what becomes of the comments;
    POST, after a recent password, does it."""
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        reader_delete(user=request.user, keep_text=form.cleaned_data["comments"])
        logout(request)
        messages.success(request, _("Your account is deleted."))
        return redirect("/")
    status = 400 if form.errors else 200
    return render(request, "comments/account_delete.html", {"form": form}, status=status)


def _page(request, comments) -> dict:
    """The page of ``comments`` asked for (a page number past the end or not a
    number gives the last or first), each with where it sits in its thread and
    what its author is told of why it is held."""
    page_obj = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    located = [
        (comment, comment_location(comment), reason_for_author(comment.moderation_reason))
        for comment in page_obj
    ]
    return {"page_obj": page_obj, "comments": located}
