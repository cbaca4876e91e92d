import string

import pytest
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client, RequestFactory
from pytest_django.asserts import assertContains

from comments.models import Comment
from newsroom.csrf import csrf_token
from tests import helpers
from tests.helpers import make_article, submit

pytestmark = pytest.mark.django_db


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


def test_a_new_reader_gets_a_cookie_and_a_token_the_middleware_accepts(reader):
    article = make_article(slug="story")

    page = reader.get("/articles/story/")
    token = helpers.csrf_token(page)

    assert "csrftoken" in page.cookies
    response = submit(reader, article, "Through a fresh token", csrfmiddlewaretoken=token)
    assert response.status_code == 303


def test_a_reader_with_a_cookie_keeps_it_and_every_token_works(reader):
    article = make_article(slug="story")
    reader.get("/articles/story/")
    secret = reader.cookies["csrftoken"].value

    first = helpers.csrf_token(reader.get("/articles/story/"))
    second = helpers.csrf_token(reader.get("/articles/story/"))

    assert first != second
    assert reader.cookies["csrftoken"].value == secret
    for n, token in enumerate([first, second]):
        assert submit(reader, article, f"Token {n}", csrfmiddlewaretoken=token).status_code == 303


def test_a_token_made_for_another_reader_is_refused(reader):
    article = make_article(slug="story")
    reader.get("/articles/story/")
    token = helpers.csrf_token(Client(enforce_csrf_checks=True).get("/articles/story/"))

    response = submit(reader, article, "With someone else's token", csrfmiddlewaretoken=token)

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_post_without_csrf_token_is_refused(reader):
    make_article(slug="story")

    response = reader.post("/articles/story/comment/", {"name": "A", "body": "x"})

    assert response.status_code == 403
    assertContains(response, "This form has expired", status_code=403)
    assert not Comment.objects.exists()


def test_post_with_a_token_but_no_csrf_cookie_is_refused_with_403(reader):
    make_article(slug="story")
    token = helpers.csrf_token(Client(enforce_csrf_checks=True).get("/articles/story/"))

    response = reader.post("/articles/story/comment/", {"name": "A", "body": "x",
                                                         "csrfmiddlewaretoken": token})

    assert response.status_code == 403
    assert not Comment.objects.exists()
