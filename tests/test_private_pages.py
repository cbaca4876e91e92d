"""Pages that carry a reader's own data are never stored: ``Cache-Control: private, no-store``.

The anonymous article page every reader shares keeps its own headers (an ETag
and ``private, no-cache``); everything personal is kept out of every cache.
"""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from comments.models import Comment
from tests.helpers import make_article, post, send, submit

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"


def comment_as(reader, article, body="Mine", **fields):
    """Post as Lin, whose name and email the session then remembers."""
    return submit(reader, article, body, **{"name": "Lin", "email": "lin@example.com", **fields})


def test_the_shared_anonymous_article_page_keeps_its_etag_and_is_public_for_a_second(reader):
    article = make_article()

    response = reader.get(article.get_absolute_url())

    assert response["Cache-Control"] == "public, max-age=0, s-maxage=1"
    assert response.has_header("ETag")


def test_the_article_page_after_posting_with_its_message_is_never_stored(reader):
    article = make_article()

    redirect = comment_as(reader, article)
    page = reader.get(redirect["Location"])

    assertContains(page, "Your comment has been posted.")
    assert page["Cache-Control"] == PRIVATE
    assert not page.has_header("ETag")


def test_the_article_page_with_a_remembered_name_and_email_is_never_stored(reader):
    article = make_article()
    comment_as(reader, article)
    reader.get(article.get_absolute_url())

    page = reader.get(article.get_absolute_url())

    assertContains(page, 'value="lin@example.com"')
    assert page["Cache-Control"] == PRIVATE


def test_the_article_page_with_the_readers_held_comment_is_never_stored(reader, settings):
    settings.NEWSROOM_PREMODERATION = True
    article = make_article()
    comment_as(reader, article, "Held words")
    reader.get(article.get_absolute_url())

    page = reader.get(article.get_absolute_url())

    assertContains(page, "Held words")
    assert page["Cache-Control"] == PRIVATE


def test_the_article_page_of_a_logged_in_reader_is_never_stored(reader, django_user_model):
    article = make_article()
    reader.force_login(django_user_model.objects.create_user("kim"))

    assert reader.get(article.get_absolute_url())["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("reply", [False, True])
def test_the_comment_form_with_a_remembered_name_and_email_is_never_stored(reader, reply):
    article = make_article()
    parent = post(article)
    comment_as(reader, article)

    form = reader.get(
        f"/articles/{article.slug}/comments/{parent.pk}/reply/"
        if reply
        else f"/articles/{article.slug}/comment/"
    )

    assertContains(form, 'value="Lin"')
    assert form["Cache-Control"] == PRIVATE


def test_a_refused_post_shown_again_with_the_readers_text_is_never_stored(reader):
    article = make_article()

    response = comment_as(reader, article, name="")

    assertContains(response, "Mine</textarea>", status_code=400)
    assert response["Cache-Control"] == PRIVATE


def test_the_report_form_and_its_refusal_keeping_the_note_are_never_stored(reader, settings):
    settings.NEWSROOM_REPORTS_PER_MINUTE = 1
    comment = post(make_article())
    url = f"/articles/{comment.article.slug}/comments/{comment.pk}/report/"
    send(reader, url, {"reason": "spam"})

    form = Client().get(url)
    refused = Client().post(url, {"reason": "spam", "note": "My note"})

    assert form["Cache-Control"] == PRIVATE
    assertContains(refused, "My note</textarea>", status_code=429)
    assert refused["Cache-Control"] == PRIVATE


def test_a_comment_page_showing_the_readers_held_reply_is_never_stored(reader, settings):
    settings.NEWSROOM_PREMODERATION = True
    article = make_article()
    parent = post(article)
    comment_as(reader, article, "My held reply", parent=parent)
    reader.get(article.get_absolute_url())
    others = Client().get(parent.get_absolute_url())

    mine = reader.get(parent.get_absolute_url())

    assert Comment.objects.get(body="My held reply").status == Comment.Status.PENDING
    assert "no-store" not in others.get("Cache-Control", "")
    assertContains(mine, "My held reply")
    assert mine["Cache-Control"] == PRIVATE
