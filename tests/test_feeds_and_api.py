from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client, override_settings
from pytest_django.asserts import assertContains, assertNotContains

from articles.feeds import LatestArticlesFeed
from articles.views import ArticleListView
from comments import moderation
from comments.feeds import ArticleCommentsFeed
from comments.models import Comment
from comments.templatetags.comment_text import comment_body
from tests.helpers import create_tree, make_article, post
from tests.test_hostile_input import XSS, executable_markup, markup

pytestmark = pytest.mark.django_db

API = "http://testserver/api/articles/story/"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_api_article_page_has_the_export_shape_without_private_fields(client):
    tree = create_tree(make_article(slug="story", title="Story", byline="Jo"))
    Comment.objects.filter(pk=tree.root.pk).update(email="root@example.com", ip_address="10.1.1.1")
    moderation.comments_moderate(
        Comment.objects.filter(pk=tree.root.pk), action="remove", moderator=None
    )
    post(tree.article, body="not yet", status=Comment.Status.PENDING)

    response = client.get("/api/articles/story/")
    data = response.json()

    assert (data["slug"], data["title"], data["byline"]) == ("story", "Story", "Jo")
    assert data["paragraphs"] == ["First.", "Second."]
    assert (data["page"], data["pages"], data["previous"], data["next"]) == (1, 1, None, None)
    root, other = data["comments"]
    assert root == {
        "id": tree.root.pk,
        "tombstone": True,
        "awaiting_moderation": False,
        "author": None,
        "body": "",
        "created": None,
        "more": None,
        "replies": root["replies"],
    }
    assert [r["body"] for r in root["replies"]] == ["child1 says hello", "child2 says hello"]
    assert root["replies"][0]["replies"][0]["author"] == "grandchild"
    assert (other["body"], other["tombstone"]) == ("other says hello", False)
    assert other["created"] == tree.other.created.isoformat()
    text = response.content.decode()
    for private in ["root@example.com", "10.1.1.1", "not yet", "root says", '"status"', "removed"]:
        assert private not in text


@override_settings(NEWSROOM_THREADS_PER_PAGE=1)
def test_api_pages_are_the_article_pages_with_links_to_their_neighbours(client):
    article = make_article(slug="story")
    first = post(article, body="thread one")
    post(article, first, body="reply in one")
    post(article, body="thread two")
    post(article, body="thread three")

    pages = [client.get("/api/articles/story/", {"page": n}).json() for n in (1, 2, 3)]

    assert [[c["body"] for c in page["comments"]] for page in pages] == [
        ["thread one"], ["thread two"], ["thread three"]
    ]
    assert pages[0]["comments"][0]["replies"][0]["body"] == "reply in one"
    assert [(p["page"], p["pages"]) for p in pages] == [(1, 3), (2, 3), (3, 3)]
    assert [(p["previous"], p["next"]) for p in pages] == [
        (None, f"{API}?page=2"),
        (f"{API}?page=1", f"{API}?page=3"),
        (f"{API}?page=2", None),
    ]
    for n in (1, 2, 3):
        html = client.get(f"/articles/story/?page={n}").content.decode()
        ids = [c["id"] for c in pages[n - 1]["comments"]]
        assert all(f'id="c{pk}"' in html for pk in ids)


@pytest.mark.parametrize("page", ["0", "2", "-1", "abc", "1e3", "1.5", "9" * 30, ""])
def test_api_page_that_does_not_exist_is_404(client, page):
    post(make_article(slug="story"))

    assert client.get("/api/articles/story/", {"page": page}).status_code == 404


@override_settings(NEWSROOM_MAX_VISIBLE_DEPTH=2)
def test_api_cuts_threads_at_the_visible_depth_and_links_where_they_continue(client):
    article = make_article(slug="story")
    chain = [post(article, body="depth 0")]
    for depth in range(1, 4):
        chain.append(post(article, chain[-1], body=f"depth {depth}"))

    page = client.get("/api/articles/story/").json()
    middle = page["comments"][0]["replies"][0]
    more = client.get(middle["more"]).json()

    assert (middle["body"], middle["replies"]) == ("depth 1", [])
    assert middle["more"] == f"http://testserver/api/articles/story/comments/{chain[1].pk}/"
    assert more["article"] == "http://testserver/api/articles/story/"
    assert more["ancestors"] == [{"id": chain[0].pk, "tombstone": False, "author": "Reader"}]
    assert more["comments"][0]["body"] == "depth 1"
    assert more["comments"][0]["replies"][0]["body"] == "depth 2"
    assert more["comments"][0]["replies"][0]["more"].endswith(f"/comments/{chain[2].pk}/")


@pytest.mark.parametrize("threads", [3, 150])
def test_api_page_costs_three_queries_cold_and_one_warm_whatever_the_discussion(
    client, django_assert_num_queries, threads
):
    article = make_article(slug="story")
    roots = [post(article, body=f"thread {i}") for i in range(threads)]
    for root in roots:
        post(article, root, body="a reply")

    # Article, its pages of threads, the page's threads.
    with django_assert_num_queries(3):
        cold = client.get("/api/articles/story/")
    # The article (for its discussion version); the page comes from the cache.
    with django_assert_num_queries(1):
        warm = client.get("/api/articles/story/")

    assert cold.content == warm.content
    post(article, roots[0], body="news")
    assert "news" in client.get("/api/articles/story/").content.decode()


