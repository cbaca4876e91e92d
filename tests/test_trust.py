"""Trust: a newcomer's first comment waits until one is approved, and a reader
with three removals or spam marks in 30 days is held automatically."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains

from comments.models import Comment
from tests.helpers import S, make_article, make_reader, moderate, post, submit

NEWCOMER = "A newcomer's first comment: held until one is approved."


@pytest.fixture
def newcomers_held(settings):
    settings.NEWSROOM_PREMODERATE_NEWCOMERS = True


def latest() -> Comment:
    return Comment.objects.latest("pk")


@pytest.mark.django_db
@pytest.mark.usefixtures("newcomers_held")
def test_a_new_guest_email_waits_until_one_of_its_comments_is_approved(reader):
    article = make_article()

    submit(reader, article, "First words.", email="new@example.com")
    first = latest()
    submit(reader, article, "Still waiting.", email="new@example.com")
    second_status = latest().status
    moderate(first, "approve")
    submit(reader, article, "Now trusted.", email="NEW@example.com")

    assert (first.status, first.moderation_reason) == (S.PENDING, NEWCOMER)
    assert second_status == S.PENDING
    assert latest().status == S.PUBLISHED


@pytest.mark.django_db
@pytest.mark.usefixtures("newcomers_held")
def test_a_new_accounts_first_comment_waits_but_a_staff_members_does_not(client, moderator):
    user = make_reader("Ada", email="ada@example.com")
    article = make_article()
    client.force_login(user)
    submit(client, article, "My first.")
    held = latest()
    client.force_login(moderator)
    submit(client, article, "Staff speaking.")

    assert (held.status, held.moderation_reason) == (S.PENDING, NEWCOMER)
    assert latest().status == S.PUBLISHED


@pytest.mark.django_db
@pytest.mark.usefixtures("newcomers_held")
def test_a_guest_without_email_is_known_by_address():
    article = make_article()
    post(article, ip_address="192.0.2.50")
    known, new = (Client(REMOTE_ADDR=address) for address in ("192.0.2.50", "192.0.2.51"))

    submit(known, article, "Known here.")
    known_status = latest().status
    submit(new, article, "New here.")

    assert (known_status, latest().status) == (S.PUBLISHED, S.PENDING)


@pytest.mark.django_db
def test_newcomers_publish_at_once_when_the_setting_is_off(reader, settings):
    settings.NEWSROOM_PREMODERATE_NEWCOMERS = False

    submit(reader, make_article(), "Straight in.", email="new@example.com")

    assert latest().status == S.PUBLISHED


@pytest.mark.django_db
def test_three_removals_in_30_days_hold_the_readers_next_comment_with_the_reason_shown(
    reader, desk
):
    article = make_article()
    for action in ("remove", "spam", "remove"):
        moderate(post(article, email="rude@example.com"), action)

    submit(reader, article, "Again.", email="rude@example.com")

    held = latest()
    assert held.status == S.PENDING
    assert "3 of the author's comments were removed or marked as spam" in held.moderation_reason
    assertContains(desk.get("/admin/comments/comment/"), "3 of the author&#x27;s comments")


@pytest.mark.django_db
def test_removals_older_than_30_days_or_fewer_than_three_do_not_hold(reader):
    article = make_article()
    removed = [post(article, email="old@example.com") for __ in range(3)]
    for comment in removed:
        moderate(comment, "remove")
    Comment.objects.filter(pk=removed[0].pk).update(
        moderated_at=timezone.now() - timedelta(days=31)
    )

    submit(reader, article, "Fine now.", email="old@example.com")

    assert latest().status == S.PUBLISHED
