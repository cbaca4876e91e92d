import pytest
from pytest_django.asserts import assertContains, assertNotContains

from comments import services
from comments.models import Comment
from tests.helpers import create_tree, make_article, post

pytestmark = pytest.mark.django_db


def test_api_article_detail_has_the_export_shape_without_private_fields(client):
    tree = create_tree(make_article(slug="story", title="Story", byline="Jo"))
    Comment.objects.filter(pk=tree.root.pk).update(email="root@example.com", ip_address="10.1.1.1")
    services.comments_moderate(
        Comment.objects.filter(pk=tree.root.pk), action="remove", moderator=None
    )
    post(tree.article, body="not yet", status=Comment.Status.PENDING)

    data = client.get("/api/articles/story/").json()

    assert (data["slug"], data["title"], data["byline"]) == ("story", "Story", "Jo")
    assert data["paragraphs"] == ["First.", "Second."]
    root = data["comments"][0]
    assert root == {
        "id": tree.root.pk,
        "author": None,
        "body": "",
        "status": "removed",
        "created": root["created"],
        "replies": root["replies"],
    }
    assert [r["body"] for r in root["replies"]] == ["child1 says hello", "child2 says hello"]
    assert root["replies"][0]["replies"][0]["author"] == "grandchild"
    assert [c["body"] for c in data["comments"]] == ["", "other says hello"]
    text = str(data)
    assert "root@example.com" not in text and "10.1.1.1" not in text and "not yet" not in text


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
