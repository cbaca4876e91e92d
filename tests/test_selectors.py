"""What a reader may see: one rule (comments/selectors.py), the same on every public URL."""

import itertools
from types import SimpleNamespace

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from comments import selectors
from comments.models import Comment
from tests.helpers import make_article, post

pytestmark = pytest.mark.django_db

Status = Comment.Status
SECRET_BODY = "target words"
SECRET_AUTHOR = "Target Author"


def test_the_filter_and_the_row_rule_agree_for_every_status_and_reader():
    article = make_article()
    comments = [post(article, status=status) for status in Status.values]
    for own in itertools.chain.from_iterable(
        itertools.combinations(comments, n) for n in range(len(comments) + 1)
    ):
        own_ids = {c.pk for c in own}
        by_filter = set(selectors.visible_comments(own_ids).values_list("pk", flat=True))
        by_row = {c.pk for c in comments if selectors.is_visible(c.status, c.pk, own_ids)}
        assert by_filter == by_row


def test_a_reader_sees_published_comments_and_their_own_held_ones_only():
    article = make_article()
    shown = post(article)
    held, others_held = (post(article, status=Status.PENDING) for _ in range(2))
    removed, spam = post(article, status=Status.REMOVED), post(article, status=Status.SPAM)
    own_ids = {held.pk, removed.pk, spam.pk}

    assert set(selectors.visible_comments(own_ids)) == {shown, held}
    assert set(selectors.visible_comments()) == {shown}
    assert others_held not in selectors.visible_comments(own_ids)


@pytest.fixture
def discussion(request):
    """An article whose comment ``target`` was posted, held, by ``author`` (a
    client whose session remembers it), then given ``status``; with
    ``answered``, a published reply hangs under it."""
    status, answered = request.param
    article = make_article(slug="story", premoderation=True)
    author = Client()
    response = author.post("/articles/story/comment/", {"name": "Poster", "body": SECRET_BODY})
    assert response.status_code == 303
    target = Comment.objects.get(body=SECRET_BODY)
    # Not the name the author's forms remember: that one is theirs to see.
    target.author_name = SECRET_AUTHOR
    reply = None
    target.status = Status.PUBLISHED
    target.save(update_fields=["author_name", "status"])
    if answered:
        reply = post(article, target, body="reply words", author="Replier")
    Comment.objects.filter(pk=target.pk).update(status=status)
    return SimpleNamespace(
        article=article, author=author, target=target, reply=reply, status=status
    )


CASES = [
    pytest.param((status, answered), id=f"{status}-{'answered' if answered else 'alone'}")
    for status in Status.values
    for answered in (False, True)
]


@pytest.mark.parametrize("discussion", CASES, indirect=True)
@pytest.mark.parametrize("reader_is_author", [False, True], ids=["stranger", "author"])
def test_every_public_url_shows_a_comment_as_the_article_page_does(discussion, reader_is_author):
    d = discussion
    reader = d.author if reader_is_author else Client()
    pk, base = d.target.pk, "/articles/story"
    visible = d.status == Status.PUBLISHED or (d.status == Status.PENDING and reader_is_author)
    tombstone = not visible and d.reply is not None
    shown_at_all = visible or tombstone

    def shows_target(response, expected: bool, status_code=200):
        check = assertContains if expected else assertNotContains
        check(response, SECRET_BODY, status_code=status_code)
        check(response, SECRET_AUTHOR, status_code=status_code)

    # The article page: the reference every other surface is held to.
    page = reader.get(f"{base}/")
    shows_target(page, visible)
    (assertContains if shown_at_all else assertNotContains)(page, f'id="c{pk}"')
    # The one thing a tombstone tells: that its author deleted it.
    by_author = d.status == Status.DELETED
    if tombstone:
        assertContains(page, "Deleted by its author." if by_author else "This comment was removed.")
    # A link naming the comment opens its page only if the reader sees it.
    assert (f'id="c{pk}"' in reader.get(f"{base}/?comment={pk}").content.decode()) == (
        shown_at_all
    )

    # The comment's page: a tombstone names nobody; hidden and alone, it does not exist.
    comment_page = reader.get(f"{base}/comments/{pk}/")
    assert comment_page.status_code == (200 if shown_at_all else 404)
    shows_target(comment_page, visible, comment_page.status_code)
    if tombstone:
        gone = "deleted" if by_author else "removed"
        assertContains(comment_page, f"<title>Replies to a {gone} comment on")
        assertContains(comment_page, "reply words")
    if d.reply is not None:
        # The reply's page quotes what it answers, as the reader may see it.
        context = reader.get(f"{base}/comments/{d.reply.pk}/")
        (assertContains if visible else assertNotContains)(context, SECRET_BODY)
        (assertContains if visible else assertNotContains)(context, SECRET_AUTHOR)

    # Replying and reporting: only to a published comment; anything else is not there.
    replyable = d.status == Status.PUBLISHED
    reply_page = reader.get(f"{base}/comments/{pk}/reply/")
    assert reply_page.status_code == (200 if replyable else 404)
    shows_target(reply_page, replyable, reply_page.status_code)
    before = Comment.objects.count()
    posted = reader.post(
        f"{base}/comments/{pk}/reply/", {"name": "R", "body": "my typed reply"}
    )
    if replyable:
        assert posted.status_code == 303
    else:
        assertContains(posted, "does not exist", status_code=400)
        assertContains(posted, "my typed reply", status_code=400)
        shows_target(posted, False, 400)
        assert Comment.objects.count() == before
    for method in (reader.get, reader.post):
        report = method(f"{base}/comments/{pk}/report/")
        assert report.status_code == (200 if replyable else 404)
        shows_target(report, replyable, report.status_code)

    # Feeds carry the published comments: what every reader sees.
    shows_target(reader.get(f"{base}/feed/"), d.status == Status.PUBLISHED)
    shows_target(reader.get("/feeds/articles/"), False)
    shows_target(reader.get("/sitemap.xml"), False)
    shows_target(reader.get("/"), False)

    # The API says what the page says, and never why a comment is hidden.
    api = reader.get("/api/articles/story/")
    shows_target(api, visible)
    api_comment = reader.get(f"/api/articles/story/comments/{pk}/")
    assert api_comment.status_code == (200 if shown_at_all else 404)
    shows_target(api_comment, visible, api_comment.status_code)
    for response in (api, api_comment):
        text = response.content.decode()
        for word in ("published", "pending", "removed", "spam", '"status"'):
            assert word not in text
    nodes = {c["id"]: c for c in api.json()["comments"]}
    assert (pk in nodes) == shown_at_all
    if tombstone:
        assert nodes[pk]["tombstone"] is True
        assert (nodes[pk]["author"], nodes[pk]["body"], nodes[pk]["created"]) == (None, "", None)
        assert nodes[pk]["replies"][0]["body"] == "reply words"
