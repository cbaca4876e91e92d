"""A reader's pages for their own comment: edit it (within the edit window) and delete it.

Someone else's comment, or one the reader no longer sees, answers 404 as if it
did not exist. Every refusal re-renders the page with the reader's text.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comments import authoring, sessions
from comments.forms import CommentBodyForm
from comments.models import Comment
from comments.templatetags.comment_text import comment_body
from comments.views import comment_location, reader_form
from newsroom.client import client_ip

logger = logging.getLogger("newsroom.comments")
# The status a refused edit answers with, by the refusal's code.
_REFUSED = {"flood": 429, "edit_window": 403, "closed": 403, "gone": 409}


def _own_comment(request, slug: str, pk: int) -> Comment:
    comment = (
        Comment.objects.filter(pk=pk, article__slug=slug, status__in=authoring.CHANGEABLE)
        .select_related("article")
        .defer("article__source_text")
        .first()
    )
    posted = sessions.own_posted_ids(request)
    if comment is None or not authoring.owns(comment, user=request.user, posted_ids=posted):
        raise Http404(_("No comment of yours here."))
    return comment


def _wants_json(request) -> bool:
    # The page's script edits in place and asks for the new words alone.
    return "application/json" in request.headers.get("Accept", "")


@require_http_methods(["GET", "HEAD", "POST"])
@reader_form
def comment_edit(request, slug, pk):
    """The edit form (GET) and the edit (POST): 303 to the comment, or JSON of its
    new words for the page's script; a refusal keeps the text (400, 403 out of
    the window or where comments closed, 429 when flooding)."""
    comment = _own_comment(request, slug, pk)
    form = CommentBodyForm(request.POST or None, initial={"body": comment.body})
    refusal = authoring.edit_refusal(comment)
    status = 200
    if refusal is not None:
        status = 403
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                comment = authoring.comment_revise(
                    comment=comment,
                    body=form.cleaned_data["body"],
                    editor=request.user if request.user.is_authenticated else None,
                    ip_address=client_ip(request),
                    posts_per_minute=settings.NEWSROOM_POSTS_PER_MINUTE,
                )
            except ValidationError as error:
                logger.info("edit refused on %s (%s)", request.path, error.code)
                form.add_error("body" if error.code in {"blocked", "flood"} else None, error)
                status = _REFUSED.get(error.code, 400)
            else:
                return _edited(request, comment)
    return render(
        request,
        "comments/comment_edit.html",
        {
            "article": comment.article,
            "comment": comment,
            "form": form,
            "refusal": refusal,
            "until": authoring.editable_until(comment.created),
        },
        status=status,
    )


def _edited(request, comment: Comment):
    sessions.remember_held(request, comment)
    held = comment.status == Comment.Status.PENDING
    said = _("Your comment is awaiting moderation.") if held else _("Your comment was edited.")
    if _wants_json(request):
        return JsonResponse(
            {"body_html": str(comment_body(comment.body)), "awaiting": held, "message": said}
        )
    messages.success(request, said)
    return HttpResponseRedirect(comment_location(comment), status=303)


@require_http_methods(["GET", "HEAD", "POST"])
@reader_form
def comment_delete(request, slug, pk):
    """A confirmation page (GET), then the delete (POST), which takes the reader
    back to where the comment was."""
    comment = _own_comment(request, slug, pk)
    if request.method == "POST":
        try:
            comment = authoring.comment_withdraw(comment=comment)
        except ValidationError as error:
            raise Http404(error.messages[0]) from None
        messages.success(request, _("Your comment was deleted."))
        parent = comment.parent
        if parent is not None and parent.status == Comment.Status.PUBLISHED:
            return HttpResponseRedirect(comment_location(parent), status=303)
        return HttpResponseRedirect(f"{comment.article.get_absolute_url()}#discussion", status=303)
    return render(
        request,
        "comments/comment_delete.html",
        {
            "article": comment.article,
            "comment": comment,
            "has_replies": not comment.is_leaf_node(),
        },
    )
