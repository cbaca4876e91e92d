"""The article list and an article's thread: nesting, what each comment shows, which
removed or held comments show as tombstones or not at all; the security headers."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment
from tests.helpers import assert_page, create_tree, make_article, moderate, post

pytestmark = pytest.mark.django_db


def test_article_list_shows_newest_first_with_published_count_and_latest_time(client):
    older = make_article(title="Older story")
    newer = make_article(title="Newer story")
    post(older, body="first")
    post(older, body="second")
    moderate(post(older, body="hidden"), "remove")

    response = client.get("/")

    html = response.content.decode()
    assert html.index("Newer story") < html.index("Older story")
    assertContains(response, "2 comments")
    assertContains(response, "<time datetime=")
    assert newer.get_absolute_url() in html


def test_article_list_counts_follow_every_post_and_moderation_action(client):
    article = make_article(title="Busy story")
    first = post(article, body="first")
    assertContains(client.get("/"), "1 comment<")

    post(article, body="second")
    assertContains(client.get("/"), "2 comments")

    moderate(first, "remove")
    assertContains(client.get("/"), "1 comment<")


@pytest.mark.parametrize("comments_each", [2, 200])
def test_article_list_reads_comments_of_the_listed_articles_once_per_version(
    client, django_assert_num_queries, comments_each
):
    for i in range(3):
        article = make_article(title=f"Story {i}")
        for j in range(comments_each):
            post(article, body=f"comment {j}")

    # Cold: how many articles, the page of articles, their comment counts.
    with django_assert_num_queries(3):
        client.get("/")
    with django_assert_num_queries(2):
        response = client.get("/")
    assertContains(response, f"{comments_each} comments", count=3)


def test_article_page_nests_replies_inside_their_parent(client):
    tree = create_tree()

    html = client.get(tree.article.get_absolute_url()).content.decode()

    root_at = html.index(f'id="c{tree.root.pk}"')
    child_at = html.index(f'id="c{tree.child1.pk}"')
    grandchild_at = html.index(f'id="c{tree.grandchild.pk}"')
    other_at = html.index(f'id="c{tree.other.pk}"')
    assert root_at < child_at < grandchild_at < other_at
    between = html[root_at:other_at]
    # The root's replies open a nested list before "other" starts at the top level.
    assert between.count("<ol>") == 2 and between.count("</ol>") == 2
    assert "reply to root" in html[child_at:grandchild_at]


def test_each_comment_has_author_time_permalink_reply_and_report_links(client):
    article = make_article(slug="story")
    comment = post(article, body="Line one\nline two\n\nSecond paragraph", author="")

    response = client.get("/articles/story/")

    assertContains(response, f'<a href="#c{comment.pk}"')
    assertContains(response, "Anonymous")
    # Relative to the article's page, /articles/story/.
    assertContains(response, f'href="comments/{comment.pk}/reply/"')
    assertContains(response, f'href="comments/{comment.pk}/report/"')
    assertContains(response, "<p>Line one<br>line two</p><p>Second paragraph</p>")


def test_removed_comment_with_visible_replies_shows_as_tombstone(client):
    tree = create_tree()
    moderate(tree.root, "remove")

    response = client.get(tree.article.get_absolute_url())

    assertContains(response, "This comment was removed.", count=1)
    assert_page(
        response,
        shows=["child1 says hello", "grandchild says hello", "child2 says hello"],
        hides=["root says hello"],
    )


@pytest.mark.parametrize("removed", [["other"], ["child1", "grandchild"]])
def test_removed_comment_without_visible_replies_is_absent(client, removed):
    tree = create_tree()
    moderate(Comment.objects.filter(author_name__in=removed), "remove")

    response = client.get(tree.article.get_absolute_url())

    for name in removed:
        assertNotContains(response, f'id="c{getattr(tree, name).pk}"')
        assertNotContains(response, f"{name} says hello")
    assert_page(response, shows=["child2 says hello"], hides=["This comment was removed"])


def test_spam_and_pending_comments_are_hidden_from_other_readers(client):
    article = make_article()
    post(article, body="buy pills", status=Comment.Status.SPAM)
    post(article, body="wait for it", status=Comment.Status.PENDING)

    response = client.get(article.get_absolute_url())

    assert_page(response, shows=["0 comments"], hides=["buy pills", "wait for it"])


def test_restoring_a_removed_comment_brings_it_back(client):
    tree = create_tree()
    moderate(tree.root, "remove")
    client.get(tree.article.get_absolute_url())
    moderate(tree.root, "restore")

    response = client.get(tree.article.get_absolute_url())

    assert_page(
        response,
        shows=["root says hello", "child1 says hello", "grandchild says hello"],
        hides=["This comment was removed"],
    )


def test_security_headers_are_sent(client):
    response = client.get("/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert (
        "unsafe-inline"
        not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )


def test_reply_to_a_spam_comment_stays_nested_under_a_tombstone(client):
    tree = create_tree()
    moderate(tree.child1, "spam")

    html = client.get(tree.article.get_absolute_url()).content.decode()

    assert "child1 says hello" not in html
    assert "This comment was removed" in html
    tomb_at = html.index(f'id="c{tree.child1.pk}"')
    assert html.index(f'id="c{tree.root.pk}"') < tomb_at < html.index(f'id="c{tree.grandchild.pk}"')
    data = client.get(f"/api/articles/{tree.article.slug}/").json()
    assert data["comments"][0]["replies"][0]["replies"][0]["body"] == "grandchild says hello"
