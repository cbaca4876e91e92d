"""check_tree: every nested-set invariant it promises, each broken on purpose.

The tree tests all lean on check_tree, so each invariant must really be caught.
"""

import pytest
from django.db.models import F

from comments.integrity import check_tree
from comments.models import Comment
from tests.helpers import create_tree, make_article

pytestmark = pytest.mark.django_db


def break_(comment, **fields):
    Comment.objects.filter(pk=comment.pk).update(**fields)


def test_sound_trees_have_no_problems():
    create_tree()
    create_tree()
    assert check_tree() == []


def test_empty_table_is_sound():
    assert check_tree() == []


def test_two_roots_in_one_tree_are_caught():
    tree = create_tree()
    break_(tree.other, tree_id=tree.root.tree_id)
    assert any(
        f"tree {tree.root.tree_id}: 2 roots" in problem for problem in check_tree()
    ), check_tree()


def test_gap_in_lft_rght_numbering_is_caught():
    tree = create_tree()
    break_(tree.root, rght=F("rght") + 1)
    assert check_tree() == [f"tree {tree.root.tree_id}: lft/rght are not exactly 1..8"]


def test_child_outside_its_parent_is_caught():
    tree = create_tree()
    # Swap child2's edges with the grandchild's: numbering stays 1..2n.
    break_(tree.child2, lft=tree.grandchild.lft, rght=tree.grandchild.rght)
    break_(tree.grandchild, lft=tree.child2.lft, rght=tree.child2.rght)
    assert any("lies outside its parent" in problem for problem in check_tree())


def test_wrong_level_is_caught():
    tree = create_tree()
    break_(tree.grandchild, level=1)
    assert check_tree() == [
        f"tree {tree.root.tree_id}: comment {tree.grandchild.pk} has level 1"
    ]


def test_root_not_at_level_zero_is_caught():
    tree = create_tree()
    break_(tree.other, level=1)
    assert check_tree() == [
        f"tree {tree.other.tree_id}: root {tree.other.pk} is nested or not at level 0"
    ]


def test_reversed_edges_are_caught():
    tree = create_tree()
    break_(tree.other, lft=2, rght=1)
    assert f"tree {tree.other.tree_id}: comment {tree.other.pk} has lft 2 >= rght 1" in (
        check_tree()
    )


def test_reply_filed_in_another_tree_is_caught():
    tree = create_tree()
    break_(tree.child2, tree_id=tree.other.tree_id)
    assert any(
        f"comment {tree.child2.pk}'s parent {tree.root.pk} is elsewhere" in problem
        for problem in check_tree()
    )


def test_reply_on_another_article_is_caught():
    tree = create_tree()
    break_(tree.child2, article=make_article())
    assert check_tree() == [
        f"tree {tree.root.tree_id}: comment {tree.child2.pk} is on another article"
    ]


def test_check_can_be_limited_to_some_trees():
    tree = create_tree()
    break_(tree.other, level=3)
    assert check_tree(Comment.objects.filter(tree_id=tree.root.tree_id)) == []
    assert len(check_tree(Comment.objects.filter(tree_id=tree.other.tree_id))) == 1
