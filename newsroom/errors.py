"""What a reader gets when something on the site's side fails.

A database that cannot be reached (restarting, failing over, out of
connections) is a passing state, not a bug and not bad input: the reader gets
a 503 that says to try again, with what they sent kept in a form that sends it
again, and the log gets one line.
"""

import logging
import sys

from django.db import OperationalError
from django.http import HttpResponse, HttpResponseForbidden
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views import defaults

logger = logging.getLogger("newsroom.errors")

RETRY_AFTER_SECONDS = 5


def server_error(request):
    """``handler500``: 503 when the database is unreachable, Django's 500 page otherwise.

    Django calls it inside the ``except`` that caught the error, so the error
    is still at hand.
    """
    error = _unreachable_database(sys.exc_info()[1])
    if error is not None:
        return database_unavailable(request, error)
    return defaults.server_error(request)


def bad_request(request, exception):
    """``handler400``: Django answers 400 when it cannot save a reader's session, even
    when the database was unreachable; that is not bad input, so it gets the 503."""
    error = _unreachable_database(exception)
    if error is not None:
        return database_unavailable(request, error)
    return defaults.bad_request(request, exception)


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: a refused form, with the reader's text kept to copy and,
    for a form that has a page of its own, a link to it (personal, so with a token:
    the way on for a browser that sends neither ``Sec-Fetch-Site`` nor ``Origin``)."""
    text = request.POST.get("body", "") if request.method == "POST" else ""
    context = {"text": text, "form_page": request.path if text else ""}
    response = HttpResponseForbidden(render_to_string("403_csrf.html", context, request))
    patch_cache_control(response, private=True, no_store=True)
    return response


def _unreachable_database(error: BaseException | None) -> OperationalError | None:
    """The database error behind ``error``, if one is in its chain."""
    while error is not None and not isinstance(error, OperationalError):
        error = error.__cause__ or error.__context__
    return error


def database_unavailable(request, error: OperationalError) -> HttpResponse:
    """The 503 page, rendered without the request: its context processors
    (the reader's account, their messages) would read the database."""
    logger.warning(
        "database unavailable on %s %s (%s): answered 503",
        request.method, request.path, str(error).strip().partition("\n")[0],
    )
    context = {}
    if request.method == "POST":
        context = {
            "action": request.get_full_path(),
            "csrf_token": get_token(request),
            # Sent again as they came; a password is never written into a page.
            "fields": [
                (name, value)
                for name, values in request.POST.lists()
                if name != "csrfmiddlewaretoken" and "password" not in name
                for value in values
            ],
            "text": request.POST.get("body", ""),
        }
    response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, private=True, no_store=True)
    return response
