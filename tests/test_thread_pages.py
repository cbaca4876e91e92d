"""Threads over pages: a page never splits a thread, a link opens the page that holds
its comment, deep threads continue on a comment's own page, and what answers 404."""

import pytest
from django.test import override_settings

from comments.models import Comment
from tests.helpers import assert_page, create_tree, make_article, moderate, post

pytestmark = pytest.mark.django_db


def first_two_pages(client, article):
    url = article.get_absolute_url()
    return client.get(url), client.get(f"{url}?page=2")


# What each case pins -> (page limits, the threads, what the first page holds, the second).
WHOLE_THREAD_PAGES = {
    "top-level threads are paginated with their whole subtrees": (
        {"NEWSROOM_THREADS_PER_PAGE": 2},
        {"thread one": {"reply in one": {}}, "thread two": {}, "thread three": {}},
        ["thread one", "reply in one", "thread two"],
        ["thread three"],
    ),
    "a page ends with the thread that reaches the comment budget, even one bigger": (
        {"NEWSROOM_THREADS_PER_PAGE": 50, "NEWSROOM_COMMENTS_PER_PAGE": 3},
        {"big thread": {"big reply one": {}, "big reply two": {}, "big reply three": {}},
         "small thread one": {}, "small thread two": {}},
        ["big thread", "big reply one", "big reply three"],
        ["small thread one", "small thread two"],
    ),
}


@pytest.mark.parametrize(
    ("limits", "spec", "first", "second"), WHOLE_THREAD_PAGES.values(), ids=WHOLE_THREAD_PAGES
)
def test_a_page_of_threads_never_splits_a_thread(client, settings, limits, spec, first, second):
    for name, value in limits.items():
        setattr(settings, name, value)
    tree = create_tree(spec=spec)

    page1, page2 = first_two_pages(client, tree.article)

    assert_page(page1, shows=[*first, "Page 1 of 2"], hides=second)
    assert_page(page2, shows=second, hides=first)


@override_settings(NEWSROOM_THREADS_PER_PAGE=1)
def test_pages_count_only_threads_the_reader_can_see(client):
    article = make_article()
    post(article, body="spam thread", status=Comment.Status.SPAM)
    hidden_root = post(article, body="removed root")
    post(article, hidden_root, body="visible reply")
    moderate(hidden_root, "remove")
    post(article, body="last thread")

    page1, page2 = first_two_pages(client, article)

    assert_page(page1, shows=["Page 1 of 2", "This comment was removed", "visible reply"])
    assert_page(page2, shows=["last thread"])


@override_settings(NEWSROOM_THREADS_PER_PAGE=1)
def test_a_link_to_a_comment_opens_the_page_that_holds_it(client):
    article = make_article()
    post(article, body="first thread")
    second = post(article, body="second thread")
    reply = post(article, second, body="the reply")

    response = client.get(f"{article.get_absolute_url()}?comment={reply.pk}")

    assert_page(response, shows=["Page 2 of 2", f'id="c{reply.pk}"'], hides=["first thread"])


@override_settings(NEWSROOM_THREADS_PER_PAGE=1)
@pytest.mark.parametrize("wanted", ["abc", "-1", "1" * 30, "", "²", "٣", "another article"])
def test_a_link_to_an_unknown_comment_opens_the_first_page(client, wanted):
    article = make_article()
    post(article, body="first thread")
    post(article, body="second thread")
    if wanted == "another article":
        wanted = str(post(make_article(), body="elsewhere").pk)

    response = client.get(article.get_absolute_url(), {"comment": wanted})

    assert_page(response, shows=["Page 1 of 2", "first thread"])


@override_settings(NEWSROOM_MAX_VISIBLE_DEPTH=3)
def test_threads_deeper_than_the_visible_depth_continue_on_the_comment_page(client):
    article = make_article()
    chain = [post(article, body="depth 0")]
    for depth in range(1, 5):
        chain.append(post(article, chain[-1], body=f"depth {depth}"))

    response = client.get(article.get_absolute_url())

    # Relative to the article's page.
    continued = f'href="comments/{chain[2].pk}/"'
    assert_page(
        response, shows=["depth 2", continued, "Continue this thread"], hides=["depth 3"]
    )
    assert_page(client.get(chain[2].get_absolute_url()), shows=["depth 3", "depth 4"])


def test_comment_page_shows_ancestors_as_context_and_the_whole_subtree(client):
    tree = create_tree()

    response = client.get(tree.child1.get_absolute_url())

    root = f'href="{tree.article.get_absolute_url()}comments/{tree.root.pk}/">root</a>'
    assert_page(
        response,
        shows=["child1 says hello", "grandchild says hello", root],
        hides=["child2 says hello", "other says hello"],
    )


def test_comment_page_of_a_hidden_comment_without_replies_is_404(client):
    tree = create_tree()
    moderate(tree.other, "spam")

    assert client.get(tree.other.get_absolute_url()).status_code == 404


def test_comment_page_under_another_articles_slug_is_404(client):
    tree = create_tree()
    elsewhere = make_article()

    url = f"{elsewhere.get_absolute_url()}comments/{tree.root.pk}/"
    assert client.get(url).status_code == 404


def test_unknown_article_is_404(client):
    assert client.get("/articles/no-such-story/").status_code == 404
