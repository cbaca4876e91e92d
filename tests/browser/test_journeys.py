"""What readers and moderators do, end to end, in Chromium against the real server.

Each journey that writes builds its own thread (on the second seed), so the
journeys pass in any order and the first seed keeps the shape of its dump.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.newsroom import (
    FIRST_SEED,
    SECOND_SEED,
    comment,
    pk_in,
    replies_of,
    send_reply,
)

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_reader_finds_the_reply_nested_in_the_third_comment_and_follows_its_permalink(page: Page):
    page.goto("/")
    page.get_by_role("link", name=FIRST_SEED).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FIRST_SEED)
    article_url = page.url

    third = page.locator("ol.thread > li").nth(2)
    expect(third).to_contain_text("09.07 The soldiers of the special anti-terrorist unit")
    reply = third.locator("details > ol > li")
    expect(reply).to_have_count(1)
    expect(reply.locator("article > p")).to_have_text(
        "Iraq announced the liberation of Mosul from IS"
    )

    reply.locator("header a").click()
    reply_id = reply.get_attribute("id")
    expect(page).to_have_url(f"{article_url}#{reply_id}")
    expect(page.locator(":target")).to_have_id(reply_id)
    expect(reply.locator("article")).to_be_in_viewport()

    page.go_back()
    expect(page).to_have_url(article_url)
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Latest articles")

    # Someone else opens the shared permalink: the reply is in view and has the focus.
    page.goto(f"{article_url}#{reply_id}")
    expect(reply.locator("article")).to_be_in_viewport()
    expect(reply.locator("article")).to_be_focused()


def test_inline_reply_with_javascript_lands_nested_focused_and_highlighted(page: Page, site):
    slug = site.article(SECOND_SEED)["slug"]
    *_, deep = site.post_chain(slug, ["Layla", "Tom", "Amira"])
    page.goto(f"/articles/{slug}/")

    comment(page, deep).locator("> article").get_by_role("link", name="Reply").click()
    form = comment(page, deep).locator("> article > form")
    expect(form).to_be_visible()
    expect(form.get_by_role("textbox", name="Comment")).to_be_focused()
    text = "Answered in place, three levels down."
    new = send_reply(page, form, parent=deep, name="Inline Reader", text=text)

    expect(page).to_have_url(re.compile(rf"/articles/{slug}/\?comment={new}#c{new}$"))
    expect(comment(page, new)).to_contain_text("reply to Amira")
    expect(comment(page, new).locator("article")).to_be_focused()
    assert comment(page, new).locator("article").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    ) not in {"rgba(0, 0, 0, 0)", "transparent"}
    expect(page.get_by_role("status")).to_contain_text("Your comment has been posted.")


def test_reply_without_javascript_goes_through_the_reply_page(new_context, site):
    page = new_context(java_script_enabled=False).new_page()
    slug = site.article(SECOND_SEED)["slug"]
    *_, deep = site.post_chain(slug, ["Ruth", "Omar", "Ines"])
    page.goto(f"/articles/{slug}/")

    comment(page, deep).get_by_role("link", name="Reply").click()
    expect(page).to_have_url(f"{site.url}/articles/{slug}/comments/{deep}/reply/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply to Ines")
    expect(page.locator("blockquote.quoted")).to_contain_text("Rebuilt by whom, though?")
    text = "No script needed to join in."
    new = send_reply(page, page, parent=deep, name="Plain Reader", text=text)

    expect(page).to_have_url(re.compile(rf"/articles/{slug}/\?comment={new}#c{new}$"))
    expect(page.locator(":target")).to_have_id(f"c{new}")


def assert_error_next_to(page: Page, field_name: str, message: str) -> None:
    """The error is shown in the field's box, just above it, and is its description."""
    field = page.get_by_role("textbox", name=field_name)
    error = page.locator(".field", has=field).locator(".errorlist")
    expect(error).to_contain_text(message)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(error.get_attribute("id")))
    error_box, field_box = error.bounding_box(), field.bounding_box()
    assert 0 <= field_box["y"] - (error_box["y"] + error_box["height"]) < 24


def test_errors_show_next_to_the_fields_keep_the_text_and_take_the_focus(page: Page, site):
    seed = site.article(SECOND_SEED)
    reply_url = f"/articles/{seed['slug']}/comments/{seed['comments'][1]['id']}/reply/"
    page.goto(reply_url)

    page.get_by_role("textbox", name="Name").fill("Grace")
    with page.expect_navigation() as empty:
        page.get_by_role("button", name="Post reply").click()
    assert empty.value.status == 400
    assert_error_next_to(page, "Comment", "Write something before posting.")
    expect(page.get_by_role("textbox", name="Name")).to_have_value("Grace")
    expect(page.get_by_role("textbox", name="Comment")).to_be_focused()

    too_long = "A sentence that goes on. " * 201
    page.get_by_role("textbox", name="Name").fill("")
    page.get_by_role("textbox", name="Comment").fill(too_long)
    with page.expect_navigation() as long:
        page.get_by_role("button", name="Post reply").click()
    assert long.value.status == 400
    assert_error_next_to(page, "Name", "Enter the name")
    assert_error_next_to(page, "Comment", "at most 5000 characters")
    expect(page.get_by_role("textbox", name="Comment")).to_have_value(too_long)
    expect(page.get_by_role("textbox", name="Name")).to_be_focused()


