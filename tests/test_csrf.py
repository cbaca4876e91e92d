import re
import string

import pytest
from django.core.cache import cache
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client, RequestFactory

from newsroom.csrf import csrf_token
from tests.helpers import make_article

pytestmark = pytest.mark.django_db

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def _post_comment(client, token, body):
    return client.post(
        "/articles/story/comment/",
        {"name": "Ada", "email": "", "body": body, "website": "", "csrfmiddlewaretoken": token},
    )


def test_tokens_are_django_shaped_and_new_each_time():
    request = RequestFactory().get("/")

    tokens = {csrf_token(request) for _ in range(50)}

    assert len(tokens) == 50
    assert all(len(t) == 64 and set(t) <= set(CSRF_ALLOWED_CHARS) for t in tokens)
    assert len(request.META["CSRF_COOKIE"]) == 32
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_secrets_draw_on_the_whole_alphabet():
    drawn = set()
    for _ in range(200):
        request = RequestFactory().get("/")
        csrf_token(request)
        drawn.update(request.META["CSRF_COOKIE"])

    assert drawn == set(string.ascii_letters + string.digits)


def test_a_new_reader_gets_a_cookie_and_a_token_the_middleware_accepts():
    make_article(slug="story")
    client = Client(enforce_csrf_checks=True)

    page = client.get("/articles/story/")
    token = _TOKEN.search(page.content.decode())[1]

    assert "csrftoken" in page.cookies
    assert _post_comment(client, token, "Through a fresh token").status_code == 303


def test_a_reader_with_a_cookie_keeps_it_and_every_token_works():
    make_article(slug="story")
    client = Client(enforce_csrf_checks=True)
    client.get("/articles/story/")
    secret = client.cookies["csrftoken"].value

    first = _TOKEN.search(client.get("/articles/story/").content.decode())[1]
    second = _TOKEN.search(client.get("/articles/story/").content.decode())[1]

    assert first != second
    assert client.cookies["csrftoken"].value == secret
    assert _post_comment(client, first, "With the first token").status_code == 303
    assert _post_comment(client, second, "With the second token").status_code == 303


def test_a_token_made_for_another_reader_is_refused():
    make_article(slug="story")
    reader, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    reader.get("/articles/story/")
    token = _TOKEN.search(other.get("/articles/story/").content.decode())[1]

    assert _post_comment(reader, token, "With someone else's token").status_code == 403