def test_api_shows_a_reader_their_own_held_comment_and_no_one_else(client):
    article = make_article(slug="story", premoderation=True)
    client.post("/articles/story/comment/", {"name": "Me", "body": "my held words"})

    mine = client.get("/api/articles/story/")
    theirs = Client().get("/api/articles/story/")

    held = mine.json()["comments"][0]
    assert (held["body"], held["awaiting_moderation"]) == ("my held words", True)
    assert "no-store" in mine["Cache-Control"] and "private" in mine["Cache-Control"]
    assert not mine.has_header("ETag")
    assert theirs.json()["comments"] == []
    assert Comment.objects.get(article=article).status == Comment.Status.PENDING


def test_api_article_list_links_every_article(client):
    make_article(slug="one")
    make_article(slug="two")

    data = client.get("/api/articles/").json()

    assert [a["slug"] for a in data["articles"]] == ["one", "two"]
    assert data["articles"][0]["api_url"] == "http://testserver/api/articles/one/"


def test_api_unknown_article_is_404(client):
    assert client.get("/api/articles/nope/").status_code == 404


def test_latest_articles_feed_lists_articles(client):
    make_article(title="Feed me")

    response = client.get("/feeds/articles/")

    assert response["Content-Type"].startswith("application/atom+xml")
    assertContains(response, "Feed me")


def test_article_comment_feed_lists_only_published_comments(client):
    article = make_article(slug="story")
    post(article, body="visible words")
    post(article, body="held words", status=Comment.Status.PENDING)

    response = client.get("/articles/story/feed/")

    assertContains(response, "visible words")
    assertNotContains(response, "held words")


def feed_entries(response) -> list[dict]:
    """Each entry's title, and its summary as the HTML a feed reader renders."""
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "summary_type": entry.find(f"{ATOM}summary").get("type"),
            "link": entry.find(f"{ATOM}link").get("href"),
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


def test_article_comment_feed_summaries_are_inert_html_for_every_xss_payload(client):
    article = make_article(slug="story")
    for text in XSS:
        post(article, body=text, author=text[:80])

    entries = feed_entries(client.get("/articles/story/feed/"))

    assert len(entries) == len(XSS)
    for entry in entries:
        assert entry["summary_type"] == "html"
        assert executable_markup(entry["summary"], markup("")) == [], entry["summary"]


def test_latest_articles_feed_summaries_are_inert_html_for_every_xss_payload(client):
    for n, text in enumerate(XSS):
        make_article(title=text[:300], body=f"{text}\n\n{text}", slug=f"x{n}")

    entries = feed_entries(client.get("/feeds/articles/"))

    assert len(entries) == min(len(XSS), 30)
    for entry in entries:
        assert executable_markup(entry["summary"], markup("")) == [], entry["summary"]


def test_comment_feed_renders_bodies_with_the_pages_linker(client):
    comment = post(make_article(slug="story"), body="See https://example.com/a?b=1&c=<2>\n\nBye")

    (entry,) = feed_entries(client.get("/articles/story/feed/"))

    assert entry["summary"] == comment_body(comment.body)
    assert '<a href="https://example.com/a?b=1&amp;c=" rel="nofollow ugc noopener">' in entry[
        "summary"
    ]


def test_article_comment_feed_lists_the_latest_50_newest_first_ties_broken_by_id(client):
    article = make_article(slug="story")
    comments = [post(article, body=f"tied {i}") for i in range(60)]
    # Imported comments share one creation time.
    Comment.objects.filter(article=article).update(created=comments[0].created)

    entries = feed_entries(client.get("/articles/story/feed/"))

    assert [e["link"] for e in entries] == [
        f"http://testserver{c.get_absolute_url()}" for c in reversed(comments[10:])
    ]


def sorts_rows(queryset) -> bool:
    """Whether the database sorts rows to serve ``queryset``'s order, rather than
    reading them in an index's order."""
    if connection.vendor == "postgresql":
        # On a test's handful of rows any plan is cheap: make sorting the costly one.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_incremental_sort = off")
        return "Sort" in queryset.explain()
    return "TEMP B-TREE" in queryset.explain()


def test_article_comment_feed_reads_the_latest_comments_in_index_order_ties_included():
    article = make_article()
    post(article)

    assert not sorts_rows(ArticleCommentsFeed().items(article))


def test_article_list_and_feed_read_the_newest_articles_in_index_order_ties_included():
    make_article()

    assert not sorts_rows(LatestArticlesFeed().items())
    assert not sorts_rows(ArticleListView().get_queryset()[:20])


def test_sitemap_lists_articles(client):
    make_article(slug="mapped")

    assertContains(client.get("/sitemap.xml"), "/articles/mapped/")


def test_api_article_answers_304_until_the_discussion_changes(client):
    article = make_article(slug="story")
    first = client.get("/api/articles/story/")

    unchanged = client.get("/api/articles/story/", HTTP_IF_NONE_MATCH=first["ETag"])
    post(article, body="news")
    changed = client.get("/api/articles/story/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert unchanged.status_code == 304
    assert changed.status_code == 200
    assert changed.json()["comments"][0]["body"] == "news"
