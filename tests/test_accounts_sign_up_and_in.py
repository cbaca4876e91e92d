"""Reader accounts through their pages: sign-up, verification, signing in and out
(README, "Accounts" and "Security")."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from readers.names import name_key
from tests.helpers import (
    PASSWORD,
    csrf_token,
    link_in,
    make_article,
    make_reader,
    sign_in,
    signed_in_as,
)

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "ada@example.com", "display_name": "Ada Lovelace", "password1": PASSWORD}


def test_sign_up_asks_for_email_display_name_and_password(client):
    page = client.get("/accounts/signup/")

    for field in ("email", "display_name", "password1"):
        assertContains(page, f'name="{field}"')
    assertContains(page, "<title>")
    assertContains(page, 'class="account-form"')


def test_sign_up_makes_an_account_with_its_name_and_mails_a_verification_link(client):
    response = client.post("/accounts/signup/", SIGNUP)

    assertRedirects(response, "/accounts/confirm-email/", fetch_redirect_response=False)
    user = User.objects.get(email="ada@example.com")
    assert user.profile.display_name == "Ada Lovelace"
    assert user.profile.name_key == name_key("ada lovelace")
    assert not user.username.startswith("ada"), "the username must not reveal the address"
    assert not EmailAddress.objects.get(user=user).verified
    assert signed_in_as(client) is None, "verification is mandatory by default"
    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert link_in(message).startswith("/accounts/confirm-email/")


def test_following_the_verification_link_verifies_the_address_and_signs_in(client):
    client.post("/accounts/signup/", SIGNUP)
    link = link_in(mail.outbox[0])

    # The link opens a page whose button confirms: a mail scanner that follows links does not.
    assertContains(client.get(link), "Confirm")
    assert not EmailAddress.objects.get(email="ada@example.com").verified
    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="ada@example.com").verified
    assert signed_in_as(client).email == "ada@example.com"


def test_an_unverified_reader_cannot_sign_in_while_verification_is_mandatory(client):
    make_reader("Ada", email="ada@example.com", password=PASSWORD, verified=False)

    response = sign_in(client)

    assertRedirects(response, "/accounts/confirm-email/", fetch_redirect_response=False)
    assert signed_in_as(client) is None
    assert link_in(mail.outbox[0]).startswith("/accounts/confirm-email/")


@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")
def test_with_optional_verification_a_new_reader_is_signed_in_at_once(client):
    client.post("/accounts/signup/", SIGNUP)

    assert signed_in_as(client).email == "ada@example.com"
    assert len(mail.outbox) == 1


def test_a_display_name_like_anothers_is_a_form_error_that_keeps_what_was_typed(client):
    make_reader("Ada Lovelace")

    response = client.post("/accounts/signup/", {**SIGNUP, "display_name": "\u0410DA LOVELACE"})

    assertContains(response, "is taken")
    assertContains(response, 'value="ada@example.com"')
    assertContains(response, 'value="\u0410DA LOVELACE"')
    assert not User.objects.filter(email="ada@example.com").exists()
    assert mail.outbox == []


def test_a_staff_members_name_cannot_be_signed_up_for(client):
    User.objects.create_user("maria", first_name="Maria", last_name="Ortiz", is_staff=True)

    response = client.post("/accounts/signup/", {**SIGNUP, "display_name": "Maria Ortiz"})

    assertContains(response, "is taken")
    assert not User.objects.filter(email="ada@example.com").exists()


def test_a_name_taken_while_signing_up_leaves_no_account_and_keeps_the_form(client, monkeypatch):
    # Another sign-up commits the same name after this form checked it.
    monkeypatch.setattr("readers.forms.clean_display_name", lambda name, **_: (name, ""))
    monkeypatch.setattr(
        "readers.services.clean_display_name", lambda name, **_: (name, name_key(name))
    )
    make_reader("Ada Lovelace")

    response = client.post("/accounts/signup/", SIGNUP)

    assertContains(response, "was taken a moment ago")
    assertContains(response, 'value="ada@example.com"')
    assert not User.objects.filter(email="ada@example.com").exists()
    assert not EmailAddress.objects.filter(email="ada@example.com").exists()


def test_signing_up_again_with_a_registered_address_reveals_nothing(client):
    make_reader("Ada", email="ada@example.com", password=PASSWORD)

    again = client.post("/accounts/signup/", {**SIGNUP, "display_name": "Someone Else"})

    assertRedirects(again, "/accounts/confirm-email/", fetch_redirect_response=False)
    assert User.objects.filter(email="ada@example.com").count() == 1
    (message,) = mail.outbox
    assert "already" in message.subject.lower() or "already" in message.body.lower()


def test_sign_in_by_email_rotates_the_session(client):
    make_reader("Ada", email="ada@example.com", password=PASSWORD)
    client.get("/accounts/login/")
    session = client.session
    session["before"] = "sign-in"
    session.save()
    before = session.session_key

    response = sign_in(client)

    assertRedirects(response, "/", fetch_redirect_response=False)
    assert client.session.session_key != before
    assert signed_in_as(client).profile.display_name == "Ada"


def test_sign_in_returns_to_the_page_it_was_asked_from(client):
    make_reader("Ada", email="ada@example.com", password=PASSWORD)
    article = make_article()
    page = client.get(article.get_absolute_url())
    assertContains(page, f'href="/accounts/login/?next={article.get_absolute_url()}"')

    response = client.post(
        "/accounts/login/",
        {"login": "ada@example.com", "password": PASSWORD, "next": article.get_absolute_url()},
    )

    assertRedirects(response, article.get_absolute_url(), fetch_redirect_response=False)


def test_a_wrong_password_keeps_the_email_and_says_nothing_about_the_account(client):
    make_reader("Ada", email="ada@example.com", password=PASSWORD)

    wrong = sign_in(client, password="not the password")
    unknown = sign_in(client, email="nobody@example.com", password="not the password")

    for response in (wrong, unknown):
        assertContains(response, "are not correct")
        assertNotContains(response, PASSWORD)
    assertContains(wrong, 'value="ada@example.com"')
    assert signed_in_as(client) is None


def test_failed_sign_ins_for_one_address_are_limited(client):
    make_reader("Ada", email="ada@example.com", password=PASSWORD)
    for _ in range(5):
        sign_in(client, password="guess")

    response = sign_in(client)

    assertContains(response, "Too many failed login attempts")
    assert signed_in_as(client) is None


def test_the_header_offers_sign_in_to_anonymous_readers_and_sign_out_to_readers(client):
    anonymous = client.get("/")
    assertContains(anonymous, 'href="/accounts/login/?next=/"')
    assertContains(anonymous, 'href="/accounts/signup/"')
    assertNotContains(anonymous, "Sign out")

    client.force_login(make_reader("Ada Lovelace"))
    signed_in = client.get("/")

    assertContains(signed_in, '<span class="reader">Ada Lovelace</span>')
    assertContains(signed_in, 'href="/accounts/settings/"')
    assertContains(signed_in, '<form method="post" action="/accounts/logout/">')
    assertNotContains(signed_in, "Sign in")


def test_signing_out_takes_a_post_with_a_csrf_token():
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(make_reader("Ada"))

    assert reader.post("/accounts/logout/").status_code == 403
    token = csrf_token(reader.get("/"))
    response = reader.post("/accounts/logout/", {"csrfmiddlewaretoken": token})

    assertRedirects(response, "/", fetch_redirect_response=False)
    assert signed_in_as(reader) is None
