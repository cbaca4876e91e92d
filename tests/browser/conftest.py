"""One Newsroom server and one Chromium for all browser tests.

The server, the browser and Playwright itself are package-scoped, so all are
gone before the rest of the suite runs. That matters beyond speed: while
Playwright's sync API is started it leaves an asyncio loop marked as running,
and Django's ORM refuses to work under one. pytest-playwright's per-test
fixtures (``page``, ``new_context``) and options (``--tracing``,
``--screenshot``, ``--headed``) work on top of these.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.browser.newsroom import (
    BASE_DIR,
    Site,
    gunicorn,
    log_in,
    scratch_database,
    server_env,
)

ARTIFACTS = BASE_DIR / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MODERATOR = ("moderator", "a-browser-test-password")


@pytest.fixture(scope="package")
def site(tmp_path_factory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("newsroom-site")
    with scratch_database(folder) as database_url:
        env = server_env(database_url, folder / "static", folder / "mail")
        setup = Site(url="", env=env)
        setup.manage("migrate", "--noinput")
        setup.manage("collectstatic", "--noinput", "--verbosity", "0")
        setup.manage("import_seeds", "seeds/")
        with gunicorn(env, folder) as url:
            yield Site(url=url, env=env)


@pytest.fixture(scope="package")
def moderator(site: Site) -> tuple[str, str]:
    """A staff user in the Moderators group (not a superuser), as README makes one."""
    username, password = MODERATOR
    site.manage(
        "shell", "-c",
        "from django.contrib.auth.models import Group, User\n"
        f"user = User.objects.create_user({username!r}, password={password!r}, is_staff=True)\n"
        "user.groups.add(Group.objects.get(name='Moderators'))",
    )
    return MODERATOR


@pytest.fixture(scope="package")
def playwright():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright, browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (`make browser-deps` installs it)")
    browser = playwright.chromium.launch(
        **browser_type_launch_args, executable_path=CHROMIUM, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(site: Site) -> dict:
    return {"base_url": site.url}


@pytest.fixture(scope="package")
def artifacts() -> Path:
    """Where screenshots and reports go for people to look at (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def moderator_page(new_context, moderator) -> Page:
    """A page logged into the admin as the moderator."""
    page = new_context().new_page()
    log_in(page, *moderator)
    return page
