"""Every account page, as a reader meets it: signing up, verifying, settings,
signing in and out, resetting a password; each checked by axe and the Nu HTML
Checker the way tests/browser/test_accessibility.py checks the reading pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.newsroom import FIRST_SEED, blocking_by_page
from tests.browser.test_accessibility import Visit, nu_errors, visit

pytestmark = pytest.mark.browser

EMAIL = "ada.browser@example.com"
PASSWORD = "a browser test passphrase"
NEW_PASSWORD = "another browser passphrase"


def submit(page: Page, button: str):
    """Click a button that sends a form; the response of the page it lands on."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button).click()
    return navigation.value


@pytest.fixture(scope="module")
def account_pages(browser, site, artifacts) -> list[Visit]:
    """Each account page once, in the order a new reader reaches them."""
    context = browser.new_context(base_url=site.url)
    page = context.new_page()
    visits = [visit(page, "signup", page.goto("/accounts/signup/"), artifacts)]
    response = submit(page, "Sign Up")
    assert response.status == 200
    visits.append(visit(page, "signup-with-errors", response, artifacts))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Display name").fill("Ada Browser")
    page.get_by_label("Password").fill(PASSWORD)
    visits.append(visit(page, "verification-sent", submit(page, "Sign Up"), artifacts))

    confirm = page.goto(site.link_mailed_to(EMAIL))
    visits.append(visit(page, "email-confirm", confirm, artifacts))
    submit(page, "Confirm")
    expect(page.locator(".masthead .reader")).to_have_text("Ada Browser")
    for name, path in [
        ("settings", "/accounts/settings/"),
        ("email", "/accounts/email/"),
        ("password-change", "/accounts/password/change/"),
        ("logout", "/accounts/logout/"),
        ("delete", "/accounts/delete/"),
    ]:
        visits.append(visit(page, name, page.goto(path), artifacts))
    page.get_by_label("Yes, delete my account").check()
    reauthenticate = submit(page, "Delete my account")
    assert "/accounts/reauthenticate/" in reauthenticate.url
    visits.append(visit(page, "reauthenticate", reauthenticate, artifacts))
    submit(page, "Sign out")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    visits.append(visit(page, "login", page.goto("/accounts/login/"), artifacts))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("not the password")
    visits.append(visit(page, "login-with-errors", submit(page, "Sign In"), artifacts))
    visits.append(visit(page, "password-reset", page.goto("/accounts/password/reset/"), artifacts))
    page.get_by_label("Email").fill(EMAIL)
    visits.append(visit(page, "password-reset-done", submit(page, "Reset My Password"), artifacts))
    reset = page.goto(site.link_mailed_to(EMAIL))
    visits.append(visit(page, "password-reset-from-key", reset, artifacts))
    page.get_by_label("New Password:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New Password (again)").fill(NEW_PASSWORD)
    done = submit(page, "Change Password")
    visits.append(visit(page, "password-reset-from-key-done", done, artifacts))
    context.close()
    return visits


def test_account_pages_have_no_serious_or_critical_axe_violations(account_pages):
    assert blocking_by_page(account_pages) == {}


def test_account_pages_pass_the_nu_html_checker(account_pages, tmp_path):
    assert nu_errors(account_pages, tmp_path) == []


def test_account_pages_wear_newsrooms_page(account_pages):
    for page in account_pages:
        assert 'class="masthead"' in page.html, page.name
        assert "· Newsroom</title>" in page.html, page.name


def test_a_reader_signs_in_with_the_new_password_and_lands_where_they_were(
    account_pages, page: Page
):
    page.goto("/")
    page.get_by_role("link", name=FIRST_SEED).click()
    article_url = page.url
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    submit(page, "Sign In")

    expect(page).to_have_url(article_url)
    expect(page.locator(".masthead .reader")).to_have_text("Ada Browser")
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("textbox", name="Display name").fill("Ada B. Browser")
    submit(page, "Change name")
    expect(page.locator(".masthead .reader")).to_have_text("Ada B. Browser")
