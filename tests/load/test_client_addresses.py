"""Issue 12 on real gunicorn: client addresses behind a proxy, report stuffing, bad forms."""

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.helpers import csrf_token
from tests.load.conftest import gunicorn

pytestmark = pytest.mark.load

REPORTS_PER_MINUTE = 7
REPORTERS = 20


def token(client: httpx.Client, path: str) -> str:
    return csrf_token(client.get(path))


def post_comment(client: httpx.Client, slug: str, body: str, **headers: str) -> httpx.Response:
    path = f"/articles/{slug}/comment/"
    data = {"csrfmiddlewaretoken": token(client, path), "name": "Reader", "email": "",
            "body": body, "website": ""}
    return client.post(path, data=data, headers=headers)


def report_once(base_url: str, report_path: str) -> int:
    """A report from a client that dropped its cookies: a new session every time."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        data = {"csrfmiddlewaretoken": token(client, report_path), "reason": "spam"}
        return client.post(report_path, data=data).status_code


def test_reports_from_one_address_across_workers_accept_exactly_the_configured_number(load_db):
    slug = load_db.tool("setup")["slug"]
    with gunicorn(load_db, NEWSROOM_REPORTS_PER_MINUTE=str(REPORTS_PER_MINUTE)) as server:
        with httpx.Client(base_url=server.url, timeout=30) as poster:
            posted = post_comment(poster, slug, "Report me")
        pk = re.search(r"#c(\d+)$", posted.headers["location"])[1]
        report_path = f"/articles/{slug}/comments/{pk}/report/"
        with ThreadPoolExecutor(REPORTERS) as pool:
            statuses = list(pool.map(lambda __: report_once(server.url, report_path),
                                     range(REPORTERS)))
        report_workers = {
            pid for pid, method, path, *__ in server.access_log()
            if method == "POST" and path == report_path
        }

    assert statuses.count(303) == REPORTS_PER_MINUTE
    assert statuses.count(429) == REPORTERS - REPORTS_PER_MINUTE
    assert len(report_workers) > 1, "every report went to one worker; the test proves nothing"


def test_behind_a_trusted_proxy_flood_control_counts_each_client_and_ignores_others_headers(
    load_db,
):
    slug = load_db.tool("setup")["slug"]
    env = {"NEWSROOM_TRUSTED_PROXIES": "127.0.0.1", "NEWSROOM_POSTS_PER_MINUTE": "2"}
    with gunicorn(load_db, **env) as server:

        def three_posts(client_address: str) -> list[int]:
            with httpx.Client(base_url=server.url, timeout=30) as proxy:
                return [
                    post_comment(proxy, slug, f"{client_address} {n}",
                                 **{"X-Forwarded-For": client_address}).status_code
                    for n in range(3)
                ]

        clients = ["198.51.100.1", "198.51.100.2", "2001:db8::3"]
        with ThreadPoolExecutor(len(clients)) as pool:
            behind_proxy = dict(zip(clients, pool.map(three_posts, clients), strict=True))
        # A peer that is not the proxy cannot choose its address with the header.
        outsider = httpx.HTTPTransport(local_address="127.0.0.2")
        with httpx.Client(base_url=server.url, timeout=30, transport=outsider) as client:
            spoofed = [
                post_comment(client, slug, f"spoof {n}", **{"X-Forwarded-For": f"10.9.9.{n}"})
                .status_code
                for n in range(3)
            ]

    assert behind_proxy == {address: [303, 303, 429] for address in clients}
    assert spoofed == [303, 303, 429]


def test_a_form_declaring_latin1_gets_the_400_page_and_one_log_line(site):
    __, server, slug = site
    response = httpx.post(
        f"{server.url}/articles/{slug}/comment/",
        content=b"name=R%E9my&body=Caf%E9",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=latin1",
                 "Cookie": "csrftoken=" + "x" * 32},
        timeout=30,
    )

    log = server.log.read_text(errors="replace")
    assert response.status_code == 400
    assert "<title>Bad request · Newsroom</title>" in response.text
    assert log.count("unreadable form data on") == 1
    assert "Traceback" not in log
