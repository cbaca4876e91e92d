"""What the article page costs and how its cached copy stays right: constant queries,
one query warm, the same bytes for every reader, invalidation by every change, ETags."""

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from comments import moderation
from comments.models import Comment
from tests.helpers import assert_page, make_article, moderate, post, submit

pytestmark = pytest.mark.django_db


def build_article_with(count):
    article = make_article()
    created = []
    for i in range(count):
        parent = created[i // 3] if i % 3 and created else None
        created.append(post(article, parent, body=f"comment number {i}", ip_address="10.0.0.1"))
    return article


@pytest.mark.parametrize("count", [10, 500])
def test_article_page_runs_constant_queries_whatever_the_thread_size(
    client, django_assert_num_queries, count
):
    article = build_article_with(count)
    cache.clear()

    # Cold cache: article, its pages of threads, one page of threads, published count,
    # featured comments.
    with django_assert_num_queries(5):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("count", [10, 500])
def test_article_page_with_logged_in_commenters_stays_constant(
    client, django_user_model, django_assert_num_queries, count
):
    article = make_article()
    users = [django_user_model.objects.create_user(f"user{i}") for i in range(5)]
    for i in range(count):
        post(article, body=f"comment {i}", author="", user=users[i % 5])
    cache.clear()
    client.force_login(users[0])

    # Session, user, article, the reader's own comments (their Edit and Delete
    # links), pages of threads, page of threads, published count, featured
    # comments, and the reader's own respects.
    with django_assert_num_queries(9):
        response = client.get(article.get_absolute_url())
    assertContains(response, "user1")


def test_warm_article_page_costs_one_query(client, django_assert_num_queries):
    article = build_article_with(20)
    client.get(article.get_absolute_url())

    with django_assert_num_queries(1):
        client.get(article.get_absolute_url())


def test_anonymous_readers_share_a_cached_page_whose_form_posts_without_a_token(
    django_assert_num_queries,
):
    article = make_article(slug="story")
    post(article, body="already here")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(article.get_absolute_url())

    with django_assert_num_queries(1):
        page = second.get(article.get_absolute_url())
    response = submit(second, article, "From the cached page")

    assertNotContains(page, "csrfmiddlewaretoken")
    assert response.status_code == 303
    assert Comment.objects.filter(body="From the cached page").exists()


def test_an_edit_saved_from_a_stale_copy_does_not_bring_an_older_page_back(client):
    article = make_article(title="Story")
    post(article, body="before the edit")
    stale = Article.objects.get(pk=article.pk)
    client.get(article.get_absolute_url())
    post(article, body="posted while the editor typed")

    stale.title = "Story, corrected"
    stale.save()

    response = client.get(article.get_absolute_url())
    assert_page(response, shows=["posted while the editor typed", "Story, corrected"])
    assert Article.objects.get(pk=article.pk).discussion_version == 2


def test_cached_thread_links_follow_a_new_slug(client, django_user_model):
    article = make_article(slug="old-slug")
    comment = post(article, body="linked")
    reader = Client()
    reader.force_login(django_user_model.objects.create_user("reader"))
    reader.get(article.get_absolute_url())

    article.slug = "new-slug"
    article.save()

    response = reader.get("/articles/new-slug/")
    assert_page(
        response,
        # Thread links are relative to the page, so they cannot name the old slug.
        shows=[f'href="comments/{comment.pk}/reply/"', 'action="/articles/new-slug/comment/"'],
        hides=["/articles/old-slug/"],
    )


def test_cached_page_follows_article_edits_and_closing_comments(client):
    article = make_article(title="First headline")
    post(article, body="a comment")
    assertContains(client.get(article.get_absolute_url()), "First headline")

    article.title = "Corrected headline"
    article.comments_open = False
    article.save()

    response = client.get(article.get_absolute_url())
    assert_page(
        response, shows=["Corrected headline", "Comments are closed"], hides=[">Reply</a>"]
    )


def test_cached_thread_is_invalidated_by_a_new_comment(client):
    article = make_article()
    post(article, body="before")
    client.get(article.get_absolute_url())

    post(article, body="after")

    assertContains(client.get(article.get_absolute_url()), "after")


@pytest.mark.parametrize(
    ("start", "action", "visible"),
    [
        (Comment.Status.PUBLISHED, "remove", False),
        (Comment.Status.PUBLISHED, "spam", False),
        (Comment.Status.PENDING, "approve", True),
        (Comment.Status.REMOVED, "restore", True),
    ],
)
def test_cached_thread_is_invalidated_by_every_moderation_action(client, start, action, visible):
    article = make_article()
    comment = post(article, body="the comment in question", status=start)
    client.get(article.get_absolute_url())

    moderate(comment, action)

    response = client.get(article.get_absolute_url())
    assert ("the comment in question" in response.content.decode()) is visible


def test_cached_thread_is_invalidated_when_reports_hold_a_comment(client, settings):
    settings.NEWSROOM_REPORT_THRESHOLD = 1
    article = make_article()
    comment = post(article, body="reported words")
    client.get(article.get_absolute_url())

    moderation.report_create(comment=comment, reason="abuse")

    assertNotContains(client.get(article.get_absolute_url()), "reported words")


def test_unchanged_article_page_answers_304_to_its_etag(client):
    article = make_article()
    post(article)
    first = client.get(article.get_absolute_url())

    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    post(article, body="news")
    changed = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
