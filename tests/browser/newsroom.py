"""A real Newsroom for the browser tests, and how the tests find their way around it.

The site runs as `make run` runs it: gunicorn, DEBUG off, whitenoise, over a
database of its own (a SQLite file, or a scratch PostgreSQL database when
DATABASE_URL points at PostgreSQL) holding the imported seeds.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.servers import stop

BASE_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
FIRST_SEED = "ISIS will lose Mosul and Raqqa. What happens next?"
SECOND_SEED = "What Happens When Mosul Is Recaptured?"
# The axe findings a page fails on; lesser ones are advice.
BLOCKING_IMPACTS = {"serious", "critical"}

# Comment text of realistic length, so layouts are judged on what readers write.
SPEECH = [
    "The recapture matters less than who holds the city a year from now. Every "
    "liberated town around Mosul has shown the same pattern: the front moves on, "
    "and the cells come back at night.",
    "That is true of the villages, but Mosul has two million people and a Sunni "
    "police force that is being rebuilt from scratch. It is a different problem.",
    "Rebuilt by whom, though? The money for reconstruction has not arrived, and "
    "without it the new police will be paid late or not at all.",
    "Reconstruction funds were pledged in Kuwait. Pledged is not paid, agreed.",
    "Which is exactly the point made in the West Point report the article quotes.",
    "I read the report. Its numbers on attacks after liberation are sobering.",
    "Sobering, yes, but the trend line goes down in most of the districts.",
    "Fair. Let us see where it stands next summer.",
]


@dataclass
class Site:
    url: str
    env: dict[str, str]

    def manage(self, *args: str) -> str:
        """Run a management command against the site's database; return its output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR, env=self.env, capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}{done.stderr}"
        return done.stdout

    def article(self, title: str) -> dict:
        """The article with ``title`` as the public API shows it, thread included."""
        listing = httpx.get(f"{self.url}/api/articles/").json()["articles"]
        slug = next(a["slug"] for a in listing if a["title"] == title)
        return httpx.get(f"{self.url}/api/articles/{slug}/").json()

    def post_comment(self, slug: str, body: str, *, parent=None, name="Reader") -> int:
        """Post as an anonymous reader would, through the form's URL; return the new pk."""
        path = f"/articles/{slug}/" + (f"comments/{parent}/reply/" if parent else "comment/")
        with httpx.Client(base_url=self.url) as client:
            client.get(path).raise_for_status()
            response = client.post(
                path,
                data={"name": name, "body": body},
                headers={"X-CSRFToken": client.cookies["csrftoken"]},
            )
        assert response.status_code == 303, response.text
        return pk_in(response.headers["location"])

    def link_mailed_to(self, address: str) -> str:
        """The path of the link in the last message the site mailed to ``address``
        (the site writes its mail to files: EMAIL_URL is file://)."""
        folder = Path(unquote(urlsplit(self.env["EMAIL_URL"]).path))
        # Django's file backend ends each message with a line of 79 dashes.
        chunks = [
            chunk
            for path in sorted(folder.iterdir(), key=lambda path: path.stat().st_mtime_ns)
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")
            if chunk.strip()
        ]
        messages = [message_from_bytes(chunk, policy=policy.default) for chunk in chunks]
        text = [m for m in messages if m["To"] == address][-1].get_body().get_content()
        return urlsplit(re.search(r"https?://\S+", text)[0]).path

    def post_chain(self, slug: str, names: list[str]) -> list[int]:
        """A new thread in which each comment answers the one before; pks, top first."""
        pks: list[int] = []
        for depth, name in enumerate(names):
            body = SPEECH[depth % len(SPEECH)]
            pks.append(self.post_comment(slug, body, parent=pks[-1] if pks else None, name=name))
        return pks


def pk_in(url: str) -> int:
    """The comment a URL points at with its #c<pk>."""
    return int(re.search(r"#c(\d+)$", url)[1])


def comment(page: Page, pk: int) -> Locator:
    return page.locator(f"#c{pk}")


def replies_of(page: Page, pk: int) -> Locator:
    """The comments nested directly under comment ``pk``."""
    return page.locator(f"#c{pk} > details > ol > li")


def send_reply(page: Page, form: Page | Locator, *, parent: int, name: str, text: str) -> int:
    """Fill and send a reply ``form`` for comment ``parent``; once the article page it
    lands on shows the reply nested under its parent, return the reply's pk."""
    form.get_by_role("textbox", name="Name").fill(name)
    form.get_by_role("textbox", name="Comment").fill(text)
    form.get_by_role("button", name="Post reply").click()
    expect(page).to_have_url(re.compile(r"/articles/[^/]+/\?comment=(\d+)#c\1$"))
    new = pk_in(page.url)
    expect(replies_of(page, parent)).to_have_attribute("id", f"c{new}")
    expect(comment(page, new)).to_contain_text(text)
    return new


def blocking(violations: list[dict]) -> str:
    """axe's serious and critical findings among ``violations``, one a line; "" if none."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    )


def blocking_by_page(visits) -> dict[str, str]:
    """The pages of ``visits`` (each with a ``name`` and axe's ``violations``) that have
    serious or critical findings, and those findings."""
    return {visit.name: found for visit in visits if (found := blocking(visit.violations))}


def log_in(page: Page, username: str, password: str, next_url: str = "/admin/"):
    """Log into the admin; return the response of the page it lands on."""
    page.goto(f"/admin/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation(url=f"**{next_url}") as landing:
        page.get_by_role("button", name="Log in").click()
    return landing.value


@contextmanager
def scratch_database(folder: Path) -> Iterator[str]:
    """A database URL of our own: a SQLite file in ``folder``, or, when DATABASE_URL
    points at PostgreSQL, a uniquely named database on that server, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{folder / 'newsroom.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    name = f"newsroom_browser_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def server_env(database_url: str, static_root: Path, mail_folder: Path) -> dict[str, str]:
    # A developer's own DJANGO_*/NEWSROOM_* settings (pre-moderation, blocked
    # words, a shared Redis cache, a real mail server) would change what the
    # journeys see, or send their mail.
    own = {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DEFAULT_FROM_EMAIL"}
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "NEWSROOM_")) and key not in own
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "tests.browser.server_settings",
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_HTTPS": "0",
        "NEWSROOM_POSTS_PER_MINUTE": "0",
        # The journeys post as first-time guests and expect to see their comments.
        "NEWSROOM_PREMODERATE_NEWCOMERS": "0",
        "NEWSROOM_TEST_STATIC_ROOT": str(static_root),
        "EMAIL_URL": mail_folder.as_uri(),
    }


@contextmanager
def gunicorn(env: dict[str, str], folder: Path) -> Iterator[str]:
    """Serve on a port the kernel picks (no race for a free one); yield the base URL."""
    log = folder / "gunicorn.log"
    process = subprocess.Popen(
        [BIN / "gunicorn", "newsroom.wsgi", "--bind", "127.0.0.1:0", "--workers", "2",
         "--error-logfile", log, "--access-logfile", folder / "access.log"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        yield _wait_until_serving(process, log)
    finally:
        stop(process, timeout=10)


def _wait_until_serving(process: subprocess.Popen, log: Path, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    url = None
    while time.monotonic() < deadline and process.poll() is None:
        if url is None and log.exists():
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
            url = found and found.group(1)
        if url is not None:
            try:
                if httpx.get(f"{url}/", timeout=5).status_code == 200:
                    return url
            except httpx.TransportError:
                pass
        time.sleep(0.1)
    text = log.read_text() if log.exists() else "(no log)"
    raise RuntimeError(f"gunicorn did not start serving within {timeout:.0f}s:\n{text}")