def test_moderator_removes_a_comment_with_replies_and_restores_it(
    moderator_page: Page, new_context, site, artifacts
):
    seed = site.article(FIRST_SEED)
    third = seed["comments"][2]
    reply_text = "Iraq announced the liberation of Mosul from IS"
    admin = moderator_page

    admin.goto("/admin/comments/comment/")
    held = admin.locator("#result_list tbody tr").filter(has_text="Text lost to encoding")
    expect(held).to_contain_text("Pending review")
    # The queue shortens article titles so the verdict columns stay in view.
    expect(held).to_contain_text(FIRST_SEED[:30])
    statuses = admin.locator("#result_list td.field-status").all_inner_texts()
    assert statuses == sorted(statuses, key=lambda status: status != "Pending review")

    # A published comment: on the queue's "All", not in what needs a decision.
    admin.get_by_role("link", name="All", exact=True).first.click()
    admin.locator("#searchbar").fill("09.07 The soldiers")
    admin.locator("#searchbar").press("Enter")
    admin.locator("#result_list tbody tr").first.get_by_role("link").first.click()
    expect(admin.locator(".desk")).to_contain_text(reply_text)
    admin.get_by_role("button", name="Remove", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("Comment removed.")

    reader = new_context().new_page()
    reader.goto(f"/articles/{seed['slug']}/")
    removed = comment(reader, third["id"])
    expect(removed).to_have_class(re.compile(r"\bgone\b"))
    expect(removed.locator(".tomb")).to_have_text("This comment was removed.")
    expect(removed).not_to_contain_text("09.07 The soldiers")
    reply = replies_of(reader, third["id"])
    expect(reply).to_contain_text(reply_text)
    expect(reply).to_contain_text("reply to a removed comment")
    removed.screenshot(path=artifacts / "tombstone.png")

    admin.get_by_role("button", name="Restore", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("Comment restored.")
    reader.reload()
    expect(removed).not_to_have_class(re.compile(r"\bgone\b"))
    expect(removed).to_contain_text("09.07 The soldiers")
    expect(replies_of(reader, third["id"])).to_contain_text(reply_text)


def test_eight_deep_thread_is_readable_on_a_phone(new_context, site, artifacts):
    page = new_context(**PHONE).new_page()
    slug = site.article(SECOND_SEED)["slug"]
    chain = site.post_chain(slug, ["Layla Hassan", "Tom Becker", "Amira Saleh", "Daniel Ortiz",
                                   "Kenji Watanabe", "Ruth Adler", "Omar Faruq", "Ines Moreau"])
    width = PHONE["viewport"]["width"]

    for url in (f"/articles/{slug}/", f"/articles/{slug}/comments/{chain[0]}/"):
        page.goto(url)
        expect(comment(page, chain[-1])).to_be_attached()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
        depth = comment(page, chain[-1]).evaluate(
            "el => { let n = 0; while ((el = el.parentElement.closest('ol ol'))) n++; return n; }"
        )
        assert depth == len(chain) - 1, url
        for pk in chain:
            box = comment(page, pk).locator("article > p").first.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (url, pk, box)
            assert box["width"] >= 0.6 * width, (url, pk, box)
    page.screenshot(path=artifacts / "deep-thread-phone.png", full_page=True)


FOCUS_STATE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {
    tag: el.tagName, href: el.getAttribute('href'), text: el.textContent.trim().slice(0, 40),
    ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def test_keyboard_alone_reaches_every_reply_link_and_posts_a_reply(page: Page, site):
    seed = site.article(FIRST_SEED)
    first = seed["comments"][0]["id"]
    page.goto(f"/articles/{seed['slug']}/")
    reply_links = {link.get_attribute("href") for link in page.locator("a.reply").all()}

    reached, without_ring, stops = set(), [], []
    for _ in range(300):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state["tag"] == "BODY" or (stops and state == stops[0]):
            break
        stops.append(state)
        if not state["ring"]:
            without_ring.append(state)
        if state["href"] in reply_links:
            reached.add(state["href"])
    assert reached == reply_links
    assert without_ring == []

    # Thread links are relative to the article's page.
    target = f"comments/{first}/reply/"
    page.reload()
    for _ in range(next(i for i, s in enumerate(stops) if s["href"] == target) + 1):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    form = comment(page, first).locator("> article > form")
    expect(form.get_by_role("textbox", name="Comment")).to_be_focused()
    page.keyboard.type("Typed and sent without a mouse.")
    # Back over "Email me replies" and Email to Name.
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
    expect(form.get_by_role("textbox", name="Name")).to_be_focused()
    page.keyboard.type("Keyboard Reader")
    for _ in range(4):
        page.keyboard.press("Tab")
    expect(form.get_by_role("button", name="Post reply")).to_be_focused()
    assert page.evaluate(FOCUS_STATE)["ring"]
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"#c\d+$"))
    new = pk_in(page.url)
    expect(replies_of(page, first).last).to_have_id(f"c{new}")
    expect(comment(page, new)).to_contain_text("Typed and sent without a mouse.")
    expect(comment(page, new).locator("article")).to_be_focused()
