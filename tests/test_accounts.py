"""Reader accounts through their pages: sign-up, verification, sign-in, passwords,
email, settings and deletion (README, "Accounts" and "Security")."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments.models import Comment
from readers import services
from readers.models import Profile, ReleasedName
from readers.names import is_reserved, name_key
from tests.helpers import csrf_token, make_article, make_reader, post

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
SIGNUP = {"email": "ada@example.com", "display_name": "Ada Lovelace", "password1": PASSWORD}


def link_in(message) -> str:
    """The path of the one link to this site in a message."""
    return re.search(r"http://testserver(/\S+)", message.body)[1]


def signed_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def sign_in(client, email="ada@example.com", password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


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


def test_password_reset_answers_alike_whether_or_not_the_address_has_an_account(client):
    make_reader("Ada", email="ada@example.com", password=PASSWORD)

    known = client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == "/accounts/password/reset/done/"
    assert [m.to for m in mail.outbox] == [["ada@example.com"], ["nobody@example.com"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_password_reset_requests_for_one_address_are_limited(client):
    for _ in range(5):
        client.post("/accounts/password/reset/", {"email": "ada@example.com"})

    response = client.post("/accounts/password/reset/", {"email": "ada@example.com"})

    assert response.status_code == 429
    assertContains(response, "Too many attempts", status_code=429)
    assertContains(response, 'class="masthead"', status_code=429)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_limits_count_the_address_the_proxy_appended(client):
    emails = (f"reader{n}@example.com" for n in range(30))

    def reset(forwarded_for):
        return client.post(
            "/accounts/password/reset/", {"email": next(emails)},
            HTTP_X_FORWARDED_FOR=f"10.9.9.9, {forwarded_for}",
        ).status_code

    # 20 a minute per address: the 21st from one reader is refused, another's is not.
    assert {reset("192.0.2.1") for _ in range(20)} == {302}
    assert reset("192.0.2.1") == 429
    assert reset("192.0.2.2") == 302


def test_the_reset_link_sets_a_new_password(client):
    make_reader("Ada", email="ada@example.com", password=PASSWORD)
    client.post("/accounts/password/reset/", {"email": "ada@example.com"})

    # The key leaves the address for a page of its own, so the Referer never carries it.
    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    assertContains(form_page, 'name="password1"')
    done = client.post(
        form_page.request["PATH_INFO"],
        {"password1": "a brand new secret", "password2": "a brand new secret"},
    )

    assertRedirects(done, "/accounts/password/reset/key/done/", fetch_redirect_response=False)
    assert sign_in(Client(), password="a brand new secret").status_code == 302
    assertContains(sign_in(Client()), "are not correct")


def test_changing_the_password_keeps_this_session_ends_the_others_and_tells_the_reader():
    user = make_reader("Ada", email="ada@example.com", password=PASSWORD)
    here, elsewhere = Client(), Client()
    sign_in(here)
    sign_in(elsewhere)

    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "another long one", "password2": "another long one"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another long one")
    assert signed_in_as(here) == user
    assertContains(elsewhere.get("/"), "Sign in")
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert "password" in mail.outbox[0].subject.lower()


def test_a_new_email_address_replaces_the_old_one_only_once_verified(client):
    user = make_reader("Ada", email="ada@example.com", password=PASSWORD)
    client.force_login(user)

    response = client.post("/accounts/email/", {"action_add": "", "email": "ada@new.example"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "ada@example.com"
    (message,) = [m for m in mail.outbox if m.to == ["ada@new.example"]]
    client.post(link_in(message))
    assert EmailAddress.objects.get(user=user).email == "ada@new.example"
    user.refresh_from_db()
    assert user.email == "ada@new.example"


def test_account_pages_need_a_signed_in_reader(client):
    for path in ("/accounts/settings/", "/accounts/delete/", "/accounts/email/"):
        assertRedirects(
            client.get(path), f"/accounts/login/?next={path}", fetch_redirect_response=False
        )


def test_settings_change_the_display_name_and_keep_the_old_one_reserved(client):
    user = make_reader("Ada", email="ada@example.com")
    client.force_login(user)
    assertContains(client.get("/accounts/settings/"), 'value="Ada"')

    response = client.post("/accounts/settings/", {"display_name": "Ada Byron"}, follow=True)

    assertContains(response, "Your display name is now Ada Byron.")
    assertContains(response, '<span class="reader">Ada Byron</span>')
    assert is_reserved("ada")
    assert ReleasedName.objects.get(key=name_key("Ada")).released_by == user


def test_a_refused_display_name_answers_400_with_the_name_kept(client):
    make_reader("Grace Hopper")
    client.force_login(make_reader("Ada"))

    response = client.post("/accounts/settings/", {"display_name": "grace  HOPPER"})

    assertContains(response, "is taken", status_code=400)
    assertContains(response, 'value="grace  HOPPER"', status_code=400)
    assert Profile.objects.filter(display_name="Ada").exists()


def test_settings_page_runs_constant_queries(client, django_assert_num_queries):
    client.force_login(make_reader("Ada", email="ada@example.com"))

    # Session, user with profile, primary email address.
    with django_assert_num_queries(3):
        response = client.get("/accounts/settings/")
    assertContains(response, "ada@example.com")


def test_deleting_asks_for_the_password_again_then_deletes(client):
    user = make_reader("Ada", email="ada@example.com", password=PASSWORD)
    sign_in(client)

    asked = client.post("/accounts/delete/", {"comments": "keep", "confirm": "on"})
    assertRedirects(
        asked, "/accounts/reauthenticate/?next=%2Faccounts%2Fdelete%2F",
        fetch_redirect_response=False,
    )
    assert User.objects.get(pk=user.pk).is_active
    # The page asking for the password sends the held request on once it is given.
    response = client.post(
        "/accounts/reauthenticate/", {"password": PASSWORD, "next": "/accounts/delete/"}
    )

    assertRedirects(response, "/", fetch_redirect_response=False)
    assert not User.objects.get(pk=user.pk).is_active


def just_gave_password(client) -> None:
    """As if the reader had just typed their password again for allauth."""
    session = client.session
    session["account_authentication_methods"][-1] |= {"reauthenticated": True, "at": time.time()}
    session.save()


def test_deleting_needs_the_box_ticked(client):
    user = make_reader("Ada", email="ada@example.com", password=PASSWORD)
    sign_in(client)
    just_gave_password(client)

    response = client.post("/accounts/delete/", {"comments": "keep"})

    assertContains(response, "Tick the box", status_code=400)
    assert User.objects.get(pk=user.pk).is_active


def test_deleting_an_account_erases_it_and_keeps_its_comments_pointing_at_it(client):
    user = make_reader("Ada Lovelace", email="ada@example.com", password=PASSWORD)
    comment = post(make_article(), author="", user=user)
    sign_in(client)
    just_gave_password(client)

    response = client.post("/accounts/delete/", {"comments": "keep", "confirm": "on"})

    assertRedirects(response, "/", fetch_redirect_response=False)
    assert signed_in_as(client) is None
    user = User.objects.get(pk=user.pk)
    assert (user.username, user.email, user.first_name, user.last_name) == (
        f"deleted-{user.pk}", "", "", "",
    )
    assert not user.is_active and not user.has_usable_password()
    assert not EmailAddress.objects.filter(email="ada@example.com").exists()
    assert (user.profile.display_name, user.profile.name_key) == ("", None)
    assert user.profile.deleted is not None
    assert Comment.objects.get(pk=comment.pk).user_id == user.pk
    assert is_reserved("ada lovelace")
    assertContains(sign_in(Client()), "are not correct")


def test_a_deleted_staff_member_loses_staff_rights_and_their_names_stay_reserved():
    staff = User.objects.create_user("maria", first_name="Maria", last_name="Ortiz", is_staff=True)

    services.account_delete(user=staff)

    staff.refresh_from_db()
    assert not (staff.is_staff or staff.is_superuser or staff.is_active)
    assert is_reserved("Maria Ortiz") and is_reserved("maria")
