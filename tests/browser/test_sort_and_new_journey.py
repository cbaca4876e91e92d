"""Reading a long discussion in Chromium: each sort order, the order remembered by the
browser, paging links that keep it, and the marks on what is new since the last visit.

The journeys read an article of their own: 60 threads, two days old, on two
pages of 50, with reactions and replies on a few threads so every order puts a
different thread first.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.newsroom import blocking, comment

pytestmark = pytest.mark.browser

SLUG = "a-long-discussion"
THREADS = 60
# What each order puts first: "Thread 7" has the most reactions, "Thread 12" the most
# replies, and the newest thread is the last posted.
FIRST = {
    "Oldest first": "Thread 0",
    "Newest first": f"Thread {THREADS - 1}",
    "Most respected": "Thread 7",
    "Most replies": "Thread 12",
}
BUILD = f"""
from datetime import timedelta
from django.utils import timezone
from articles.models import Article
from articles.pagecache import discussion_changed
from comments.models import Comment
from comments.posting import comment_create

article = Article.objects.create(
    title="A long discussion", slug={SLUG!r}, body="Many readers had something to say."
)
roots = [
    comment_create(article=article, parent=None, body=f"Thread {{i}}", author_name=f"Reader {{i}}")
    for i in range({THREADS})
]
for i in range(3):
    comment_create(article=article, parent=roots[12], body=f"Reply {{i}} to 12", author_name="Sam")
comment_create(article=article, parent=roots[3], body="A reply to 3", author_name="Sam")
Comment.objects.filter(article=article).update(created=timezone.now() - timedelta(days=2))
Comment.objects.filter(pk=roots[7].pk).update(reaction_count=9)
Comment.objects.filter(pk=roots[40].pk).update(reaction_count=4)
discussion_changed(article.pk)
"""


@pytest.fixture(scope="module")
def discussion(site) -> str:
    site.manage("shell", "-c", BUILD)
    return f"/articles/{SLUG}/"


def first_thread(page: Page):
    return page.locator("ol.thread > li > article > p").first


def sort_link(page: Page, label: str):
    return page.get_by_role("navigation", name="Sort comments").get_by_role("link", name=label)


@pytest.mark.parametrize("javascript", [True, False], ids=["with script", "without script"])
def test_each_sort_order_is_a_link_that_reorders_the_threads(new_context, discussion, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto(discussion)
    expect(first_thread(page)).to_have_text("Thread 0")

    for label, first in FIRST.items():
        sort_link(page, label).click()
        expect(first_thread(page)).to_have_text(first)
        expect(sort_link(page, label)).to_have_attribute("aria-current", "true")
        expect(page.locator(".sort [aria-current]")).to_have_count(1)


def test_the_browser_remembers_the_order_and_the_shared_page_stays_shared(
    page: Page, site, discussion
):
    page.goto(discussion)
    sort_link(page, "Most respected").click()
    expect(page).to_have_url(re.compile(r"\?sort=top#discussion$"))

    # Back on the article's plain address, the remembered order takes its place.
    page.goto("/")
    page.goto(discussion)
    expect(page).to_have_url(re.compile(rf"{discussion}\?sort=top$"))
    expect(first_thread(page)).to_have_text("Thread 7")
    # The plain address was replaced, not added: back leads to the list.
    page.go_back()
    expect(page).to_have_url(f"{site.url}/")

    # A link to a comment keeps its anchor and opens the comment's page in that order.
    reply = site.article("A long discussion")["comments"][3]["replies"][0]
    page.goto(f"{discussion}?comment={reply['id']}#c{reply['id']}")
    expect(page).to_have_url(re.compile(rf"comment={reply['id']}&sort=top#c{reply['id']}$"))
    expect(comment(page, reply["id"])).to_be_visible()

    # Choosing the default again forgets the choice.
    sort_link(page, "Oldest first").click()
    page.goto(discussion)
    expect(page).to_have_url(re.compile(rf"{discussion}$"))
    expect(first_thread(page)).to_have_text("Thread 0")


def test_paging_links_keep_the_order_above_and_below_the_threads(page: Page, discussion):
    page.goto(f"{discussion}?sort=newest")
    pages = page.get_by_role("navigation", name="Conversation pages", exact=True)
    expect(pages).to_contain_text("Page 1 of 2")
    expect(page.get_by_role("navigation", name="Conversation pages, again")).to_contain_text(
        "Page 1 of 2"
    )
    expect(page.locator("#comment-form")).to_be_visible()

    pages.get_by_role("link", name="Page 2").click()
    expect(page).to_have_url(re.compile(r"\?sort=newest&page=2#discussion$"))
    expect(pages).to_contain_text("Page 2 of 2")
    expect(first_thread(page)).to_have_text("Thread 9")
    expect(pages.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")

    # Page 2 links down to the form rather than opening with it.
    page.get_by_role("link", name="Write a comment").click()
    expect(page).to_have_url(re.compile(r"#comment-form$"))
    expect(page.locator("#comment-form")).to_be_in_viewport()


def test_comments_new_since_the_last_visit_are_marked_and_the_control_jumps_through_them(
    page: Page, site, discussion
):
    page.goto(discussion)
    # A first visit has nothing to compare with.
    expect(page.locator(".new-mark")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("new comment"))).to_have_count(0)

    # The reader was last here an hour ago; since then, two comments came.
    article = page.locator(".discussion").get_attribute("data-article")
    page.evaluate(
        """article => localStorage.setItem("newsroom:visit:" + article,
             JSON.stringify({seen: Date.now() - 3600 * 1000}))""",
        article,
    )
    older = site.article("A long discussion")["comments"][45]["id"]
    thread = site.post_comment(SLUG, "A fresh thread since your visit", name="Nour")
    reply = site.post_comment(SLUG, "A fresh reply to Thread 45", parent=older, name="Ali")
    page.goto(f"{discussion}?sort=newest")

    fresh = page.locator("li.c.new")
    expect(fresh).to_have_count(2)
    expect(comment(page, thread).locator("> article .new-mark")).to_have_text("new")
    expect(page.locator("li.c:not(.new) > article .new-mark")).to_have_count(0)
    jump = page.get_by_role("button", name="2 new comments")
    jump.focus()
    page.keyboard.press("Enter")
    expect(comment(page, thread).locator("> article")).to_be_focused()
    # Its mark goes on to the next.
    comment(page, thread).get_by_role("button", name=re.compile("^new")).focus()
    page.keyboard.press("Enter")
    expect(comment(page, reply).locator("> article")).to_be_focused()
    expect(comment(page, reply).locator("> article")).to_be_in_viewport()

    # The visit goes on: coming back to the page (the remembered order's), the
    # marks are still there.
    page.goto(discussion)
    expect(page).to_have_url(re.compile(r"\?sort=newest$"))
    expect(page.get_by_role("button", name="2 new comments")).to_be_visible()
    # The sort control, both page lists and the marks, as assistive technology sees them.
    assert blocking(Axe().run(page).response["violations"]) == ""


def test_without_javascript_nothing_is_marked_and_the_page_works(new_context, discussion):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(discussion)

    expect(first_thread(page)).to_have_text("Thread 0")
    expect(page.locator(".new-mark, .new-comments")).to_have_count(0)
    expect(page.locator("#comment-form")).to_be_visible()
