"""newsroom/errors.py: an unreachable database answers 503 "try again" and keeps what was sent."""

import logging
import re
from contextlib import contextmanager
from html import unescape

import pytest
from django.db import OperationalError, connection
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment
from tests.helpers import csrf_token, make_article

pytestmark = pytest.mark.django_db

_FORM_FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@contextmanager
def database_down():
    """Every query fails as it does while PostgreSQL restarts."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection failed: Connection refused\n\tIs the server running?")

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture(autouse=True)
def error_pages_reach_the_reader(reader):
    """A browser sees the error page; the test client would re-raise the error instead."""
    reader.raise_request_exception = False


@pytest.mark.parametrize("url", ["/", "/articles/story/", "/articles/story/comment/"])
def test_pages_answer_503_try_again_while_the_database_is_unreachable(reader, url, caplog):
    make_article(slug="story")

    with database_down(), caplog.at_level(logging.WARNING, logger="newsroom.errors"):
        response = reader.get(url)

    assertContains(response, "Try again in a moment", status_code=503)
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    assert [r.getMessage() for r in caplog.records if r.name == "newsroom.errors"] == [
        f"database unavailable on GET {url} (connection failed: Connection refused): answered 503"
    ]


def test_a_post_while_the_database_is_unreachable_comes_back_in_a_form_that_sends_it_again(
    reader,
):
    make_article(slug="story")
    token = csrf_token(reader.get("/articles/story/comment/"))
    sent = {"name": "Ada <3", "email": "", "body": 'First line & "quotes"\n\nSecond.',
            "website": "", "csrfmiddlewaretoken": token}

    with database_down():
        refused = reader.post("/articles/story/comment/", sent)

    assertContains(refused, 'action="/articles/story/comment/"', status_code=503)
    assertContains(refused, "First line &amp; &quot;quotes&quot;", status_code=503)
    assert "no-store" in refused["Cache-Control"]
    again = {name: unescape(value) for name, value in _FORM_FIELD.findall(refused.text)}
    assert {name: again[name] for name in ("name", "email", "body", "website")} == {
        name: sent[name] for name in ("name", "email", "body", "website")
    }
    response = reader.post("/articles/story/comment/", again)
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert (comment.author_name, comment.body) == ("Ada <3", sent["body"])


def test_a_session_that_cannot_be_saved_for_an_unreachable_database_answers_503_not_400(
    reader,
):
    make_article(slug="story")
    token = csrf_token(reader.get("/articles/story/comment/"))
    sent = {"name": "Ada", "email": "", "website": "", "csrfmiddlewaretoken": token}
    reader.post("/articles/story/comment/", {**sent, "body": "First."})  # starts the session

    def refuse_session_updates(execute, sql, params, many, context):
        if sql.startswith('UPDATE "django_session"'):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_session_updates):
        response = reader.post("/articles/story/comment/", {**sent, "body": "Second."})

    assertContains(response, "Try again in a moment", status_code=503)
    assertContains(response, "Second.", status_code=503)


def test_a_password_sent_while_the_database_is_unreachable_is_not_written_into_the_page(reader):
    token = csrf_token(reader.get("/admin/login/"))

    with database_down():
        response = reader.post(
            "/admin/login/",
            {"username": "mod", "password": "hunter2-secret", "csrfmiddlewaretoken": token},
        )

    assertContains(response, 'name="username" value="mod"', status_code=503)
    assertNotContains(response, "hunter2-secret", status_code=503)


def test_other_failures_still_answer_the_plain_500_page(reader, monkeypatch):
    make_article(slug="story")

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("comments.discussion.discussion_pages", broken)
    response = reader.get("/articles/story/")

    assertContains(response, "Something went wrong on our side", status_code=500)
