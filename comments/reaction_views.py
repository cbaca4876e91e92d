"""The Respect button: a POST from the thread's button, answered with a redirect back
to the comment, or with JSON for the page's script (``Accept: application/json``)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comments import reactions, selectors
from comments.views import comment_location
from newsroom.csrf import same_origin_form


@require_POST
@same_origin_form
def comment_respect(request, slug, pk):
    """Give or take back the reader's respect; a guest is sent to sign in and back."""
    comment = get_object_or_404(
        selectors.visible_comments().select_related("article"), pk=pk, article__slug=slug
    )
    wants_json = "application/json" in request.headers.get("Accept", "")
    place = comment_location(comment)
    if not request.user.is_authenticated:
        login = redirect_to_login(place)
        if wants_json:
            message = _("Sign in to respect comments.")
            return JsonResponse({"error": message, "login": login.url}, status=401)
        return login
    try:
        result = reactions.respect_toggle(
            comment_id=comment.pk,
            user=request.user,
            respects_per_minute=settings.NEWSROOM_RESPECTS_PER_MINUTE,
        )
    except ValidationError as error:
        status = 429 if error.code == "flood" else 400
        message = " ".join(error.messages)
        if wants_json:
            return JsonResponse({"error": message}, status=status)
        context = {"article": comment.article, "message": message, "place": place}
        return render(request, "comments/respect_refused.html", context, status=status)
    if wants_json:
        return JsonResponse({"respected": result.respected, "count": result.count})
    if result.respected:
        messages.success(request, _("You respect this comment."))
    else:
        messages.info(request, _("You took your respect back."))
    return HttpResponseRedirect(place, status=303)
