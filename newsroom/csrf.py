"""Cross-site request forgery protection for the forms of the page every reader shares.

The anonymous article page is one set of bytes for every reader, so that nginx
(or a CDN) can serve it from its cache: it carries no CSRF token and sets no
cookie. Its forms (the comment form, the reply form script copies from it, the
Respect buttons) post to views that check where the request comes from
instead, as Go 1.25's ``http.CrossOriginProtection`` does:

- ``Sec-Fetch-Site`` (Fetch Metadata, sent by every major browser since 2023)
  is set by the browser, never by a page's script: ``same-origin`` or ``none``
  (typed in, a bookmark) passes; anything else (``cross-site``, ``same-site``)
  is refused, unless ``Origin`` is one of ``CSRF_TRUSTED_ORIGINS``.
- Without it, ``Origin`` must be this site (scheme and host) or a trusted one.
- Without either (a browser too old for both, or a client that is no browser)
  the request needs Django's token, as every other form does: a reader whose
  post from the shared page is refused this way is sent to the form's own
  page, which is personal and carries a token (``newsroom.errors.csrf_failure``).

Every other form of the site (accounts, reports, edits, the admin) keeps
Django's token check alone.
"""

from django.middleware.csrf import REASON_BAD_ORIGIN, CsrfViewMiddleware
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt

REASON_CROSS_SITE = "Sec-Fetch-Site says %s."
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
# What a browser says of a request a page of this very origin made, or that
# no page made (an address typed in, a bookmark).
_OWN_SITE = ("same-origin", "none")


class _CrossOriginCheck(CsrfViewMiddleware):
    # Read from the settings on each request, not once: this instance lives as long
    # as the view it decorates, and the trusted origins may be set after (in tests).
    allowed_origins_exact = property(CsrfViewMiddleware.allowed_origins_exact.func)
    allowed_origin_subdomains = property(CsrfViewMiddleware.allowed_origin_subdomains.func)

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if request.method in _SAFE_METHODS:
            return super().process_view(request, callback, callback_args, callback_kwargs)
        site = request.META.get("HTTP_SEC_FETCH_SITE")
        origin = request.META.get("HTTP_ORIGIN")
        if site in _OWN_SITE:
            return self._accept(request)
        if origin is not None and self._origin_verified(request):
            return self._accept(request)
        if site is not None:
            return self._reject(request, REASON_CROSS_SITE % site)
        if origin is not None:
            return self._reject(request, REASON_BAD_ORIGIN % origin)
        return super().process_view(request, callback, callback_args, callback_kwargs)


def same_origin_form(view):
    """Accept the view's posts by where they come from (see the module), not by token."""
    return csrf_exempt(decorator_from_middleware(_CrossOriginCheck)(view))
