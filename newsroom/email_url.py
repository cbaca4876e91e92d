"""``EMAIL_URL``: where the site's mail goes, as one URL (README, "Accounts").

- ``smtp://user:password@host:port`` sends over SMTP; ``?tls=1`` starts TLS on
  the connection (STARTTLS, port 587 by default), ``?ssl=1`` opens it over TLS
  (port 465 by default); user and password are percent-decoded;
- ``console:`` prints each message to the console;
- ``file:///path`` writes each message to a file in that folder.

Hand-written rather than taken from dj-email-url (its last release is from
2022): that parser turns ``file:///var/mail`` into the relative path
``var/mail``, and leaves an unknown scheme without a backend, so Django
quietly falls back to SMTP on localhost. Here anything it cannot read fails at
startup, naming the problem but never the password.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def parse_email_url(url: str) -> dict:
    """The Django settings (``EMAIL_BACKEND``, ``EMAIL_HOST``, …) that ``url`` stands for."""
    parts = urlsplit(url.strip())
    backend = BACKENDS.get(parts.scheme)
    if backend is None:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, console: or file://, not {parts.scheme!r}"
        )
    if parts.scheme == "smtp":
        return {"EMAIL_BACKEND": backend, **_smtp(parts)}
    if parts.query or parts.fragment:
        raise ImproperlyConfigured(f"EMAIL_URL: {parts.scheme}: takes no options")
    if parts.scheme == "console":
        if parts.netloc or parts.path:
            raise ImproperlyConfigured("EMAIL_URL: write console: alone")
        return {"EMAIL_BACKEND": backend}
    if parts.netloc or not parts.path.startswith("/"):
        raise ImproperlyConfigured("EMAIL_URL: a file URL names an absolute folder: file:///path")
    return {"EMAIL_BACKEND": backend, "EMAIL_FILE_PATH": unquote(parts.path)}


def _smtp(parts) -> dict:
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL: smtp:// needs a host, as in smtp://mail.example")
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(options) - {"tls", "ssl"}
    if unknown:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown options {sorted(unknown)}; use tls or ssl")
    tls, ssl = _flag(options, "tls"), _flag(options, "ssl")
    if tls and ssl:
        raise ImproperlyConfigured("EMAIL_URL: choose tls=1 (STARTTLS) or ssl=1, not both")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL: the port must be a number") from None
    return {
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if ssl else 587 if tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
    }


def _flag(options: dict, name: str) -> bool:
    values = options.get(name, ["0"])
    value = values[-1].strip().lower()
    if len(values) > 1 or value not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"EMAIL_URL: {name} takes 1 or 0, once")
    return value in _TRUE
