"""newsroom.client: the reader's address behind trusted proxies, and every use of it."""

import ipaddress
import logging

import pytest
from django.test import Client, RequestFactory

from comments.models import Comment, RejectedPost, Report
from newsroom.client import client_ip
from tests.helpers import make_article, post, send, submit


@pytest.fixture
def trust(settings):
    """Trust these proxies, as NEWSROOM_TRUSTED_PROXIES would."""

    def set_proxies(*proxies: str) -> None:
        settings.NEWSROOM_TRUSTED_PROXIES = [ipaddress.ip_network(p) for p in proxies]

    set_proxies()
    return set_proxies


def address(peer: str, forwarded: str | None = None) -> str | None:
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=peer, **headers))


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says(trust):
    assert address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_a_header_from_an_untrusted_peer_is_ignored(trust):
    trust("10.0.0.1")

    assert address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_saw(trust):
    trust("10.0.0.1")

    assert address("10.0.0.1", "198.51.100.1") == "198.51.100.1"


def test_addresses_a_client_wrote_itself_left_of_its_own_are_ignored(trust):
    trust("10.0.0.1")

    assert address("10.0.0.1", "1.1.1.1, 2.2.2.2, 198.51.100.1") == "198.51.100.1"


def test_chained_proxies_are_passed_from_the_right_up_to_the_first_untrusted_address(trust):
    trust("10.0.0.0/8", "192.0.2.7")

    assert address("10.1.2.3", "6.6.6.6, 198.51.100.1, 192.0.2.7, 10.9.9.9") == "198.51.100.1"


def test_a_header_naming_only_trusted_proxies_gives_the_leftmost(trust):
    trust("10.0.0.0/8")

    assert address("10.0.0.1", "10.0.0.3,10.0.0.2") == "10.0.0.3"


def test_a_trusted_peer_without_the_header_is_the_client(trust):
    trust("10.0.0.1")

    assert address("10.0.0.1") == "10.0.0.1"
    assert address("10.0.0.1", "") == "10.0.0.1"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("198.51.100.1, not-an-address", "10.0.0.2"),
        ("198.51.100.1, 10.0.0.2:443, 10.0.0.3", "10.0.0.3"),
        ("198.51.100.1, unknown", "10.0.0.2"),
    ],
)
def test_a_malformed_entry_stops_the_walk_at_the_last_trusted_proxy(trust, forwarded, client):
    trust("10.0.0.0/8")

    assert address("10.0.0.2", forwarded) == client


def test_ipv6_clients_behind_ipv6_proxies(trust):
    trust("2001:db8:ffff::/48", "::1")

    assert address("::1", "2001:db8::42, 2001:db8:ffff::7") == "2001:db8::42"
    assert address("2001:db8::99", "2001:db8::42") == "2001:db8::99"


def test_an_ipv4_client_behind_an_ipv6_proxy_and_a_mapped_peer_read_as_ipv4(trust):
    trust("::1")

    assert address("::1", "198.51.100.1") == "198.51.100.1"
    assert address("::ffff:198.51.100.1") == "198.51.100.1"
    assert address("::1", "::ffff:198.51.100.1") == "198.51.100.1"


def test_an_unknown_peer_has_no_address(trust):
    assert address("") is None


# Every use: stored addresses, flood control, reports and refused-post logs.


def behind_proxy(client_address: str) -> Client:
    """A reader's browser seen through the trusted proxy at 127.0.0.1 (the test client's peer)."""
    return Client(enforce_csrf_checks=True, HTTP_X_FORWARDED_FOR=client_address)


@pytest.mark.django_db
def test_posts_behind_a_proxy_store_the_clients_address_and_flood_control_counts_it(
    trust, settings
):
    trust("127.0.0.1")
    settings.NEWSROOM_POSTS_PER_MINUTE = 2
    article = make_article()
    alice, bob = behind_proxy("198.51.100.1"), behind_proxy("2001:db8::2")

    assert [submit(alice, article, f"Alice {n}").status_code for n in range(3)] == [303, 303, 429]
    assert [submit(bob, article, f"Bob {n}").status_code for n in range(2)] == [303, 303]

    stored = sorted(Comment.objects.values_list("ip_address", flat=True))
    assert stored == ["198.51.100.1", "198.51.100.1", "2001:db8::2", "2001:db8::2"]


@pytest.mark.django_db
def test_a_refused_post_behind_a_proxy_is_kept_and_logged_with_the_clients_address(
    trust, settings, caplog
):
    trust("127.0.0.1")
    settings.NEWSROOM_BLOCKED_WORDS = ["scoundrel"]
    article = make_article()

    with caplog.at_level(logging.INFO, logger="newsroom.comments"):
        submit(behind_proxy("198.51.100.1"), article, "A scoundrel.")

    assert RejectedPost.objects.get().ip_address == "198.51.100.1"
    assert "from 198.51.100.1 (blocked)" in caplog.text


@pytest.mark.django_db
def test_reports_behind_a_proxy_count_each_client_towards_the_threshold(trust, settings):
    trust("127.0.0.1")
    settings.NEWSROOM_REPORT_THRESHOLD = 2
    comment = post(make_article())
    url = f"/articles/{comment.article.slug}/comments/{comment.pk}/report/"

    for client_address in ["198.51.100.1", "198.51.100.2"]:
        send(behind_proxy(client_address), url, {"reason": "spam"})

    assert sorted(Report.objects.values_list("ip_address", flat=True)) == [
        "198.51.100.1", "198.51.100.2",
    ]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
