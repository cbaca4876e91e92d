"""A reader's own place in the browser: their public page and My comments, checked
by axe and the Nu HTML Checker, and deleting the account with its text removed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.newsroom import FIRST_SEED, blocking_by_page
from tests.browser.test_accessibility import Visit, nu_errors, visit

pytestmark = pytest.mark.browser

EMAIL = "grace.browser@example.com"
PASSWORD = "a reader pages passphrase"
# One account with a held comment answered by a guest, and one lonely comment.
SETUP = """
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from articles.models import Article
from comments import posting
from readers.services import profile_create
user = User.objects.create_user("grace-browser", email="{email}", password="{password}")
profile_create(user=user, display_name="Grace Browser")
EmailAddress.objects.create(user=user, email="{email}", verified=True, primary=True)
article = Article.objects.get(title={title!r})
answered = posting.comment_create(article=article, parent=None, body="Grace's answered remark",
    author_name="", user=user)
posting.comment_create(article=article, parent=answered, body="A guest answers Grace",
    author_name="Guest Reader")
posting.comment_create(article=article, parent=None, body="Grace's held remark",
    author_name="", user=user, status="pending",
    moderation_reason="Held for review: a watched word")
print(article.slug)  # last: the shell may print a banner first
"""


def submit(page: Page, button: str):
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button).click()
    return navigation.value


@pytest.fixture(scope="module")
def reader_pages(browser, site, artifacts) -> tuple[list[Visit], str]:
    slug = site.manage(
        "shell", "-c", SETUP.format(email=EMAIL, password=PASSWORD, title=FIRST_SEED)
    ).split()[-1]
    context = browser.new_context(base_url=site.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, "Sign In")
    visits = [
        visit(page, "reader-profile", page.goto("/readers/Grace Browser/"), artifacts),
        visit(page, "my-comments", page.goto("/accounts/comments/"), artifacts),
    ]
    context.close()
    return visits, slug


def test_reader_pages_have_no_serious_or_critical_axe_violations(reader_pages):
    visits, _ = reader_pages
    assert blocking_by_page(visits) == {}


def test_reader_pages_pass_the_nu_html_checker(reader_pages, tmp_path):
    visits, _ = reader_pages
    assert nu_errors(visits, tmp_path) == []


def test_a_reader_sees_their_held_comment_then_deletes_the_account_removing_their_text(
    reader_pages, page: Page
):
    _, slug = reader_pages
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, "Sign In")
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="My comments").click()
    expect(page.get_by_text("Held for review: a watched word")).to_be_visible()

    page.goto("/accounts/settings/")
    page.get_by_role("link", name="Delete your account").click()
    page.get_by_label("Remove their text").check()
    page.get_by_label("Yes, delete my account").check()
    reauthenticate = submit(page, "Delete my account")
    if "/accounts/reauthenticate/" in reauthenticate.url:
        page.get_by_label("Password").fill(PASSWORD)
        submit(page, "Confirm")
    expect(page.get_by_text("Your account is deleted.")).to_be_visible()

    page.goto(f"/articles/{slug}/")
    expect(page.get_by_text("This comment was removed.")).to_be_visible()
    expect(page.get_by_text("A guest answers Grace")).to_be_visible()
    expect(page.get_by_text("Grace's answered remark")).to_have_count(0)
