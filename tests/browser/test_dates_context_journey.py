"""Reading dates and finding one's way in a long discussion, in Chromium against the
real server: times read relatively with the exact time on hover, imported comments
that say where they come from, a deep reply's page that quotes what it answers, and
"Back to the discussion" landing on the right page at the right comment."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.newsroom import FIRST_SEED, SPEECH, Site, comment

pytestmark = pytest.mark.browser

EXACT_TIME = re.compile(r"^\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC$")
SLUG = "a-discussion-in-context"
# One more than fits on the first page (NEWSROOM_THREADS_PER_PAGE, default 50).
FILLER_THREADS = 51


@pytest.fixture(scope="module")
def long_discussion(site: Site) -> list[int]:
    """An old article whose threads fill a page and spill onto a second, where a
    ten-deep thread (deeper than the page's eight levels) ends; that thread's pks."""
    site.manage(
        "shell", "-c",
        "from datetime import datetime, UTC\n"
        "from articles.models import Article\n"
        "from comments.posting import comment_create\n"
        f"article = Article.objects.create(title='A discussion in context', slug={SLUG!r},\n"
        "    body='Many threads.', created=datetime(2000, 1, 1, tzinfo=UTC))\n"
        f"for n in range({FILLER_THREADS}):\n"
        "    comment_create(article=article, parent=None, body=f'Filler thread {n}',\n"
        "                   author_name='Filler')\n",
    )
    return site.post_chain(SLUG, [f"Voice {n}" for n in range(10)])


def test_a_new_comment_reads_relatively_with_its_exact_time_on_hover(
    page: Page, long_discussion
):
    top = long_discussion[0]
    page.goto(f"/articles/{SLUG}/?comment={top}#c{top}")
    time = comment(page, top).locator("header time").first

    expect(time).to_have_text(re.compile(r"^(now|\d+ (seconds?|minutes?) ago)$"))
    time.hover()
    expect(time).to_have_attribute("title", EXACT_TIME)
    expect(time).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT.*\+00:00$"))


def test_without_javascript_times_are_exact_with_their_zone(new_context, long_discussion):
    page = new_context(java_script_enabled=False).new_page()
    top = long_discussion[0]
    page.goto(f"/articles/{SLUG}/?comment={top}#c{top}")

    expect(comment(page, top).locator("header time").first).to_have_text(EXACT_TIME)


def test_an_imported_comment_says_it_comes_from_the_original_page(page: Page, site):
    seed = site.article(FIRST_SEED)
    first = seed["comments"][0]["id"]
    page.goto(f"/articles/{seed['slug']}/")

    header = comment(page, first).locator("header").first
    expect(header.locator("time")).to_have_count(0)
    mark = header.get_by_text("From the original page")
    mark.hover()
    expect(mark).to_have_attribute("title", re.compile(r"^Imported \d{1,2} \w{3} \d{4}$"))
    expect(page.locator(".byline time")).to_have_count(0)


def test_deep_reply_page_quotes_its_parent_and_leads_back_to_its_place(
    page: Page, long_discussion
):
    chain = long_discussion
    shown_deepest = chain[7]
    page.goto(f"/articles/{SLUG}/?comment={shown_deepest}#c{shown_deepest}")
    comment(page, shown_deepest).get_by_role("link", name="Continue this thread").click()

    expect(page).to_have_url(re.compile(rf"/comments/{shown_deepest}/$"))
    quote = page.locator("blockquote.in-reply-to")
    expect(quote).to_contain_text("In reply to Voice 6")
    expect(quote).to_contain_text(SPEECH[6 % len(SPEECH)])
    expect(quote.get_by_role("link", name="Voice 6")).to_have_attribute(
        "href", f"/articles/{SLUG}/comments/{chain[6]}/"
    )

    # From a reply deeper than the article page goes, back lands on the comment
    # there that continues its thread, on the second page.
    page.goto(f"/articles/{SLUG}/comments/{chain[9]}/")
    expect(page.locator("blockquote.in-reply-to")).to_contain_text(SPEECH[8 % len(SPEECH)])
    page.get_by_role("link", name="Back to the discussion").click()
    expect(page).to_have_url(
        re.compile(rf"/articles/{SLUG}/\?comment={shown_deepest}#c{shown_deepest}$")
    )
    expect(page.get_by_text("Page 2 of 2").first).to_be_visible()
    expect(comment(page, shown_deepest).locator("article")).to_be_in_viewport()
    expect(comment(page, shown_deepest).locator("article")).to_be_focused()
    expect(comment(page, chain[9])).to_have_count(0)
