"""EMAIL_URL and the mail it configures, down to a real SMTP server (README, "Accounts")."""

import re
import runpy
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from newsroom.email_url import parse_email_url
from tests.servers import free_port

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_smtp_url_names_host_port_credentials_and_tls():
    assert parse_email_url("smtp://news%40example.com:p%3Ass%2Fw@mail.example:2525?tls=1") == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.example",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "news@example.com",
        "EMAIL_HOST_PASSWORD": "p:ss/w",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://mail.example", 25, False, False),
        ("smtp://mail.example?tls=1", 587, True, False),
        ("smtp://mail.example?ssl=1", 465, False, True),
        ("smtp://mail.example:26?ssl=true&tls=0", 26, False, True),
    ],
)
def test_smtp_url_defaults_the_port_to_the_way_it_connects(url, port, tls, ssl):
    parsed = parse_email_url(url)
    assert (parsed["EMAIL_PORT"], parsed["EMAIL_USE_TLS"], parsed["EMAIL_USE_SSL"]) == (
        port, tls, ssl,
    )
    assert (parsed["EMAIL_HOST_USER"], parsed["EMAIL_HOST_PASSWORD"]) == ("", "")


def test_console_url_prints_and_file_url_names_an_absolute_folder():
    assert parse_email_url("console:") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
    assert parse_email_url("file:///var/spool/news%20mail") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": "/var/spool/news mail",
    }


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("gopher://mail.example", "must start with smtp://"),
        ("mail.example", "must start with smtp://"),
        ("smtps://mail.example", "must start with smtp://"),
        ("smtp://", "needs a host"),
        ("smtp://mail.example:port", "port must be a number"),
        ("smtp://mail.example?tls=1&ssl=1", "not both"),
        ("smtp://mail.example?tls=maybe", "tls takes 1 or 0"),
        ("smtp://mail.example?starttls=1", "unknown options"),
        ("console:stdout", "console: alone"),
        ("console:?x=1", "takes no options"),
        ("file://mail.example/var/mail", "absolute folder"),
        ("file:relative/folder", "absolute folder"),
    ],
)
def test_an_email_url_that_cannot_be_read_fails_loudly(url, says):
    with pytest.raises(ImproperlyConfigured, match=re.escape(says)):
        parse_email_url(url)


def test_an_error_never_repeats_the_password():
    with pytest.raises(ImproperlyConfigured) as error:
        parse_email_url("smtp://user:hunter2@mail.example:port")
    assert "hunter2" not in str(error.value)


@pytest.fixture
def run_settings(monkeypatch):
    """newsroom/settings.py run afresh with the given variables set (or unset, as None)."""

    def run(**env) -> dict:
        for name, value in env.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        return runpy.run_path(str(settings.BASE_DIR / "newsroom" / "settings.py"))

    return run


def test_settings_read_email_url_and_the_from_address(run_settings):
    values = run_settings(EMAIL_URL="smtp://mail.example?tls=1", DEFAULT_FROM_EMAIL="news@x.test")

    assert (values["EMAIL_BACKEND"], values["EMAIL_HOST"], values["EMAIL_USE_TLS"]) == (
        SMTP, "mail.example", True,
    )
    assert values["DEFAULT_FROM_EMAIL"] == "news@x.test"


def test_without_email_url_mail_goes_to_smtp_on_this_machine(run_settings):
    values = run_settings(EMAIL_URL=None, DEFAULT_FROM_EMAIL=None)

    assert (values["EMAIL_BACKEND"], values["EMAIL_HOST"], values["EMAIL_PORT"]) == (
        SMTP, "localhost", 25,
    )
    assert values["DEFAULT_FROM_EMAIL"] == "webmaster@localhost"


def test_startup_fails_on_an_unknown_email_url_scheme(run_settings):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must start with"):
        run_settings(EMAIL_URL="sendmail://localhost")


def test_email_verification_is_mandatory_unless_set_optional(run_settings):
    verification = "NEWSROOM_ACCOUNT_EMAIL_VERIFICATION"
    assert run_settings(**{verification: None})["ACCOUNT_EMAIL_VERIFICATION"] == "mandatory"
    assert run_settings(**{verification: " Optional "})["ACCOUNT_EMAIL_VERIFICATION"] == "optional"
    with pytest.raises(ImproperlyConfigured, match=f"{verification} must be one of"):
        run_settings(**{verification: "none"})


class Inbox:
    """An SMTP server's handler that keeps what it is sent, and who logged in."""

    def __init__(self):
        self.messages = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"s:cret")


@pytest.fixture
def smtp_inbox():
    """A real SMTP server on 127.0.0.1 that wants a login (no TLS: it is loopback only)."""
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(),
        authenticator=inbox.authenticate, auth_required=True, auth_require_tls=False,
    )
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_sign_up_verification_arrives_over_smtp_and_its_link_verifies(client, smtp_inbox):
    inbox, port = smtp_inbox
    mail_settings = parse_email_url(f"smtp://news%40example.com:s%3Acret@127.0.0.1:{port}")

    with override_settings(
        **mail_settings, EMAIL_TIMEOUT=10, DEFAULT_FROM_EMAIL="Newsroom <news@example.com>"
    ):
        client.post(
            "/accounts/signup/",
            {"email": "ada@example.com", "display_name": "Ada", "password1": "a long passphrase"},
        )

    assert inbox.logins == [("news@example.com", "s:cret")]
    (message,) = inbox.messages
    assert (message["To"], message["From"]) == ("ada@example.com", "Newsroom <news@example.com>")
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", text)[1]
    client.post(link)
    assert EmailAddress.objects.get(email="ada@example.com").verified
