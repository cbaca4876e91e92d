"""comments.moderation: deleting and editing a comment, and the tree and discussion after."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.core.exceptions import ValidationError

from comments import moderation
from comments.models import Comment, Report
from tests.helpers import create_tree, make_article, post, version

pytestmark = pytest.mark.django_db


def test_deleting_a_comment_with_replies_is_refused(assert_tree_sound):
    tree = create_tree()

    with pytest.raises(ValidationError) as raised:
        moderation.comment_delete(comment=tree.child1)

    assert raised.value.code == "has_replies"
    assert Comment.objects.count() == 5
    assert_tree_sound()


def test_deleting_a_comment_without_replies_keeps_the_tree_sound(assert_tree_sound):
    tree = create_tree()
    before = version(tree.article)

    moderation.comment_delete(comment=tree.grandchild)

    assert not Comment.objects.filter(pk=tree.grandchild.pk).exists()
    assert version(tree.article) == before + 1
    assert_tree_sound()


def test_thread_delete_takes_the_replies_and_says_how_many(moderator, assert_tree_sound):
    tree = create_tree()
    moderation.report_create(comment=tree.grandchild, reason=Report.Reason.SPAM)

    deleted = moderation.thread_delete(comment=tree.child1, moderator=moderator)

    assert deleted == 2
    assert set(Comment.objects.values_list("pk", flat=True)) == {
        tree.root.pk,
        tree.child2.pk,
        tree.other.pk,
    }
    assert not Report.objects.exists()
    entry = LogEntry.objects.get()
    assert (entry.action_flag, entry.object_id) == (DELETION, str(tree.child1.pk))
    assert entry.change_message == "Deleted with its thread: 2 comments."
    assert_tree_sound()


def test_thread_delete_of_a_whole_thread_leaves_the_other_threads(moderator, assert_tree_sound):
    tree = create_tree()

    assert moderation.thread_delete(comment=tree.root, moderator=moderator) == 4

    assert list(Comment.objects.values_list("pk", flat=True)) == [tree.other.pk]
    assert_tree_sound()


def test_editing_a_comment_saves_the_words_and_refreshes_the_discussion(moderator):
    comment = post(make_article(), body="Call me on 555 0100")
    before = version(comment.article)

    moderation.comment_edit(
        comment=comment, body="Call me on [redacted]", author_name="R.", email="", editor=moderator
    )

    comment.refresh_from_db()
    assert (comment.body, comment.author_name) == ("Call me on [redacted]", "R.")
    assert version(comment.article) == before + 1


def test_editing_a_comment_records_who_edited_it_and_when(moderator):
    comment = post(make_article(), body="Call me on 555 0100")
    assert (comment.edited_by, comment.edited_at) == (None, None)

    moderation.comment_edit(
        comment=comment, body="Call me on [redacted]", author_name="R.", email="", editor=moderator
    )

    comment.refresh_from_db()
    assert comment.edited_by == moderator
    assert comment.edited_at is not None


def test_editing_a_comment_to_an_empty_body_is_rejected():
    comment = post(make_article(), body="Something")

    with pytest.raises(ValidationError):
        moderation.comment_edit(comment=comment, body="", author_name="R.", email="", editor=None)

    comment.refresh_from_db()
    assert comment.body == "Something"
