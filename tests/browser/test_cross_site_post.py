"""Issue 18: the shared page's comment form takes no token, so another site's page must not
be able to post through a reader's browser, with JavaScript or without; the same form
sent from Newsroom's own page is taken."""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from tests.browser.newsroom import SECOND_SEED, Site, comment, pk_in

pytestmark = pytest.mark.browser

# Newsroom runs at 127.0.0.1; a page from "localhost" is another host, so another site
# as Fetch Metadata counts them (and another origin as Origin does).
FOREIGN_HOST = "localhost"


def comment_form(action: str, body: str) -> str:
    """The fields of the article page's comment form, filled in, posting to ``action``."""
    return (
        f'<form method="post" action="{html.escape(action)}">'
        '<input name="name" value="Mallory"><input name="email" value="">'
        f'<textarea name="body">{html.escape(body)}</textarea><input name="website" value="">'
        "<button>Send it</button></form>"
    )


@contextmanager
def foreign_site(page_html: str) -> Iterator[str]:
    """Another site serving ``page_html`` at its root, until the block ends: its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            content = page_html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{FOREIGN_HOST}:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def stored(site: Site, body: str) -> int:
    """How many comments in the database say ``body``."""
    return int(site.manage(
        "shell", "-c",
        "from comments.models import Comment\n"
        f"print(Comment.objects.filter(body={body!r}).count())",
    ).split()[-1])


@pytest.fixture
def comment_url(site: Site, page: Page) -> str:
    """The second seed's comment URL, once the reader's browser has been to the article."""
    slug = site.article(SECOND_SEED)["slug"]
    page.goto(f"/articles/{slug}/")
    return f"{site.url}/articles/{slug}/comment/"


def test_a_form_another_site_submits_lands_on_a_403_and_posts_nothing(site, page, comment_url):
    body = "Forged without JavaScript on Newsroom's side"
    forged = f'<body onload="document.forms[0].submit()">{comment_form(comment_url, body)}</body>'

    with foreign_site(forged) as url, page.expect_response(comment_url) as sent:
        page.goto(url)
    page.wait_for_load_state()

    assert sent.value.request.method == "POST"
    assert sent.value.status == 403
    expect(page).to_have_url(comment_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("This form has expired")
    assert stored(site, body) == 0


def test_a_fetch_from_another_site_with_the_readers_cookies_posts_nothing(site, page, comment_url):
    body = "Forged with JavaScript"
    fields = {"name": "Mallory", "email": "", "body": body, "website": ""}
    script = (
        f"fetch({json.dumps(comment_url)}, {{method: 'POST', credentials: 'include', "
        f"mode: 'no-cors', body: new URLSearchParams({json.dumps(fields)})}})"
        ".then(() => { document.title = 'sent'; }, (e) => { document.title = 'failed ' + e; });"
    )

    with foreign_site(f"<title>sending</title><script>{script}</script>") as url, \
            page.expect_response(comment_url) as sent:
        page.goto(url)
    expect(page).to_have_title("sent")

    assert sent.value.request.method == "POST"
    assert sent.value.status == 403
    assert stored(site, body) == 0


def test_the_same_form_on_newsrooms_own_page_posts(site, page, comment_url):
    body = "Sent from Newsroom's own page"
    page.evaluate(
        "form => document.querySelector('main').insertAdjacentHTML('beforeend', form)",
        comment_form(comment_url, body),
    )

    page.get_by_role("button", name="Send it").click()

    expect(page).to_have_url(re.compile(r"\?comment=(\d+)#c\1$"))
    expect(comment(page, pk_in(page.url))).to_contain_text(body)
    assert stored(site, body) == 1
