"""Sort orders for an article's top-level threads (``?sort=``): what each puts first,
what it may not count, how it is cached and keyed, and what a page of it costs."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from pytest_django.asserts import assertContains

from articles.pagecache import ORDERS
from comments.discussion import ORDER_LABELS
from comments.models import Comment
from comments.orders import THREAD_ORDERS
from tests.helpers import create_tree, make_article, moderate, post, submit

pytestmark = pytest.mark.django_db

# Four threads, oldest first: "quiet" (no replies), "busy" (three replies, two of
# them nested), "liked" (one reply) and "late" (two replies).
SPEC = {
    "quiet": {},
    "busy": {"b1": {"b2": {}, "b3": {}}},
    "liked": {"l1": {}},
    "late": {"t1": {}, "t2": {}},
}
EXPECTED = {
    "oldest": ["quiet", "busy", "liked", "late"],
    "newest": ["late", "liked", "busy", "quiet"],
    # liked 5, quiet and late 2 (a tie: the older first), busy 0.
    "top": ["liked", "quiet", "late", "busy"],
    "replies": ["busy", "late", "liked", "quiet"],
}


def discussion_with_reactions():
    tree = create_tree(spec=SPEC)
    for name, count in {"liked": 5, "quiet": 2, "late": 2}.items():
        Comment.objects.filter(pk=getattr(tree, name).pk).update(reaction_count=count)
    return tree


def threads_in_page_order(response, names):
    html = response.content.decode()
    assert response.status_code == 200
    return sorted(names, key=lambda name: html.index(f">{name}<"))


def test_the_orders_are_one_list_spelled_once():
    assert list(THREAD_ORDERS) == list(ORDER_LABELS) == list(ORDERS)
    assert ORDERS[0] == "oldest"


@pytest.mark.parametrize("order", EXPECTED)
def test_each_sort_order_puts_its_threads_first(client, order):
    tree = discussion_with_reactions()

    response = client.get(f"{tree.article.get_absolute_url()}?sort={order}")

    assert threads_in_page_order(response, SPEC) == EXPECTED[order]


@pytest.mark.parametrize("asked", ["", "?sort=", "?sort=TOP", "?sort=best", "?sort=top%00"])
def test_no_order_or_an_unknown_one_reads_oldest_first_from_the_same_cached_page(
    client, django_assert_num_queries, asked
):
    tree = discussion_with_reactions()
    client.get(f"{tree.article.get_absolute_url()}?sort=oldest")

    # Only the article is read: the page cached for "oldest" answers.
    with django_assert_num_queries(1):
        response = client.get(f"{tree.article.get_absolute_url()}{asked}")

    assert threads_in_page_order(response, SPEC) == EXPECTED["oldest"]
    assertContains(response, 'href="?sort=oldest#discussion" aria-current="true"')


def test_an_order_never_answers_with_another_orders_cached_page(client):
    tree = discussion_with_reactions()
    url = tree.article.get_absolute_url()
    for order in EXPECTED:
        client.get(f"{url}?sort={order}")

    for order, names in EXPECTED.items():
        assert threads_in_page_order(client.get(f"{url}?sort={order}"), SPEC) == names


def test_each_cached_order_moves_on_with_the_discussion_version(client):
    tree = discussion_with_reactions()
    url = f"{tree.article.get_absolute_url()}?sort=replies"
    client.get(url)

    for i in range(4):
        post(tree.article, tree.quiet, body=f"quiet reply {i}")

    assert threads_in_page_order(client.get(url), SPEC)[0] == "quiet"


def test_top_ranks_a_removed_root_by_nothing_it_had(client):
    tree = discussion_with_reactions()
    moderate(tree.liked, "remove")

    response = client.get(f"{tree.article.get_absolute_url()}?sort=top")

    html = response.content.decode()
    # The tombstone keeps its reply, and its thread comes last with busy's.
    assert html.index(">busy<") < html.index(f'id="c{tree.liked.pk}"')
    assert threads_in_page_order(response, ["quiet", "late", "busy"]) == ["quiet", "late", "busy"]


def test_most_replies_counts_only_replies_the_reader_sees(client):
    tree = discussion_with_reactions()
    moderate(Comment.objects.filter(author_name__in=["b1", "b2", "b3"]), "spam")

    response = client.get(f"{tree.article.get_absolute_url()}?sort=replies")

    # busy's three replies are spam: it ties with quiet at none, after it.
    assert threads_in_page_order(response, SPEC) == ["late", "liked", "quiet", "busy"]


def test_most_replies_counts_a_readers_own_held_reply_on_their_own_page(reader, settings):
    article = make_article()
    post(article, body="first thread")
    second = post(article, body="second thread")
    settings.NEWSROOM_PREMODERATION = True
    submit(reader, article, "my held reply", parent=second, name="Ada")

    response = reader.get(f"{article.get_absolute_url()}?sort=replies")

    html = response.content.decode()
    assert html.index("second thread") < html.index("first thread")
    assertContains(response, "Awaiting moderation")


@override_settings(NEWSROOM_THREADS_PER_PAGE=1)
@pytest.mark.parametrize(("order", "page"), [("oldest", 4), ("newest", 1), ("top", 3)])
def test_a_link_to_a_comment_opens_its_page_in_the_order_asked(client, order, page):
    tree = discussion_with_reactions()
    reply = tree.t2

    response = client.get(f"{tree.article.get_absolute_url()}?sort={order}&comment={reply.pk}")

    assertContains(response, f"Page {page} of 4", count=2)
    assertContains(response, f'id="c{reply.pk}"')


@override_settings(NEWSROOM_THREADS_PER_PAGE=1)
def test_page_links_keep_the_order(client):
    tree = discussion_with_reactions()

    response = client.get(f"{tree.article.get_absolute_url()}?sort=top&page=2")

    assert threads_in_page_order(response, ["quiet"]) == ["quiet"]
    assertContains(response, 'rel="prev" href="?sort=top&amp;page=1#discussion"', count=2)
    assertContains(response, 'rel="next" href="?sort=top&amp;page=3#discussion"', count=2)
    assertContains(response, 'href="?sort=top&amp;page=4#discussion"', count=2)


def test_the_sort_control_is_a_nav_of_links_marking_the_current_order(client):
    tree = discussion_with_reactions()

    response = client.get(f"{tree.article.get_absolute_url()}?sort=replies")

    assertContains(response, '<nav class="sort" aria-label="Sort comments">')
    for order, label in ORDER_LABELS.items():
        current = ' aria-current="true"' if order == "replies" else ""
        assertContains(response, f'<a href="?sort={order}#discussion"{current}>{label}</a>')
    assertContains(response, "aria-current", count=1)


def test_an_article_without_comments_offers_no_sort_control(client):
    response = client.get(make_article().get_absolute_url())

    assertContains(response, "No comments yet")
    assert 'class="sort"' not in response.content.decode()


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("threads", [5, 120])
def test_every_order_costs_the_same_queries_whatever_the_discussion_size(
    client, django_assert_num_queries, order, threads
):
    article = make_article()
    for i in range(threads):
        root = post(article, body=f"thread {i}")
        if i % 2:
            post(article, root, body=f"reply {i}")
    Comment.objects.filter(article=article, level=0, pk__gt=root.pk - 40).update(reaction_count=3)
    cache.clear()
    url = f"{article.get_absolute_url()}?sort={order}"

    # Cold: article, its pages of threads, one page of threads, published count,
    # featured comments.
    with django_assert_num_queries(5):
        client.get(url)
    with django_assert_num_queries(1):
        response = client.get(url)
    assertContains(response, f'aria-current="true">{ORDER_LABELS[order]}<')
