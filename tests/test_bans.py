"""Bans: a banned reader's post is refused with the text kept and recorded; moderators
ban for at most 30 days; bans are made from the list or a comment's page."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains

from comments.bans import ban_for
from comments.models import Ban, Comment, RejectedPost
from tests.helpers import change_url, make_article, make_reader, post, submit

BANS = "/admin/comments/ban/"


def ban(**fields) -> Ban:
    made = Ban(reason="Spam runs", **fields)
    made.full_clean()
    made.save()
    return made


def from_address(address: str) -> Client:
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_a_banned_email_in_any_case_is_refused_with_the_text_kept_and_recorded(reader):
    ban(email="Troll@Example.com")
    article = make_article()

    response = submit(reader, article, "My words, kept.", email="troll@EXAMPLE.com")

    assert response.status_code == 400
    assertContains(response, "You cannot post comments here.", status_code=400)
    assertContains(response, "My words, kept.", status_code=400)
    assert not Comment.objects.exists()
    refused = RejectedPost.objects.get()
    assert (refused.body, refused.email) == ("My words, kept.", "troll@EXAMPLE.com")
    assert refused.reason.startswith("Banned (ban ")


@pytest.mark.django_db
def test_a_suspended_account_is_told_when_the_suspension_ends(client):
    user = make_reader("Ada", email="ada@example.com")
    ends = timezone.now() + timedelta(days=3)
    ban(user=user, until=ends)
    client.force_login(user)

    response = submit(client, make_article(), "Still here.")

    until = timezone.localtime(ends).strftime("%Y")
    assertContains(response, "You cannot post comments until", status_code=400)
    assertContains(response, until, status_code=400)


@pytest.mark.django_db
def test_a_banned_email_also_refuses_the_account_holding_it(client):
    user = make_reader("Ada", email="ada@example.com")
    ban(email="ADA@example.com")
    client.force_login(user)

    response = submit(client, make_article(), "Through my account.")

    assertContains(response, "You cannot post comments here.", status_code=400)


@pytest.mark.django_db
def test_a_permanent_ban_says_so_without_an_end(reader):
    ban(email="gone@example.com", until=None)

    response = submit(reader, make_article(), "Hello", email="gone@example.com")

    assertContains(response, "You cannot post comments here.", status_code=400)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("network", "inside", "outside"),
    [
        ("203.0.113.7", "203.0.113.7", "203.0.113.8"),
        ("198.51.100.0/24", "198.51.100.200", "198.51.101.1"),
        ("2001:db8::/32", "2001:db8:1::5", "2001:db9::1"),
    ],
    ids=["one address", "an IPv4 network", "an IPv6 network"],
)
def test_an_address_ban_refuses_the_addresses_of_its_network_only(network, inside, outside):
    ban(network=network)
    article = make_article()

    refused = submit(from_address(inside), article, "From inside.")
    accepted = submit(from_address(outside), article, "From outside.")

    assert (refused.status_code, accepted.status_code) == (400, 303)
    assert list(Comment.objects.values_list("body", flat=True)) == ["From outside."]


@pytest.mark.django_db
def test_an_ended_ban_refuses_nothing(reader):
    ban(email="back@example.com", until=timezone.now() + timedelta(days=1))
    Ban.objects.update(until=timezone.now() - timedelta(minutes=1))

    response = submit(reader, make_article(), "I am back.", email="back@example.com")

    assert response.status_code == 303


@pytest.mark.django_db
def test_finding_a_ban_is_one_query_whatever_is_banned(django_assert_num_queries):
    user = make_reader("Ada")
    for n in range(5):
        ban(network=f"10.{n}.0.0/16")
        ban(email=f"spammer{n}@example.com")

    with django_assert_num_queries(1):
        found = ban_for(user=user, email="SPAMMER3@example.com", ip_address="10.4.7.1")

    assert found is not None


@pytest.mark.django_db
def test_a_ban_targets_exactly_one_of_account_email_or_address():
    with pytest.raises(Exception, match="Ban one of"):
        ban(email="a@example.com", network="10.0.0.1")


@pytest.mark.django_db
def test_a_moderator_may_ban_for_30_days_but_not_longer(desk, moderator):
    soon = timezone.now() + timedelta(days=29)
    later = timezone.now() + timedelta(days=31)
    form = {"email": "x@example.com", "reason": "Abuse", "until_0": "", "until_1": ""}

    permanent = desk.post(f"{BANS}add/", form)
    too_long = desk.post(
        f"{BANS}add/", {**form, "until_0": later.date().isoformat(), "until_1": "12:00:00"}
    )
    allowed = desk.post(
        f"{BANS}add/", {**form, "until_0": soon.date().isoformat(), "until_1": "12:00:00"}
    )

    assertContains(permanent, "Moderators ban for at most 30 days")
    assertContains(too_long, "Moderators ban for at most 30 days")
    assert allowed.status_code == 302
    assert Ban.objects.get().moderator == moderator


@pytest.mark.django_db
def test_an_administrator_may_ban_for_good(client):
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)

    response = client.post(
        f"{BANS}add/",
        {"network": "192.0.2.0/24", "reason": "Botnet", "until_0": "", "until_1": ""},
    )

    assert response.status_code == 302
    assert Ban.objects.get().permanent


@pytest.mark.django_db
def test_a_comments_page_offers_to_ban_its_author_by_account_email_or_address(desk):
    user = make_reader("Ada")
    by_guest = post(make_article(), email="guest@example.com", ip_address="192.0.2.9")
    by_account = post(make_article(), author="", user=user, ip_address="192.0.2.9")

    guest_page = desk.get(change_url(by_guest))
    account_page = desk.get(change_url(by_account))

    assertContains(guest_page, f"{BANS}add/?email=guest%40example.com")
    assertContains(guest_page, f"{BANS}add/?network=192.0.2.9")
    assertContains(account_page, f"{BANS}add/?user={user.pk}")
    prefilled = desk.get(f"{BANS}add/?email=guest%40example.com")
    assertContains(prefilled, 'value="guest@example.com"')


@pytest.mark.django_db
def test_a_ban_shows_as_banned_in_the_recent_actions(desk):
    soon = timezone.now() + timedelta(days=7)
    desk.post(
        f"{BANS}add/",
        {"email": "x@example.com", "reason": "Abuse", "until_0": soon.date().isoformat(),
         "until_1": "12:00:00"},
    )

    assertContains(desk.get("/admin/"), "Banned x@example.com until")
