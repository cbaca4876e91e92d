"""The rules a reader's post meets through the public form: pre-moderation, flood control
and the honeypot."""

import logging

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment
from tests.helpers import (
    make_article,
    post,
    submit,
)

pytestmark = pytest.mark.usefixtures("quiet_rules")

# Pre-moderation


@pytest.mark.django_db
def test_without_rules_a_post_is_published(reader):
    article = make_article()

    response = submit(reader, article, "A fine point.")

    assert response.status_code == 303
    comment = Comment.objects.get()
    assert (comment.status, comment.moderation_reason) == (Comment.Status.PUBLISHED, "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setting", "value", "body", "reason"),
    [
        ("NEWSROOM_PREMODERATION", True, "A fine point.",
         "Pre-moderation is on for the whole site."),
        ("NEWSROOM_WATCHED_WORDS", ["lawsuit"], "There will be a lawsuit.",
         "Contains the watched word “lawsuit”."),
    ],
    ids=["global premoderation", "watched word"],
)
def test_a_rule_that_holds_keeps_the_post_pending_with_its_reason(
    reader, settings, setting, value, body, reason
):
    setattr(settings, setting, value)
    article = make_article()

    response = submit(reader, article, body)

    assert response.status_code == 303
    comment = Comment.objects.get()
    assert (comment.status, comment.moderation_reason) == (Comment.Status.PENDING, reason)


@pytest.mark.django_db
def test_per_article_premoderation_holds_posts_on_that_article_only(reader):
    held, free = make_article(premoderation=True), make_article()

    submit(reader, held, "On the held article.")
    submit(reader, free, "On the free article.")

    by_body = {c.body: c for c in Comment.objects.all()}
    assert by_body["On the held article."].status == Comment.Status.PENDING
    assert by_body["On the held article."].moderation_reason == (
        "Pre-moderation is on for this article."
    )
    assert by_body["On the free article."].status == Comment.Status.PUBLISHED




# Flood control and the honeypot


@pytest.mark.django_db
def test_posting_over_the_per_minute_limit_gets_a_429_that_keeps_the_text(reader, settings):
    settings.NEWSROOM_POSTS_PER_MINUTE = 2
    article = make_article()
    for n in range(2):
        assert submit(reader, article, f"Post number {n}").status_code == 303

    response = submit(reader, article, "One too many, but keep me.")

    assert response.status_code == 429
    assertContains(response, "You are posting too fast.", status_code=429)
    assertContains(response, "One too many, but keep me.</textarea>", status_code=429)
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_flood_control_counts_per_address(reader, settings):
    settings.NEWSROOM_POSTS_PER_MINUTE = 1
    article = make_article()
    post(article, ip_address="198.51.100.7")

    response = submit(reader, article, "From another address.")

    assert response.status_code == 303


@pytest.mark.django_db
def test_flood_control_off_with_zero(reader, settings):
    settings.NEWSROOM_POSTS_PER_MINUTE = 0
    article = make_article()

    statuses = [submit(reader, article, f"Post {n}").status_code for n in range(7)]

    assert statuses == [303] * 7


@pytest.mark.django_db
def test_a_filled_honeypot_drops_the_post_with_a_generic_answer_and_logs_it(reader, caplog):
    article = make_article()

    with caplog.at_level(logging.WARNING, logger="newsroom.comments"):
        response = submit(reader, article, "Buy now", website="http://spam.example")

    assert response.status_code == 303
    assert response["Location"] == article.get_absolute_url()
    assert not Comment.objects.exists()
    assert "honeypot filled" in caplog.text
    page = reader.get(response["Location"])
    assertContains(page, "Thank you for your comment.")
    assertNotContains(page, "Buy now")
