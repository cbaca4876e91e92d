"""newsroom.middleware: unreadable form data and pages that showed a reader a message."""

import logging

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from comments.models import Comment
from tests.helpers import make_article

pytestmark = pytest.mark.django_db

UNREADABLE = {
    "form declaring latin1": (
        "application/x-www-form-urlencoded; charset=latin1", b"name=R%E9my&body=Caf%E9"
    ),
    "too many fields": (
        "application/x-www-form-urlencoded", b"&".join(b"f%d=1" % n for n in range(1200))
    ),
    "multipart without a boundary": ("multipart/form-data", b"name=x"),
    "body over the size limit": ("application/x-www-form-urlencoded", b"body=" + b"x" * 3_000_000),
}


@pytest.fixture
def attacker():
    """Any CSRF cookie at all: Django reads the body to compare the token with it.

    The test client re-raises any exception a request raised, so a 500 fails loudly.
    """
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "x" * 32
    return client


@pytest.mark.parametrize("kind", UNREADABLE)
@pytest.mark.parametrize("path", ["comment/", "comments/999999/report/", "no-such-page/"])
def test_unreadable_form_data_gets_the_400_page_and_one_log_line(attacker, kind, path, caplog):
    article = make_article()
    content_type, body = UNREADABLE[kind]

    with caplog.at_level(logging.INFO):
        response = attacker.generic(
            "POST", f"/articles/{article.slug}/{path}", body, content_type=content_type
        )

    assertContains(response, "That request could not be understood", status_code=400)
    assert "Content-Security-Policy" in response.headers
    ours = [r for r in caplog.records if r.name.startswith("newsroom")]
    assert [r.getMessage().split(":")[0] for r in ours] == [
        f"unreadable form data on /articles/{article.slug}/{path} from 127.0.0.1"
    ]
    assert not any(r.exc_info for r in caplog.records), "a traceback was logged"
    assert not Comment.objects.exists()


def test_a_readable_post_still_reaches_the_view(client):
    article = make_article()

    response = client.post(
        f"/articles/{article.slug}/comment/", {"name": "Rémy", "body": "Café", "website": ""}
    )

    assert response.status_code == 303
    assert Comment.objects.get().author_name == "Rémy"


def test_a_page_that_showed_a_message_is_private_and_never_stored(client):
    article = make_article()
    client.post(f"/articles/{article.slug}/comment/", {"name": "R", "body": "Hi", "website": ""})

    shown = client.get("/")
    after = client.get("/")

    assertContains(shown, "Your comment has been posted.")
    assert shown["Cache-Control"] == "private, no-store"
    assert "no-store" not in after.get("Cache-Control", "")
