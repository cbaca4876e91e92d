"""Respecting a comment with and without script, and a moderator featuring one, in
Chromium against the real server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.newsroom import SECOND_SEED, Site, comment

pytestmark = pytest.mark.browser

PASSWORD = "a-respectful-password"


def reader_account(site: Site, name: str) -> str:
    """A reader with a verified address, as sign-up leaves one; their email."""
    email = f"{name.lower()}@example.com"
    site.manage(
        "shell", "-c",
        "from allauth.account.models import EmailAddress\n"
        "from django.contrib.auth.models import User\n"
        "from readers.services import profile_create\n"
        f"user = User.objects.create_user({name!r}, email={email!r}, password={PASSWORD!r})\n"
        f"profile_create(user=user, display_name={name!r})\n"
        f"EmailAddress.objects.create(user=user, email={email!r}, verified=True, primary=True)",
    )
    return email


def sign_in(page: Page, email: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()


def respect_button(page: Page, pk: int):
    return comment(page, pk).locator("> article > footer").get_by_role("button", name="Respect")


def test_a_reader_respects_with_javascript_without_a_reload(new_context, site):
    slug = site.article(SECOND_SEED)["slug"]
    pk = site.post_comment(slug, "A careful point, worth a respect.", name="Careful")
    page = new_context().new_page()
    sign_in(page, reader_account(site, "Jsreader"), f"/articles/{slug}/")
    page.goto(f"/articles/{slug}/")
    page.evaluate("window.notReloaded = true")
    button = respect_button(page, pk)
    expect(button).to_have_attribute("aria-pressed", "false")

    button.click()

    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_have_text("Respect 1")
    assert page.evaluate("window.notReloaded") is True
    page.reload()
    expect(respect_button(page, pk)).to_have_attribute("aria-pressed", "true")
    respect_button(page, pk).click()
    expect(respect_button(page, pk)).to_have_attribute("aria-pressed", "false")
    expect(respect_button(page, pk)).to_have_text("Respect")


def test_a_reader_respects_without_javascript_and_lands_back_on_the_comment(new_context, site):
    slug = site.article(SECOND_SEED)["slug"]
    pk = site.post_comment(slug, "Plainly put, and right.", name="Plain")
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, reader_account(site, "Nojsreader"), f"/articles/{slug}/")
    page.goto(f"/articles/{slug}/")

    with page.expect_navigation():
        respect_button(page, pk).click()

    expect(page).to_have_url(re.compile(rf"/articles/{slug}/\?comment={pk}#c{pk}$"))
    expect(respect_button(page, pk)).to_have_attribute("aria-pressed", "true")
    expect(respect_button(page, pk)).to_have_text("Respect 1")
    expect(page.get_by_role("status")).to_contain_text("You respect this comment.")


def test_a_guest_is_asked_to_sign_in_and_comes_back_to_the_comment(new_context, site):
    slug = site.article(SECOND_SEED)["slug"]
    pk = site.post_comment(slug, "Guests may read the count.", name="Counted")
    page = new_context().new_page()
    page.goto(f"/articles/{slug}/")

    respect_button(page, pk).click()

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Email").fill(reader_account(site, "Latecomer"))
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(rf"/articles/{slug}/\?comment={pk}#c{pk}$"))


def test_a_moderator_features_a_comment_and_the_discussion_opens_with_it(
    moderator_page: Page, new_context, site
):
    slug = site.article(SECOND_SEED)["slug"]
    text = "The one comment every reader of this article should see."
    pk = site.post_comment(slug, text, name="Insightful")
    moderator_page.goto(f"/admin/comments/comment/{pk}/change/")

    moderator_page.get_by_role("button", name="Feature", exact=True).click()

    expect(moderator_page.locator(".messagelist")).to_contain_text("Comment featured")
    expect(moderator_page.get_by_role("button", name="Unfeature")).to_be_visible()
    reader = new_context().new_page()
    reader.goto(f"/articles/{slug}/")
    section = reader.get_by_role("region", name="Featured")
    expect(section.locator("blockquote")).to_contain_text(text)
    expect(section).to_contain_text("Insightful")
    expect(comment(reader, pk).locator(".featured")).to_have_text("Featured")
    section.get_by_role("link", name="Read it in the discussion").click()
    expect(reader).to_have_url(re.compile(rf"\?comment={pk}#c{pk}$"))
    expect(reader.locator(":target")).to_have_id(f"c{pk}")
