"""Paging a long discussion: "Page 2 of 7" with numbered links above and below the
threads, the comment form on the first page and a link to it on the others, and
reply counts that say what they count."""

import re

import pytest
from django.test import override_settings
from pytest_django.asserts import assertContains, assertNotContains

from tests.helpers import create_tree, make_article, post

pytestmark = pytest.mark.django_db


def article_with_threads(count):
    article = make_article()
    for i in range(count):
        post(article, body=f"thread {i}")
    return article


def page_links(response):
    """The numbers and gaps of the first numbered page list, as shown."""
    html = response.content.decode()
    listed = html[html.index('<nav class="pagination pages"') :]
    listed = listed[listed.index("<ul>") : listed.index("</ul>")]
    return re.findall(r">(\d+|…)</", listed)


@override_settings(NEWSROOM_THREADS_PER_PAGE=1)
@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (1, ["1", "2", "…", "20"]),
        (5, ["1", "…", "4", "5", "6", "…", "20"]),
        (19, ["1", "…", "18", "19", "20"]),
        (20, ["1", "…", "19", "20"]),
    ],
)
def test_many_pages_are_numbered_with_gaps_around_this_one(client, number, shown):
    article = article_with_threads(20)

    response = client.get(f"{article.get_absolute_url()}?page={number}")

    assertContains(response, f"Page {number} of 20", count=2)
    assert page_links(response) == shown
    assertContains(response, f'aria-label="Page {number}" aria-current="page"', count=2)


@override_settings(NEWSROOM_THREADS_PER_PAGE=2)
def test_page_numbers_stand_above_and_below_the_threads(client):
    article = article_with_threads(5)

    html = client.get(f"{article.get_absolute_url()}?page=2").content.decode()

    top, bottom = (m.start() for m in re.finditer("Page 2 of 3", html))
    assert top < html.index('<ol class="thread">') < html.index("</ol>") < bottom
    assert html.count('<a rel="prev" href="?sort=oldest&amp;page=1#discussion">') == 2
    assert html.count('<a rel="next" href="?sort=oldest&amp;page=3#discussion">') == 2


def test_a_single_page_shows_no_page_numbers(client):
    article = article_with_threads(3)

    assertNotContains(client.get(article.get_absolute_url()), "Page 1 of")


@override_settings(NEWSROOM_THREADS_PER_PAGE=1)
def test_the_first_page_opens_with_the_form_and_later_pages_link_down_to_it(client):
    article = article_with_threads(3)

    first = client.get(article.get_absolute_url()).content.decode()
    later = client.get(f"{article.get_absolute_url()}?page=2").content.decode()

    assert first.index('id="comment-form"') < first.index('<ol class="thread">')
    assert 'href="#comment-form">Write a comment</a>' not in first
    assert later.index('href="#comment-form">Write a comment</a>') < later.index("<ol")
    # The form is still there, below, for a new thread and for inline replies.
    assert later.index('<ol class="thread">') < later.index('id="comment-form"')
    assert later.count('id="comment-form"') == 1


@override_settings(NEWSROOM_THREADS_PER_PAGE=1, NEWSROOM_COMMENTERS="accounts")
def test_later_pages_link_to_the_sign_in_where_the_form_would_be(client):
    article = article_with_threads(2)

    later = client.get(f"{article.get_absolute_url()}?page=2").content.decode()

    assert 'href="#comment-form-sign-in">Write a comment</a>' in later
    assert later.index('<ol class="thread">') < later.index('id="comment-form-sign-in"')


@override_settings(NEWSROOM_THREADS_PER_PAGE=1)
def test_a_closed_discussion_offers_no_form_and_no_link_on_any_page(client):
    article = article_with_threads(2)
    article.comments_open = False
    article.save()

    for page in (1, 2):
        response = client.get(f"{article.get_absolute_url()}?page={page}")
        assertContains(response, "Comments are closed")
        assertNotContains(response, "Write a comment")
        assertNotContains(response, 'id="comment-form"')


def test_a_reply_count_says_replies_and_how_many_in_all_when_they_differ(client):
    tree = create_tree(
        spec={"root": {"a": {"a1": {}, "a2": {}}, "b": {}, "c": {"c1": {}}}, "single": {"s": {}}}
    )

    response = client.get(tree.article.get_absolute_url())

    assertContains(response, "<summary>3 replies, 6 in all</summary>", count=1)
    assertContains(response, "<summary>2 replies</summary>", count=1)
    assertContains(response, "<summary>1 reply</summary>", count=2)


def test_in_all_counts_the_replies_that_continue_on_a_comments_own_page(client, settings):
    settings.NEWSROOM_MAX_VISIBLE_DEPTH = 2
    tree = create_tree(spec={"root": {"child": {"grandchild": {"deep": {}}}}})

    response = client.get(tree.article.get_absolute_url())

    assertContains(response, "<summary>1 reply, 3 in all</summary>")
    assertContains(response, "Continue this thread")
