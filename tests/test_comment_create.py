"""comment_create: the one path by which a reader's comment enters a tree."""

import pytest
from django.core.exceptions import ValidationError

from comments import posting
from comments.models import Comment
from comments.posting import comment_create
from tests.helpers import create_tree, make_article, post

pytestmark = pytest.mark.django_db


def refused(**fields) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        comment_create(**{"body": "Hello", "author_name": "Reader", **fields})
    return error.value


def test_top_level_comment_gets_a_new_tree_after_the_others(assert_tree_sound):
    tree = create_tree()
    comment = post(tree.article, body="New thread")
    assert comment.parent is None
    assert (comment.level, comment.lft, comment.rght) == (0, 1, 2)
    assert comment.tree_id == max(tree.root.tree_id, tree.other.tree_id) + 1
    assert_tree_sound()


def test_reply_goes_last_under_its_parent(assert_tree_sound):
    tree = create_tree()
    reply = post(tree.article, tree.root, body="Late reply")
    assert reply.tree_id == tree.root.tree_id
    assert reply.level == 1
    root = Comment.objects.get(pk=tree.root.pk)
    assert list(root.get_children()) == [tree.child1, tree.child2, reply]
    assert_tree_sound()


def test_reply_with_a_stale_parent_instance_still_lands_inside_it(assert_tree_sound):
    tree = create_tree()
    stale_root = Comment.objects.get(pk=tree.root.pk)
    post(tree.article, tree.root)
    reply = post(tree.article, stale_root)
    stale_root.refresh_from_db()
    assert stale_root.lft < reply.lft < reply.rght < stale_root.rght
    assert_tree_sound()


def test_comment_keeps_its_email_user_address_and_status():
    comment = post(
        make_article(),
        email="reader@example.com",
        ip_address="192.0.2.7",
        status=Comment.Status.PENDING,
        moderation_reason="Watched word",
    )
    comment.refresh_from_db()
    assert (comment.email, comment.ip_address) == ("reader@example.com", "192.0.2.7")
    assert (comment.status, comment.moderation_reason) == ("pending", "Watched word")
    assert not comment.is_imported


def test_closed_article_refuses_comments():
    assert refused(article=make_article(comments_open=False), parent=None).code == "closed"
    assert Comment.objects.count() == 0


def test_reply_to_another_articles_comment_is_refused():
    tree = create_tree()
    error = refused(article=make_article(), parent=tree.child1)
    assert error.code == "parent_elsewhere"


@pytest.mark.parametrize("status", ["pending", "removed", "spam"])
def test_reply_to_a_comment_that_is_not_published_is_refused(status):
    tree = create_tree()
    Comment.objects.filter(pk=tree.child1.pk).update(status=status)
    assert refused(article=tree.article, parent=tree.child1).code == "parent_unavailable"


def test_empty_body_and_bad_email_are_refused_by_the_models_rules():
    article = make_article()
    assert list(refused(article=article, parent=None, body="").message_dict) == ["body"]
    error = refused(article=article, parent=None, email="not-an-address")
    assert list(error.message_dict) == ["email"]
    assert Comment.objects.count() == 0


def test_flood_limit_counts_posts_from_one_address_in_the_last_minute():
    article = make_article()
    for _ in range(3):
        post(article, ip_address="198.51.100.1", posts_per_minute=3)
    error = refused(article=article, parent=None, ip_address="198.51.100.1", posts_per_minute=3)
    assert error.code == "flood"
    post(article, ip_address="198.51.100.2", posts_per_minute=3)


@pytest.mark.django_db
def test_nul_bytes_are_refused_by_the_service_itself():
    article = make_article()

    with pytest.raises(ValidationError):
        post(article, body="before\x00after")

    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_replies_stop_at_the_maximum_depth(monkeypatch):
    monkeypatch.setattr(posting, "MAX_REPLY_DEPTH", 3)
    article = make_article()
    chain = [post(article)]
    chain.append(post(article, chain[-1]))
    chain.append(post(article, chain[-1]))

    with pytest.raises(ValidationError) as error:
        post(article, chain[-1])

    assert error.value.code == "too_deep"
