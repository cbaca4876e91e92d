"""The anonymous article page is one set of bytes for every reader without a cookie, which
shared caches in front of the site may keep for a second; personal pages stay private."""

import gzip
import time

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from articles import pagecache
from tests.helpers import SAME_ORIGIN, make_article, make_reader, post, submit

pytestmark = pytest.mark.django_db


def fresh_reader() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("query", ["", "?sort=newest", "?sort=top&page=1", "?page=2"])
def test_two_cookieless_readers_get_byte_identical_pages(query):
    article = make_article(slug="story")
    for n in range(3):
        post(article, body=f"Comment {n}")

    first = fresh_reader().get(f"/articles/story/{query}")
    second = fresh_reader().get(f"/articles/story/{query}")

    assert first.status_code == 200
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]


def test_the_shared_page_carries_no_token_and_sets_no_cookie():
    article = make_article(slug="story")
    post(article)

    page = fresh_reader().get("/articles/story/")

    assertNotContains(page, "csrfmiddlewaretoken")
    assertContains(page, 'id="comment-form"')
    assert not page.cookies
    assert "Set-Cookie" not in page.headers


def test_the_shared_page_says_shared_caches_may_keep_it_for_a_second():
    make_article(slug="story")

    page = fresh_reader().get("/articles/story/")

    directives = {d.strip() for d in page["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=0", "s-maxage=1"}
    assert page["ETag"]
    # nginx's clock is in whole seconds: the copy expires as this second ends.
    assert abs(int(page["X-Accel-Expires"].lstrip("@")) - time.time()) < 2


def test_a_revalidation_answers_304_with_the_same_cache_headers():
    make_article(slug="story")
    page = fresh_reader().get("/articles/story/")

    again = fresh_reader().get("/articles/story/", HTTP_IF_NONE_MATCH=page["ETag"])

    assert again.status_code == 304
    assert again["ETag"] == page["ETag"]
    assert again["Cache-Control"] == page["Cache-Control"]
    assert "X-Accel-Expires" in again


def test_a_reader_without_javascript_posts_from_the_shared_page_and_sees_their_comment():
    article = make_article(slug="story")
    browser = fresh_reader()
    browser.get("/articles/story/")

    sent = submit(browser, article, "Posted from the shared page")
    page = browser.get(sent["Location"])

    assert sent.status_code == 303
    assertContains(page, "Posted from the shared page")
    assert "private" in page["Cache-Control"]


def test_after_posting_the_reader_has_a_session_a_front_cache_passes_by():
    article = make_article(slug="story")
    browser = fresh_reader()

    browser.post("/articles/story/comment/",
                 {"name": "Ada", "email": "", "body": "Mine", "website": ""}, headers=SAME_ORIGIN)

    assert "sessionid" in browser.cookies or "messages" in browser.cookies
    assert "public" not in browser.get(article.get_absolute_url())["Cache-Control"]


def test_signed_in_readers_get_a_private_page_with_django_tokens():
    make_article(slug="story")
    browser = fresh_reader()
    browser.force_login(make_reader("Rita"))

    page = browser.get("/articles/story/")

    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
    assertContains(page, "csrfmiddlewaretoken")
    assert "X-Accel-Expires" not in page


def test_a_link_to_a_comment_is_not_shared():
    comment = post(make_article(slug="story"))

    page = fresh_reader().get(f"/articles/story/?comment={comment.pk}")

    assert "public" not in page["Cache-Control"]


def test_a_gzip_reader_gets_the_shared_page_compressed_once_and_kept(monkeypatch):
    article = make_article(slug="story")
    post(article)
    compressed = []
    monkeypatch.setattr(pagecache, "compress_string",
                        lambda data: compressed.append(data) or gzip.compress(data))
    plain = fresh_reader().get("/articles/story/")

    zipped = fresh_reader().get("/articles/story/", HTTP_ACCEPT_ENCODING="gzip")
    second = fresh_reader().get("/articles/story/", HTTP_ACCEPT_ENCODING="gzip")
    again = fresh_reader().get("/articles/story/", HTTP_ACCEPT_ENCODING="gzip",
                               HTTP_IF_NONE_MATCH=zipped["ETag"])

    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    # Compressed once, then the same bytes for every gzip reader, from the cache.
    assert compressed == [plain.content]
    assert second.content == zipped.content
    assert "Accept-Encoding" in zipped["Vary"] and "Accept-Encoding" in plain["Vary"]
    # One weak ETag for both copies of the one page; If-None-Match compares weakly.
    assert zipped["ETag"] == plain["ETag"] and plain["ETag"].startswith('W/"')
    assert again.status_code == 304
    assert "Content-Encoding" not in plain
