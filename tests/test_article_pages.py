import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from comments import moderation
from comments.models import Comment
from tests.helpers import assert_page, create_tree, csrf_token, make_article, post, submit

pytestmark = pytest.mark.django_db


def moderate(queryset_or_comment, action):
    queryset = (
        Comment.objects.filter(pk=queryset_or_comment.pk)
        if isinstance(queryset_or_comment, Comment)
        else queryset_or_comment
    )
    return moderation.comments_moderate(queryset, action=action, moderator=None)


def first_two_pages(client, article):
    url = article.get_absolute_url()
    return client.get(url), client.get(f"{url}?page=2")


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
    assertContains(response, f'href="/articles/story/comments/{comment.pk}/reply/"')
    assertContains(response, f'href="/articles/story/comments/{comment.pk}/report/"')
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

    continued = f'href="{article.get_absolute_url()}comments/{chain[2].pk}/"'
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

    # Cold cache: article, its pages of threads, one page of threads, published count.
    with django_assert_num_queries(4):
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

    # Session, user, article, pages of threads, page of threads, published count.
    with django_assert_num_queries(6):
        response = client.get(article.get_absolute_url())
    assertContains(response, "user1")


def test_warm_article_page_costs_one_query(client, django_assert_num_queries):
    article = build_article_with(20)
    client.get(article.get_absolute_url())

    with django_assert_num_queries(1):
        client.get(article.get_absolute_url())


def test_anonymous_readers_share_a_cached_page_each_with_a_working_csrf_token(
    django_assert_num_queries,
):
    article = make_article(slug="story")
    post(article, body="already here")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(article.get_absolute_url())

    with django_assert_num_queries(1):
        page = second.get(article.get_absolute_url())
    response = submit(second, article, "From the cached page", csrfmiddlewaretoken=csrf_token(page))

    assert "PLACEHOLDER" not in page.content.decode()
    assert response.status_code == 303
    assert Comment.objects.filter(body="From the cached page").exists()


def test_text_holding_the_token_placeholder_never_carries_another_readers_token(reader):
    """The placeholder is secret to the process; from outside, the nearest text comes
    is a token another reader saw and pasted. It shows as typed, and the form still
    carries this reader's own token, once."""
    article = make_article(slug="story")
    pasted = csrf_token(Client().get(article.get_absolute_url()))
    post(article, body=f"https://evil.example/?t={pasted}")

    page = reader.get(article.get_absolute_url())
    token = csrf_token(page)

    assertContains(page, f"?t={pasted}")
    assert token != pasted
    assertContains(page, token, count=1)
    assert submit(reader, article, "Still works", csrfmiddlewaretoken=token).status_code == 303


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
        shows=[f'href="/articles/new-slug/comments/{comment.pk}/reply/"'],
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


def test_reader_whose_csrf_secret_changed_gets_the_page_again_with_a_token_that_posts(reader):
    article = make_article(slug="story")
    first = reader.get(article.get_absolute_url())
    reader.cookies.clear()

    again = reader.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    response = submit(
        reader, article, "Posted after clearing cookies", csrfmiddlewaretoken=csrf_token(again)
    )

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert response.status_code == 303


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
