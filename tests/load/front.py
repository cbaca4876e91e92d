"""gunicorn behind nginx as deploy/nginx/newsroom.conf ships it, for the front's load tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from deploy.proxy import free_port, nginx, nginx_missing, purge_missing
from tests.load.conftest import ROOT, LoadDatabase, Server, gunicorn

# The forms of the shared page need no token from a current browser, which says this.
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
# Where the test's readers connect from: not nginx's address, so not a trusted proxy.
READER_ADDRESS = "127.0.0.3"


def require_purge() -> None:
    """Skip, saying why, where nginx cannot purge (the site then runs unpurged)."""
    if reason := purge_missing():
        pytest.skip(reason)


@contextmanager
def behind_nginx(database: LoadDatabase, folder: Path) -> Iterator[tuple[str, str, Server]]:
    """gunicorn behind nginx over ``database``, purging on write where the module is
    installed, as `make run-proxy` does: (nginx's URL, the article's slug, gunicorn)."""
    if reason := nginx_missing():
        pytest.skip(reason)
    slug = database.tool("setup")["slug"]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    purge = None if purge_missing() else free_port()
    purging = {"NEWSROOM_PURGE_URL": f"http://127.0.0.1:{purge}"} if purge else {}
    # The tests' readers are guests never seen before: held as newcomers, their
    # comments would never reach the shared page whose freshness is under test.
    with gunicorn(database, workers=2, NEWSROOM_TRUSTED_PROXIES="127.0.0.1",
                  NEWSROOM_PREMODERATE_NEWCOMERS="0", NEWSROOM_SITE_URL=url,
                  **purging) as server:
        upstream = int(server.url.rsplit(":", 1)[1])
        with nginx(folder / "nginx", port=port, upstream=upstream, purge=purge,
                   static_root=ROOT / "staticfiles"):
            yield url, slug, server


def reader(url: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=READER_ADDRESS)
    return httpx.Client(base_url=url, transport=transport, timeout=30)
