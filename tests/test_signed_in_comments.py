"""A signed-in reader's comments: the account's name, held until the address is
verified, and pages rendered around the shared thread (README, "Accounts")."""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core.cache import cache
from django.test import override_settings
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment
from comments.rules import UNVERIFIED
from tests.helpers import make_article, make_reader, post, submit

pytestmark = pytest.mark.django_db


def test_a_signed_in_form_has_no_name_or_email_field_and_names_the_account(client):
    client.force_login(make_reader("Ada Lovelace", email="ada@example.com"))

    response = client.get(make_article().get_absolute_url())

    assertContains(response, "Posting as <b>Ada Lovelace</b>")
    assertNotContains(response, 'name="name"')
    assertNotContains(response, 'name="email"')


def test_a_verified_readers_comment_is_published_under_their_name_and_never_their_email(client):
    reader = make_reader("Ada Lovelace", email="ada@example.com")
    client.force_login(reader)
    article = make_article()

    # A name or address in the post is not theirs to choose.
    response = submit(client, article, "Signed and sealed.", name="Someone Else", email="x@y.z")

    assert response.status_code == 303
    comment = Comment.objects.get()
    assert (comment.user, comment.author_name, comment.status) == (reader, "", "published")
    page = client.get(article.get_absolute_url())
    assertContains(page, "<b>Ada Lovelace</b> <a href=")
    assertNotContains(page, "Someone Else")
    assertNotContains(page, "ada@example.com")


def unverified_reader():
    return make_reader("Ada Lovelace", email="ada@example.com", verified=False)


def test_an_unverified_readers_comment_is_held_until_they_verify(client):
    reader = unverified_reader()
    client.force_login(reader)
    article = make_article()

    submit(client, article, "Before verifying.")

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_reason == "Held until the author verifies their email address."
    assertNotContains(client.get("/"), "1 comment")


def test_the_queue_shows_why_an_unverified_readers_comment_is_held(client, desk):
    reader = unverified_reader()
    post(make_article(), body="Held.", author="", user=reader,
         status=Comment.Status.PENDING, moderation_reason=str(UNVERIFIED))

    response = desk.get("/admin/comments/comment/?status__exact=pending")

    assertContains(response, "Held until the author verifies their email address.")


def test_verifying_publishes_the_comments_held_for_it_and_only_those(client):
    reader = unverified_reader()
    client.force_login(reader)
    article = make_article()
    submit(client, article, "Waiting for my address.")
    held = post(article, body="Watched word.", author="", user=reader,
                status=Comment.Status.PENDING, moderation_reason="Contains the watched word “x”.")
    version = type(article).objects.get(pk=article.pk).discussion_version

    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=reader)).key

    # The button on the page the mailed link opens.
    assert client.post(f"/accounts/confirm-email/{key}/").status_code == 302

    published = Comment.objects.get(body="Waiting for my address.")
    assert published.status == Comment.Status.PUBLISHED
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.PENDING
    assert type(article).objects.get(pk=article.pk).discussion_version > version
    assertContains(client.get(article.get_absolute_url()), "Waiting for my address.")


@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")
def test_with_optional_verification_an_unverified_readers_comment_is_published(client):
    client.force_login(unverified_reader())

    submit(client, make_article(), "Straight out.")

    assert Comment.objects.get().status == Comment.Status.PUBLISHED


def test_a_staff_members_comment_needs_no_address_to_verify(client, moderator):
    client.force_login(moderator)

    submit(client, make_article(), "From the desk.")

    assert Comment.objects.get().status == Comment.Status.PUBLISHED


@pytest.mark.parametrize("count", [10, 100])
def test_the_signed_in_page_runs_constant_queries(client, django_assert_num_queries, count):
    article = make_article()
    readers = [make_reader(f"Reader {i}") for i in range(5)]
    for i in range(count):
        post(article, body=f"comment {i}", author="" if i % 2 else "Guest", user=readers[i % 5])
    client.force_login(readers[0])
    client.get(article.get_absolute_url())

    # Session and user (with profile), article, the reader's own comments there
    # (for their Edit and Delete links, and whether one is held: none, so the
    # shared pages and thread come from the cache), own respects (pressed for
    # them alone).
    with django_assert_num_queries(5):
        response = client.get(article.get_absolute_url())
    assertContains(response, "<b>Reader 1</b>")
    cache.clear()
    # Cold: the pages of threads, one page of threads, the published count and the
    # featured comments too.
    with django_assert_num_queries(9):
        client.get(article.get_absolute_url())
