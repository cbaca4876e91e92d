"""Issue 5, scenario 4: one address posting as fast as it can through every worker."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.helpers import csrf_token
from tests.load.conftest import gunicorn

pytestmark = pytest.mark.load

POSTS_PER_MINUTE = 7
CLIENTS = 20
POSTS_EACH = 3


def post_repeatedly(base_url: str, slug: str, client_number: int) -> list[int]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        form = client.get(f"/articles/{slug}/comment/")
        token = csrf_token(form)
        return [
            client.post(
                f"/articles/{slug}/comment/",
                data={"csrfmiddlewaretoken": token, "name": "Flood", "email": "",
                      "body": f"Flood {client_number}.{n}", "website": ""},
            ).status_code
            for n in range(POSTS_EACH)
        ]


def test_flood_from_one_address_across_workers_accepts_exactly_the_configured_number(load_db):
    slug = load_db.tool("setup")["slug"]
    with gunicorn(load_db, NEWSROOM_POSTS_PER_MINUTE=str(POSTS_PER_MINUTE)) as server:
        with ThreadPoolExecutor(CLIENTS) as pool:
            futures = [
                pool.submit(post_repeatedly, server.url, slug, n) for n in range(CLIENTS)
            ]
            statuses = [status for future in futures for status in future.result()]
        post_workers = {pid for pid, method, *__ in server.access_log() if method == "POST"}

    assert statuses.count(303) == POSTS_PER_MINUTE
    assert statuses.count(429) == CLIENTS * POSTS_EACH - POSTS_PER_MINUTE
    assert len(post_workers) > 1, "every post went to one worker; the test proves nothing"
    assert len(load_db.tool("state")["comments"]) == POSTS_PER_MINUTE
