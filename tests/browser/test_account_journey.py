"""Issue 14's journey, end to end: a reader signs up, gets the verification
message over real SMTP, follows it and comments under their account's name; a
staff member's comment says "Staff"; a guest cannot take the staff member's
name; the reader signs out and comments as a guest. The pages on the way are
checked by axe and the Nu HTML Checker."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Page, expect

from tests.browser.newsroom import SECOND_SEED, Site, blocking_by_page, gunicorn, log_in, pk_in
from tests.browser.test_accessibility import Visit, nu_errors, visit
from tests.servers import free_port

pytestmark = pytest.mark.browser

EMAIL = "journey.reader@example.com"
NAME = "Journey Reader"
PASSWORD = "a journey test passphrase"


class Inbox:
    """An SMTP server's handler that keeps the messages it is sent."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def link_to(self, address: str, timeout: float = 15) -> str:
        """The path of the link in the first message to ``address``, once it arrives."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if message["To"] == address:
                    text = message.get_body(preferencelist=("plain",)).get_content()
                    return urlsplit(re.search(r"https?://\S+", text)[0]).path
            time.sleep(0.1)
        raise AssertionError(f"no message to {address} within {timeout} s")


@pytest.fixture(scope="module")
def mailed_site(site: Site, tmp_path_factory) -> Iterator[tuple[Site, Inbox]]:
    """A second server on the site's database whose mail goes over SMTP to an
    aiosmtpd server on 127.0.0.1, as EMAIL_URL tells it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {**site.env, "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}"}
    try:
        with gunicorn(env, tmp_path_factory.mktemp("mailed-site")) as url:
            yield Site(url=url, env=env), inbox
    finally:
        controller.stop()


def click(page: Page, button: str):
    """Click a button that sends a form; the response of the page it lands on."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button).click()
    return navigation.value


def post_comment(page: Page, body: str, name: str | None = None):
    """Fill in and send the article page's comment form; the response it lands on."""
    form = page.locator("#comment-form")
    if name is not None:
        form.get_by_label("Name").fill(name)
    form.get_by_label("Comment").fill(body)
    return click(page, "Post comment")


def posted(page: Page, body: str, name: str | None = None) -> int:
    """Post a comment that is published; its pk, from the URL it lands on."""
    post_comment(page, body, name)
    return pk_in(page.url)


def header_of(page: Page, pk: int):
    return page.locator(f"#c{pk} > article > header")


@pytest.fixture(scope="module")
def journey(mailed_site, browser, moderator, artifacts) -> list[Visit]:
    site, inbox = mailed_site
    seed = site.article(SECOND_SEED)
    article = f"/articles/{seed['slug']}/"
    visits: list[Visit] = []
    reader = browser.new_context(base_url=site.url).new_page()

    # 1-3: sign up, get the message over SMTP, follow its link, confirm.
    reader.goto("/accounts/signup/")
    reader.get_by_label("Email").fill(EMAIL)
    reader.get_by_label("Display name").fill(NAME)
    reader.get_by_label("Password").fill(PASSWORD)
    click(reader, "Sign Up")
    reader.goto(inbox.link_to(EMAIL))
    click(reader, "Confirm")
    expect(reader.locator(".masthead .reader")).to_have_text(NAME)

    # 4: a comment under the account's name, with no guest mark.
    visits.append(visit(reader, "signed-in-article", reader.goto(article), artifacts))
    expect(reader.locator(".posting-as")).to_have_text(f"Posting as {NAME}")
    expect(reader.locator("#comment-form").get_by_label("Name")).to_have_count(0)
    mine = posted(reader, "Signed in and verified, so published at once.")
    expect(header_of(reader, mine).locator("b")).to_have_text(NAME)
    expect(header_of(reader, mine).locator("small")).to_have_count(0)
    expect(reader.locator(f"#c{mine}")).not_to_contain_text(EMAIL)

    # 5: a staff member's comment shows "Staff".
    staff = browser.new_context(base_url=site.url).new_page()
    log_in(staff, *moderator)
    staff.goto(article)
    theirs = posted(staff, "A word from the moderators.")
    expect(header_of(staff, theirs).locator(".role")).to_have_text("Staff")

    # 6: a guest who types the staff member's name gets the form error, text kept.
    guest = browser.new_context(base_url=site.url).new_page()
    guest.goto(article)
    expect(header_of(guest, theirs).locator(".role")).to_have_text("Staff")
    refused = post_comment(guest, "Pretending to be staff.", name=moderator[0].upper())
    assert refused.status == 400
    expect(guest.locator("#id_name_error")).to_contain_text("belongs to a reader with an account")
    expect(guest.get_by_label("Comment")).to_have_value("Pretending to be staff.")
    visits.append(visit(guest, "guest-name-refused", refused, artifacts))

    # 7: the reader signs out and comments as a guest, marked "guest".
    reader.goto(article)
    click(reader, "Sign out")
    reader.goto(article)
    as_guest = posted(reader, "Now as a guest.", name="Passing Reader")
    expect(header_of(reader, as_guest).locator("small")).to_have_text("guest")
    visits.append(visit(reader, "guest-article", reader.goto(article), artifacts))

    # Where only accounts may comment, a guest is asked to sign in.
    site.manage(
        "shell", "-c",
        "from articles.models import Article\n"
        "Article.objects.create(title='Members only', slug='members-only', body='Text.',"
        " commenters='accounts')",
    )
    members = reader.goto("/articles/members-only/")
    expect(reader.get_by_role("link", name="Sign in to comment")).to_have_attribute(
        "href", "/accounts/login/?next=/articles/members-only/%23comment-form"
    )
    visits.append(visit(reader, "sign-in-to-comment", members, artifacts))
    for page in (reader, staff, guest):
        page.context.close()
    return visits


def test_the_journey_pages_have_no_serious_or_critical_axe_violations(journey):
    assert blocking_by_page(journey) == {}


def test_the_journey_pages_pass_the_nu_html_checker(journey, tmp_path):
    assert nu_errors(journey, tmp_path) == []
