"""A reader's own account through its pages: passwords, the email address, settings and
deletion (README, "Accounts" and "Security")."""

import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings
from pytest_django.asserts import assertContains, assertRedirects

from comments.models import Comment
from readers import services
from readers.models import Profile, ReleasedName
from readers.names import is_reserved, name_key
from tests.helpers import PASSWORD, link_in, make_article, make_reader, post, sign_in, signed_in_as

pytestmark = pytest.mark.django_db


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
