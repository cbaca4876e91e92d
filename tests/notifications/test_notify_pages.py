"""The pages notifications link to and the choices readers make: one-click
unsubscribe, a guest's opt-in and its confirmation, account settings, the
private feed of replies."""

import re

import pytest
from django.core import mail
from pytest_django.asserts import assertContains, assertNotContains

from comments.mail import unsubscribe_token
from comments.models import GuestAddress
from readers.preferences import replies_feed_token, user_from_feed_token
from tests.helpers import make_article, make_reader, post, send, submit

pytestmark = pytest.mark.django_db


def test_unsubscribe_asks_on_get_and_turns_replies_off_on_a_post_without_csrf_or_session(reader):
    ada = make_reader("Ada", email="ada@example.com")
    url = f"/notifications/unsubscribe/{unsubscribe_token(f'user:{ada.pk}', 'replies')}/"

    page = reader.get(url)
    assertContains(page, "<button type=\"submit\">Unsubscribe</button>", html=False)
    ada.profile.refresh_from_db()
    assert ada.profile.notify_replies

    # `reader` checks CSRF as browsers do: the signed token is all it takes.
    done = reader.post(url, {"List-Unsubscribe": "One-Click"})

    assertContains(done, "no more replies")
    ada.profile.refresh_from_db()
    assert not ada.profile.notify_replies


def test_a_tampered_unsubscribe_link_is_a_404_that_changes_nothing(reader):
    ada = make_reader("Ada", email="ada@example.com")
    token = unsubscribe_token(f"user:{ada.pk}", "replies")

    response = reader.post(f"/notifications/unsubscribe/{token[:-2]}xx/")

    assertContains(response, "This link is not valid", status_code=404)
    ada.profile.refresh_from_db()
    assert ada.profile.notify_replies


def test_settings_turn_replies_and_moderation_notices_on_and_off_and_show_the_private_feed(
    client,
):
    ada = make_reader("Ada", email="ada@example.com")
    client.force_login(ada)

    page = client.get("/accounts/settings/")
    assertContains(page, 'name="notify_replies"')
    # The token carries the time it was signed, so match the one the page holds.
    token = re.search(r"/notifications/replies/([^/\"]+)/feed/", page.content.decode())[1]
    assert user_from_feed_token(token) == ada
    response = client.post(
        "/accounts/settings/", {"notifications": "1", "notify_moderation": "on"}
    )

    assert response.status_code == 302
    ada.profile.refresh_from_db()
    assert (ada.profile.notify_replies, ada.profile.notify_moderation) == (False, True)


def test_the_private_feed_lists_published_replies_to_the_reader_and_nothing_else(client):
    ada = make_reader("Ada", email="ada@example.com")
    article = make_article()
    mine = post(article, author="", user=ada)
    post(article, mine, body="A fair answer.", author="Bob")
    post(article, mine, body="A held answer.", author="Bob", status="pending")
    post(article, mine, body="My own follow-up.", author="", user=ada)
    post(article, body="Not to Ada.", author="Carol")

    feed = client.get(f"/notifications/replies/{replies_feed_token(ada)}/feed/")

    assertContains(feed, "A fair answer.")
    for hidden in ("A held answer.", "My own follow-up.", "Not to Ada."):
        assertNotContains(feed, hidden)
    assert client.get("/notifications/replies/nonsense/feed/").status_code == 404


def test_a_guest_is_mailed_replies_only_after_confirming_the_address(
    reader, tasks, django_capture_on_commit_callbacks
):
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(
            reader, article, "Guest view.", name="Gus", email="Gus@Example.com", notify="on"
        )
    assert response.status_code == 303
    parent = article.comments.get()
    tasks.run()
    (confirmation,) = mail.outbox
    assert confirmation.to == ["gus@example.com"]
    confirm = re.search(r"https?://[^/\s]+(/notifications/confirm/\S+/)", confirmation.body)[1]

    with django_capture_on_commit_callbacks(execute=True):
        post(article, parent, body="Before confirming.", author="Bob")
    tasks.run()
    assert len(mail.outbox) == 1

    assertContains(reader.get(confirm), "Confirm</button>")
    assert not GuestAddress.objects.get().confirmed_at
    send(reader, confirm, {})
    assert GuestAddress.objects.get().confirmed_at
    with django_capture_on_commit_callbacks(execute=True):
        post(article, parent, body="After confirming.", author="Bob")
    tasks.run()

    assert [m.to for m in mail.outbox[1:]] == [["gus@example.com"]]
    assert "After confirming." in mail.outbox[1].body
    assert "Before confirming." not in mail.outbox[1].body


def test_asking_for_replies_without_an_address_is_a_form_error_that_keeps_the_text(reader):
    response = submit(reader, make_article(), "Keep me.", name="Gus", notify="on")

    assertContains(response, "Enter your email address to be mailed replies", status_code=400)
    assertContains(response, "Keep me.", status_code=400)


def test_a_signed_in_reader_gets_no_replies_checkbox(client):
    client.force_login(make_reader("Ada", email="ada@example.com"))

    assertNotContains(client.get(make_article().get_absolute_url()), 'name="notify"')
