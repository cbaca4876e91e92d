"""Context on a comment's page: the text it replies to, the way back to its place on
the right page of the article, and a pre-moderated article saying so before anyone writes."""

import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from comments.context import excerpt
from tests.helpers import assert_page, create_tree, make_article, moderate, post

pytestmark = pytest.mark.django_db

BACK = re.compile(r'<a href="([^"]+)">← Back to the discussion</a>')


def detail(client, comment):
    return client.get(comment.get_absolute_url())


def back_link(response) -> str:
    return BACK.search(response.content.decode()).group(1).replace("&amp;", "&")


def chain(article, depth, *, first="level 0"):
    """A thread ``depth`` comments deep; the comments, top first."""
    comments = [post(article, body=first)]
    for level in range(1, depth):
        comments.append(post(article, comments[-1], body=f"level {level}"))
    return comments


def test_deep_reply_page_quotes_its_parents_text_escaped(client):
    article = make_article()
    parent = post(article, body="I <b>disagree</b> & say so", author="Bo")
    reply = post(article, parent, body="Why?")

    response = detail(client, reply)

    assert_page(
        response,
        shows=["In reply to", "<b>Bo</b>", "I &lt;b&gt;disagree&lt;/b&gt; &amp; say so", "Why?"],
        hides=["I <b>disagree</b>", "Read more"],
    )


def test_top_level_comment_page_quotes_nothing(client):
    tree = create_tree()

    assertNotContains(detail(client, tree.root), "In reply to")


def test_hidden_parent_is_quoted_as_a_tombstone_without_its_text_or_author(client):
    article = make_article()
    parent = post(article, body="Something regrettable", author="Cy")
    reply = post(article, parent, body="You should not say that")
    moderate(parent, "remove")

    response = detail(client, reply)

    assert_page(
        response,
        shows=["In reply to a removed comment", "This comment was removed.", "You should not"],
        hides=["Something regrettable", "<b>Cy</b>"],
    )


def test_long_parent_text_is_trimmed_at_a_word_with_a_read_more_link_to_its_page(client):
    article = make_article()
    parent = post(article, body=("word " * 200) + "THE-END", author="Di")
    reply = post(article, parent, body="tl;dr")

    response = detail(client, reply)

    assert_page(response, shows=["word word…", "Read more of Di"], hides=["THE-END"])
    assertContains(response, f'<a href="{parent.get_absolute_url()}">Read more', count=1)


def test_excerpt_cuts_at_a_space_so_a_link_is_kept_whole_or_left_out():
    text = "see https://example.com/" + "a" * 30 + " and more words here"

    cut, trimmed = excerpt(text, limit=60)

    assert trimmed and cut == "see https://example.com/" + "a" * 30 + " and…"
    assert excerpt("short", limit=60) == ("short", False)


def test_back_link_lands_on_the_comments_anchor_on_the_page_that_holds_it(client, settings):
    settings.NEWSROOM_THREADS_PER_PAGE = 1
    article = make_article()
    post(article, body="first thread")
    root = post(article, body="second thread")
    reply = post(article, root, body="a reply on page two")

    url = back_link(detail(client, reply))

    assert url == f"{article.get_absolute_url()}?comment={reply.pk}#c{reply.pk}"
    assert_page(
        client.get(url),
        shows=["Page 2 of 2", f'id="c{reply.pk}"', "a reply on page two"],
        hides=["first thread"],
    )


def test_back_link_from_a_reply_deeper_than_the_page_lands_on_its_shown_ancestor(
    client, settings
):
    settings.NEWSROOM_THREADS_PER_PAGE = 1
    settings.NEWSROOM_MAX_VISIBLE_DEPTH = 3
    article = make_article()
    post(article, body="first thread")
    comments = chain(article, 6, first="deep thread")
    deepest, shown_ancestor = comments[-1], comments[2]

    url = back_link(detail(client, deepest))

    assert url == f"{article.get_absolute_url()}?comment={shown_ancestor.pk}#c{shown_ancestor.pk}"
    page = client.get(url)
    assert_page(page, shows=["Page 2 of 2", f'id="c{shown_ancestor.pk}"', "Continue this thread"])
    assertNotContains(page, f'id="c{deepest.pk}"')


def test_asking_the_article_for_a_reply_deeper_than_the_page_opens_its_threads_page(
    client, settings
):
    settings.NEWSROOM_THREADS_PER_PAGE = 1
    settings.NEWSROOM_MAX_VISIBLE_DEPTH = 3
    article = make_article()
    post(article, body="first thread")
    deepest = chain(article, 6, first="deep thread")[-1]

    page = client.get(f"{article.get_absolute_url()}?comment={deepest.pk}")

    assert_page(page, shows=["Page 2 of 2", "deep thread"], hides=["first thread"])


def test_back_link_from_a_removed_comments_page_finds_the_page_by_a_reply_it_keeps(
    client, settings
):
    settings.NEWSROOM_THREADS_PER_PAGE = 1
    article = make_article()
    post(article, body="first thread")
    root = post(article, body="gone soon")
    reply = post(article, root, body="still here")
    moderate(root, "remove")

    url = back_link(detail(client, root))

    assert url == f"{article.get_absolute_url()}?comment={reply.pk}#c{root.pk}"
    assert_page(client.get(url), shows=["Page 2 of 2", f'id="c{root.pk}"', "still here"])


def test_comment_page_reads_two_queries_whatever_the_thread_depth(
    client, django_assert_num_queries
):
    article = make_article()
    shallow = chain(article, 2)[-1]
    deep = chain(article, 12)[-1]
    for comment in (shallow, deep):
        with django_assert_num_queries(2):
            assertContains(detail(client, comment), "In reply to")


NOTICE = "Comments here are reviewed before they appear."


@pytest.mark.parametrize("where", ["site", "article"])
def test_pre_moderated_article_says_so_above_the_form_and_the_reply_form(
    client, settings, where
):
    settings.NEWSROOM_PREMODERATION = where == "site"
    article = make_article(premoderation=where == "article")
    comment = post(article, body="published before pre-moderation")

    page = client.get(article.get_absolute_url())
    reply_page = client.get(f"/articles/{article.slug}/comments/{comment.pk}/reply/")

    for response in (page, reply_page):
        html = response.content.decode()
        assert NOTICE in html
        assert html.index(NOTICE) < html.index('name="body"')


def test_article_without_pre_moderation_says_nothing_of_review(client, settings):
    settings.NEWSROOM_PREMODERATION = False
    article = make_article()

    assertNotContains(client.get(article.get_absolute_url()), NOTICE)

