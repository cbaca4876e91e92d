"""The page as a reader sees it: line length, lean thread markup, folding threads,
and comments that look like what they are (held, removed)."""

from __future__ import annotations

import re
import statistics

import pytest
from playwright.sync_api import Page, expect

from tests.browser.newsroom import FIRST_SEED, SECOND_SEED, comment, pk_in

pytestmark = pytest.mark.browser

# Characters on each full line of the story's paragraphs (a paragraph's last
# line is usually short, so it does not count).
LINE_LENGTHS = """() => [...document.querySelectorAll('.story-body p')].flatMap(p => {
  const text = p.firstChild, lines = new Map();
  for (let i = 0; i < text.length; i++) {
    const range = document.createRange();
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    const rect = range.getClientRects()[0];
    if (rect) lines.set(Math.round(rect.top), (lines.get(Math.round(rect.top)) || 0) + 1);
  }
  return [...lines.values()].slice(0, -1);
})"""

# HTML of the thread per comment, leaving out what readers wrote.
MARKUP_PER_COMMENT = """() => {
  const thread = document.querySelector('ol.thread');
  const text = [...thread.querySelectorAll('.c article > p')]
    .reduce((bytes, p) => bytes + new Blob([p.outerHTML]).size, 0);
  return (new Blob([thread.outerHTML]).size - text) / thread.querySelectorAll('li.c').length;
}"""


def test_article_lines_hold_60_to_75_characters_on_a_desktop(page: Page, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/articles/{site.article(FIRST_SEED)['slug']}/")
    assert 60 <= statistics.median(page.evaluate(LINE_LENGTHS)) <= 75


# 500 bytes before issue 15, whose Respect button takes about 75 of each comment
# (its address relative to the page, its toggle state only on a signed-in reader's page).
@pytest.mark.parametrize("title", [FIRST_SEED, SECOND_SEED])
def test_thread_markup_stays_under_550_bytes_a_comment(new_context, site, title):
    # The markup as served: what the page's scripts add (a time's exact text
    # kept in its title) costs no bytes on the wire.
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/articles/{site.article(title)['slug']}/")
    assert page.evaluate(MARKUP_PER_COMMENT) < 550


def test_threads_fold_and_unfold_without_javascript(new_context, site):
    page = new_context(java_script_enabled=False).new_page()
    seed = site.article(FIRST_SEED)
    third = seed["comments"][2]
    page.goto(f"/articles/{seed['slug']}/")
    toggle = page.locator(f"#c{third['id']} > details > summary")
    reply = page.locator(f"#c{third['id']} > details > ol > li")
    expect(toggle).to_have_text("1 reply")
    expect(reply).to_be_visible()

    toggle.click()
    expect(reply).to_be_hidden()
    expect(page.locator(f"#c{third['id']} > article")).to_be_visible()
    toggle.click()
    expect(reply).to_be_visible()


def test_held_comment_is_marked_for_its_author_and_hidden_from_others(new_context, site, artifacts):
    author = new_context().new_page()
    slug = site.article(SECOND_SEED)["slug"]
    author.goto(f"/articles/{slug}/")
    form = author.locator("#comment-form")
    form.get_by_role("textbox", name="Name").fill("Link Collector")
    form.get_by_role("textbox", name="Comment").fill(
        "Sources: https://example.org/a https://example.org/b https://example.org/c"
    )
    form.get_by_role("button", name="Post comment").click()

    expect(author.get_by_role("status")).to_contain_text("Your comment is awaiting moderation.")
    held = comment(author, pk_in(author.url))
    author.goto(f"/articles/{slug}/")
    expect(held).to_have_class(re.compile(r"\bheld\b"))
    expect(held.locator(".badge")).to_have_text("Awaiting moderation")
    expect(held.get_by_role("article")).to_have_accessible_name(re.compile("Awaiting moderation$"))
    expect(held.get_by_role("link", name="Reply")).to_have_count(0)
    paper, tint = (
        author.locator(selector).evaluate("el => getComputedStyle(el).backgroundColor")
        for selector in ("body", f"#{held.get_attribute('id')} > article")
    )
    assert tint != paper
    held.screenshot(path=artifacts / "held-comment.png")

    other = new_context().new_page()
    other.goto(f"/articles/{slug}/")
    expect(other.get_by_text("Link Collector")).to_have_count(0)
