"""A reader deletes their own comment: a confirmation page, then a soft delete."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments import authoring
from comments.models import Comment
from tests.helpers import (
    QUEUE,
    change_url,
    make_article,
    make_reader,
    post,
    reload,
    submit,
    version,
)

pytestmark = pytest.mark.django_db


def delete_url(comment) -> str:
    return f"/articles/{comment.article.slug}/comments/{comment.pk}/delete/"


def posted_by(client, article, body="Words to take back", **fields) -> Comment:
    assert submit(client, article, body, **fields).status_code == 303
    return Comment.objects.get(body=body)


def delete(client, comment):
    for page in (comment.article.get_absolute_url(), "/accounts/login/"):
        if "csrftoken" not in client.cookies:
            client.get(page)
    token = client.cookies["csrftoken"].value
    return client.post(delete_url(comment), {"csrfmiddlewaretoken": token})


def test_the_confirmation_page_quotes_the_comment_and_changes_nothing(reader):
    comment = posted_by(reader, make_article())

    page = reader.get(delete_url(comment))

    assertContains(page, "Delete your comment?")
    assertContains(page, "Words to take back")
    assertContains(page, "It disappears from the discussion.")
    assert reload(comment).status == Comment.Status.PUBLISHED


def test_a_comment_without_replies_leaves_the_page_and_moderators_keep_its_text(reader, desk):
    article = make_article()
    comment = posted_by(reader, article)
    before = version(article)

    response = delete(reader, comment)

    assert response.status_code == 303
    gone = reload(comment)
    assert gone.status == Comment.Status.DELETED and gone.deleted_at is not None
    assert version(article) > before
    page = Client().get(article.get_absolute_url())
    assertNotContains(page, f'id="c{comment.pk}"')
    assertContains(page, "0 comments")
    assertContains(desk.get(change_url(comment)), "Words to take back")
    assertContains(desk.get(QUEUE, {"status__exact": "deleted"}), "Deleted by its author")


def test_replies_stay_under_deleted_by_its_author(reader):
    article = make_article()
    comment = posted_by(reader, article)
    reply = post(article, comment, body="A reply that stays")

    assertContains(reader.get(delete_url(comment)), "Its replies stay")
    delete(reader, comment)

    page = Client().get(article.get_absolute_url())
    assertContains(page, "Deleted by its author.")
    assertContains(page, "A reply that stays")
    assertNotContains(page, "Words to take back")
    own_page = Client().get(f"/articles/{article.slug}/comments/{comment.pk}/")
    assertContains(own_page, "Replies to a deleted comment")
    assertNotContains(own_page, "Words to take back")
    assert reload(reply).status == Comment.Status.PUBLISHED


def test_a_deleted_comment_can_be_neither_replied_to_nor_reported_nor_deleted_again(reader):
    article = make_article()
    comment = posted_by(reader, article)
    post(article, comment, body="A reply")
    delete(reader, comment)
    base = f"/articles/{article.slug}/comments/{comment.pk}"

    assert reader.get(f"{base}/reply/").status_code == 404
    assert reader.get(f"{base}/report/").status_code == 404
    assert reader.get(delete_url(comment)).status_code == 404
    assert delete(reader, comment).status_code == 404


def test_deleting_has_no_window(reader, settings):
    settings.NEWSROOM_EDIT_WINDOW = 60
    comment = posted_by(reader, make_article())
    Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - timedelta(days=30))

    assert delete(reader, comment).status_code == 303
    assert reload(comment).status == Comment.Status.DELETED


def test_a_signed_in_reader_deletes_their_comment_from_any_browser(client):
    ada = make_reader("Ada")
    comment = post(make_article(), body="Mine", author="", user=ada)
    client.force_login(ada)

    assert delete(client, comment).status_code == 303
    assert reload(comment).status == Comment.Status.DELETED


@pytest.mark.parametrize("who", ["stranger", "another reader"])
def test_someone_elses_comment_cannot_be_deleted(reader, who):
    comment = posted_by(Client(), make_article())
    if who == "another reader":
        reader.force_login(make_reader("Bea"))

    assert reader.get(delete_url(comment)).status_code == 404
    assert delete(reader, comment).status_code == 404
    assert reload(comment).status == Comment.Status.PUBLISHED


def test_a_forged_id_answers_404(reader):
    article = make_article()
    posted_by(reader, article)

    assert reader.get(f"/articles/{article.slug}/comments/99999999/delete/").status_code == 404


def test_a_delete_without_its_csrf_token_is_refused(reader):
    comment = posted_by(reader, make_article())

    assert reader.post(delete_url(comment)).status_code == 403
    assert reload(comment).status == Comment.Status.PUBLISHED


def test_a_removed_comment_is_no_longer_its_authors_to_delete(reader):
    comment = posted_by(reader, make_article())
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.REMOVED)

    assert delete(reader, comment).status_code == 404
    with pytest.raises(Exception, match="no longer available"):
        authoring.comment_withdraw(comment=comment)
    assert reload(comment).status == Comment.Status.REMOVED


def test_a_held_comment_can_be_deleted_and_leaves_the_queue(reader):
    comment = posted_by(reader, make_article(premoderation=True))

    delete(reader, comment)

    assert not Comment.objects.in_moderation().exists()
