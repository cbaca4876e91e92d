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
        settings.NEWSROOM_TRUSTED_PROXIES = [
            ipaddress.ip_network(p) for p in proxies if p != "unix"
        ]
        settings.NEWSROOM_TRUST_UNIX_SOCKET = "unix" in proxies

    set_proxies()
    return set_proxies


def address(peer: str, forwarded: str | None = None) -> str | None:
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=peer, **headers))


PEER = "203.0.113.9"
CLIENT = "198.51.100.1"
PROXY = "10.0.0.1"
PROXIES = "10.0.0.0/8"
# What each case pins -> (trusted proxies, peer, X-Forwarded-For or None, the client read).
CLIENTS = {
    "without trusted proxies the peer is the client whatever the header says": (
        [], PEER, CLIENT, PEER
    ),
    "a header from an untrusted peer is ignored": ([PROXY], PEER, CLIENT, PEER),
    "behind a trusted proxy the client is the address it saw": ([PROXY], PROXY, CLIENT, CLIENT),
    "addresses a client wrote itself left of its own are ignored": (
        [PROXY], PROXY, f"1.1.1.1, 2.2.2.2, {CLIENT}", CLIENT
    ),
    "chained proxies are passed from the right up to the first untrusted address": (
        [PROXIES, "192.0.2.7"], "10.1.2.3", f"6.6.6.6, {CLIENT}, 192.0.2.7, 10.9.9.9", CLIENT
    ),
    "a header naming only trusted proxies gives the leftmost": (
        [PROXIES], PROXY, "10.0.0.3,10.0.0.2", "10.0.0.3"
    ),
    "a trusted peer without the header is the client": ([PROXY], PROXY, None, PROXY),
    "a trusted peer with an empty header is the client": ([PROXY], PROXY, "", PROXY),
    "a malformed entry stops the walk at the last trusted proxy": (
        [PROXIES], "10.0.0.2", f"{CLIENT}, not-an-address", "10.0.0.2"
    ),
    "an entry with a port is a malformed entry too": (
        [PROXIES], "10.0.0.2", f"{CLIENT}, 10.0.0.2:443, 10.0.0.3", "10.0.0.3"
    ),
    "'unknown' is a malformed entry too": ([PROXIES], "10.0.0.2", f"{CLIENT}, unknown", "10.0.0.2"),
    "an ipv6 client behind ipv6 proxies": (
        ["2001:db8:ffff::/48", "::1"], "::1", "2001:db8::42, 2001:db8:ffff::7", "2001:db8::42"
    ),
    "a header from an untrusted ipv6 peer is ignored": (
        ["2001:db8:ffff::/48", "::1"], "2001:db8::99", "2001:db8::42", "2001:db8::99"
    ),
    "an ipv4 client behind an ipv6 proxy reads as ipv4": (["::1"], "::1", CLIENT, CLIENT),
    "a mapped peer reads as ipv4": (["::1"], f"::ffff:{CLIENT}", None, CLIENT),
    "a mapped address in the header reads as ipv4": (["::1"], "::1", f"::ffff:{CLIENT}", CLIENT),
    "an unknown peer has no address": ([], "", None, None),
    "a proxy on a unix socket is trusted when listed": (["unix"], "", CLIENT, CLIENT),
    "a unix socket's header is ignored unless listed": ([PROXY], "", CLIENT, None),
    "behind a unix socket the walk goes on past trusted proxies": (
        ["unix", PROXIES], "", f"6.6.6.6, {CLIENT}, 10.0.0.5", CLIENT
    ),
    "a unix socket peer without the header has no address": (["unix"], "", None, None),
}


@pytest.mark.parametrize(("proxies", "peer", "forwarded", "client"), CLIENTS.values(), ids=CLIENTS)
def test_the_client_is_the_peer_or_the_address_trusted_proxies_forwarded(
    trust, proxies, peer, forwarded, client
):
    trust(*proxies)

    assert address(peer, forwarded) == client


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
