from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from tests.helpers import create_tree, make_article, post

pytestmark = pytest.mark.django_db


def check_trees(*args) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("check_trees", *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def shape() -> list[tuple[int, int | None, int]]:
    """(pk, parent, level) in thread order: what a repair must preserve."""
    return list(Comment.objects.in_thread_order().values_list("pk", "parent_id", "level"))


def test_sound_trees_are_reported_sound():
    create_tree()
    out, error = check_trees()
    assert error is None
    assert "All comment trees are sound." in out


def test_corrupted_lft_is_reported_with_its_tree_and_exits_with_status_1():
    tree = create_tree()
    Comment.objects.filter(pk=tree.child1.pk).update(lft=99)
    out, error = check_trees()
    assert error is not None and error.returncode == 1
    assert f"tree {tree.root.tree_id}:" in out
    assert f"tree {tree.other.tree_id}:" not in out
    assert "--fix" in str(error)


def test_fix_rebuilds_a_tree_with_broken_lft_rght_and_level(assert_tree_sound):
    tree = create_tree()
    before = shape()
    Comment.objects.filter(pk=tree.child1.pk).update(lft=99, level=5)
    Comment.objects.filter(pk=tree.child2.pk).update(rght=1)
    out, error = check_trees("--fix")
    assert error is None, error
    assert "Rebuilt 1 tree(s)" in out
    assert_tree_sound()
    assert shape() == before
    assert check_trees() == ("All comment trees are sound.\n", None)


def test_fix_splits_two_roots_sharing_one_tree_id(assert_tree_sound):
    tree = create_tree()
    Comment.objects.filter(tree_id=tree.other.tree_id).update(tree_id=tree.root.tree_id)
    __, error = check_trees("--fix")
    assert error is None, error
    assert_tree_sound()
    root, other = Comment.objects.get(pk=tree.root.pk), Comment.objects.get(pk=tree.other.pk)
    assert root.tree_id != other.tree_id
    assert [c.pk for c in root.get_descendants()] == [
        tree.child1.pk, tree.grandchild.pk, tree.child2.pk
    ]


def test_fix_brings_a_reply_back_into_its_parents_tree(assert_tree_sound):
    tree = create_tree()
    stray = Comment.objects.filter(pk__in=[tree.child1.pk, tree.grandchild.pk])
    stray.update(tree_id=tree.other.tree_id)
    __, error = check_trees("--fix")
    assert error is None, error
    assert_tree_sound()
    child1 = Comment.objects.get(pk=tree.child1.pk)
    assert child1.tree_id == tree.root.tree_id
    assert child1.get_ancestors().get() == tree.root
    assert list(child1.get_children()) == [tree.grandchild]


def test_fix_leaves_other_trees_untouched():
    tree = create_tree()
    untouched = create_tree(article=make_article())
    before = list(
        Comment.objects.filter(tree_id=untouched.root.tree_id).values_list("pk", "lft", "rght")
    )
    Comment.objects.filter(pk=tree.child2.pk).update(lft=0)
    check_trees("--fix")
    after = list(
        Comment.objects.filter(tree_id=untouched.root.tree_id).values_list("pk", "lft", "rght")
    )
    assert after == before


def test_fix_refuses_a_cycle_of_parent_links_and_names_its_comments():
    tree = create_tree()
    Comment.objects.filter(pk=tree.child1.pk).update(parent=tree.grandchild.pk)
    __, error = check_trees("--fix")
    assert error is not None and error.returncode == 1
    assert "cycle" in str(error)
    assert str(tree.child1.pk) in str(error) and str(tree.grandchild.pk) in str(error)


def test_fix_bumps_the_discussion_version_of_repaired_articles():
    tree = create_tree()
    version = Comment.objects.get(pk=tree.root.pk).article.discussion_version
    Comment.objects.filter(pk=tree.child1.pk).update(lft=50)
    check_trees("--fix")
    tree.article.refresh_from_db()
    assert tree.article.discussion_version > version


def test_posting_after_a_fix_keeps_the_tree_sound(assert_tree_sound):
    tree = create_tree()
    Comment.objects.filter(pk=tree.child1.pk).update(rght=2)
    check_trees("--fix")
    post(tree.article, Comment.objects.get(pk=tree.grandchild.pk))
    post(tree.article, Comment.objects.get(pk=tree.root.pk))
    assert_tree_sound()
