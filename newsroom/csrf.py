"""CSRF tokens for the pages served most, made with one read of the OS's random source.

Django's ``get_token`` draws each of the 64 characters of a new reader's secret
and mask with a call of its own to the OS's random source: about 100 µs, as
much as the rest of serving a cached article page. ``csrf_token`` makes the
same token, the secret in ``request.META`` for ``CsrfViewMiddleware`` to set
as the cookie and the mask applied as ``django.middleware.csrf`` applies it,
so the middleware checks it like any other (the tests post with one).

Kept (issue 13, same sitting, 2 runs each, busy machine): for a reader without
a secret, ``get_token`` took 199-400 µs against 61-69 µs here, on a warm page
of 1.1-1.9 ms (bench/README.md).
"""

import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_INDEX = {char: i for i, char in enumerate(CSRF_ALLOWED_CHARS)}
# The largest multiple of the alphabet's size a byte can hold: bytes at or past
# it are skipped, so every character stays equally likely.
_BYTE_LIMIT = 256 - 256 % len(CSRF_ALLOWED_CHARS)


def csrf_token(request) -> str:
    """``django.middleware.csrf.get_token``, faster for a reader without a secret yet."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = _random_chars(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_chars(CSRF_SECRET_LENGTH)
    size = len(CSRF_ALLOWED_CHARS)
    pairs = zip(secret, mask, strict=True)
    cipher = "".join(CSRF_ALLOWED_CHARS[(_INDEX[s] + _INDEX[m]) % size] for s, m in pairs)
    return mask + cipher


def _random_chars(count: int) -> str:
    chars = ""
    while len(chars) < count:
        chars += "".join(
            CSRF_ALLOWED_CHARS[byte % len(CSRF_ALLOWED_CHARS)]
            for byte in os.urandom(2 * count)
            if byte < _BYTE_LIMIT
        )
    return chars[:count]
