import logging

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from newsroom.client import client_ip

logger = logging.getLogger("newsroom.requests")

# Everything ships with the project, so the policy can be strict: no inline
# script, no third-party origins. Inline style attributes stay allowed for the
# admin's widgets.
_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", _POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class PrivateMessagesMiddleware:
    """A page that showed the reader a message (after posting or reporting) is theirs
    alone: neither a browser nor a shared cache may keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(get_messages(request), "used", False):
            patch_cache_control(response, private=True, no_store=True)
        return response


class UnreadableFormMiddleware:
    """Answer a POST whose form data cannot be read with the 400 page and one log line.

    Django refuses such a body when it is first read (a form that declares a
    charset other than UTF-8, too many fields, a broken multipart body), and
    its error views read it again through ``requires_csrf_token``: the 400
    page fails, then the 500 page, and the reader gets a bare 500 while the log
    fills with chained tracebacks. Read first, here, before CSRF checking or
    any view: last in MIDDLEWARE, so the answer still gets every header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 - parsed now so a failure is answered here
            except (
                BadRequest, SuspiciousOperation, MultiPartParserError, UnreadablePostError
            ) as error:
                logger.warning(
                    "unreadable form data on %s from %s: %s",
                    request.path, client_ip(request), error,
                )
                return render(request, "400.html", status=400)
        return self.get_response(request)
