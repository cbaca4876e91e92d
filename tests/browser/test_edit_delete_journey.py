"""A reader edits and deletes their own comment, with and without JavaScript,
in the edit window and after it (on the second seed, each journey its own thread)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.newsroom import SECOND_SEED, comment, pk_in

pytestmark = pytest.mark.browser


def post_own(page: Page, slug: str, text: str) -> int:
    """Post ``text`` from ``page``'s browser, whose session then remembers it as its own."""
    page.goto(f"/articles/{slug}/")
    form = page.locator("#comment-form")
    form.get_by_role("textbox", name="Name").fill("Editing Reader")
    form.get_by_role("textbox", name="Comment").fill(text)
    form.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(re.compile(r"\?comment=\d+#c\d+$"))
    return pk_in(page.url)


def age(site, pk: int, seconds: int) -> None:
    site.manage(
        "shell", "-c",
        "from datetime import timedelta\nfrom django.utils import timezone\n"
        "from comments.models import Comment\n"
        f"Comment.objects.filter(pk={pk})"
        f".update(created=timezone.now() - timedelta(seconds={seconds}))",
    )


def test_editing_with_javascript_happens_in_place(page: Page, site):
    slug = site.article(SECOND_SEED)["slug"]
    pk = post_own(page, slug, "The bridge opens in Juen.")
    url = page.url
    mine = comment(page, pk)

    mine.get_by_role("link", name="Edit").click()
    box = mine.get_by_role("textbox", name="Comment")
    expect(box).to_be_focused()
    expect(box).to_have_value("The bridge opens in Juen.")
    box.fill("")
    mine.get_by_role("button", name="Save changes").click()
    expect(mine.locator(".form-errors")).to_contain_text("Write something before posting.")
    box.fill("The bridge opens in June.")
    mine.get_by_role("button", name="Save changes").click()

    expect(mine.locator("article > p").first).to_have_text("The bridge opens in June.")
    expect(mine.locator("header .edited")).to_have_text("edited")
    expect(mine.get_by_role("status")).to_have_text("Your comment was edited.")
    assert page.url == url
    page.reload()
    expect(comment(page, pk)).to_contain_text("The bridge opens in June.")
    expect(comment(page, pk).locator("header .edited")).to_be_visible()


def test_editing_without_javascript_goes_through_the_edit_page(new_context, site):
    page = new_context(java_script_enabled=False).new_page()
    slug = site.article(SECOND_SEED)["slug"]
    pk = post_own(page, slug, "Teh council votes on Monday.")

    comment(page, pk).get_by_role("link", name="Edit").click()
    expect(page).to_have_url(f"{site.url}/articles/{slug}/comments/{pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your comment")
    page.get_by_role("textbox", name="Comment").fill("The council votes on Monday.")
    page.get_by_role("button", name="Save changes").click()

    expect(page).to_have_url(re.compile(rf"\?comment={pk}#c{pk}$"))
    expect(comment(page, pk)).to_contain_text("The council votes on Monday.")
    expect(comment(page, pk).locator("header .edited")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Your comment was edited.")


def test_after_the_window_the_edit_link_is_gone_and_a_stale_one_explains(page: Page, site):
    slug = site.article(SECOND_SEED)["slug"]
    pk = post_own(page, slug, "Written a while ago.")
    age(site, pk, 901)

    # The page still open from before: its Edit link leads to the reason.
    comment(page, pk).get_by_role("link", name="Edit").click()
    expect(page).to_have_url(f"{site.url}/articles/{slug}/comments/{pk}/edit/")
    expect(page.get_by_role("alert")).to_contain_text("can be edited for 15 minutes")
    expect(page.get_by_role("button", name="Save changes")).to_have_count(0)

    page.goto(f"/articles/{slug}/?comment={pk}")
    expect(comment(page, pk).get_by_role("link", name="Edit")).to_have_count(0)
    expect(comment(page, pk).get_by_role("link", name="Delete")).to_be_visible()


def test_deleting_a_comment_without_replies_takes_it_off_the_page(page: Page, site):
    slug = site.article(SECOND_SEED)["slug"]
    pk = post_own(page, slug, "Second thoughts, alone.")

    comment(page, pk).get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your comment?")
    expect(page.locator("blockquote")).to_contain_text("Second thoughts, alone.")
    page.get_by_role("button", name="Delete my comment").click()

    expect(page.get_by_role("status")).to_contain_text("Your comment was deleted.")
    expect(page.locator(f"#c{pk}")).to_have_count(0)
    expect(page.get_by_text("Second thoughts, alone.")).to_have_count(0)


def test_deleting_a_comment_with_replies_leaves_them_under_a_tombstone(new_context, site):
    page = new_context(java_script_enabled=False).new_page()
    slug = site.article(SECOND_SEED)["slug"]
    pk = post_own(page, slug, "Second thoughts, answered.")
    reply = site.post_comment(slug, "An answer that stays.", parent=pk, name="Replier")
    page.reload()

    comment(page, pk).get_by_role("link", name="Delete").click()
    expect(page.get_by_text("Its replies stay")).to_be_visible()
    page.get_by_role("button", name="Delete my comment").click()

    page.goto(f"/articles/{slug}/?comment={reply}")
    expect(comment(page, pk).locator("> .tomb")).to_have_text("Deleted by its author.")
    expect(comment(page, reply)).to_contain_text("An answer that stays.")
    expect(page.get_by_text("Second thoughts, answered.")).to_have_count(0)
