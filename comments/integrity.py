"""Verify the nested-set invariants that django-mptt relies on but never checks."""

from collections import defaultdict

from comments.models import Comment


def check_tree(queryset=None) -> list[str]:
    """Return a description of every broken invariant; an empty list means sound.

    Per tree_id: exactly one root; lft/rght use exactly 1..2n; each node lies
    inside its parent, is the nearest enclosing node of its children, has
    level = parent's level + 1, and belongs to its parent's article.
    """
    queryset = Comment.objects.all() if queryset is None else queryset
    rows = queryset.order_by("tree_id", "lft").values_list(
        "pk", "parent_id", "tree_id", "lft", "rght", "level", "article_id"
    )
    trees = defaultdict(list)
    for row in rows:
        trees[row[2]].append(row)
    problems = []
    for tree_id, nodes in trees.items():
        problems.extend(_check_one(tree_id, nodes))
    return problems


def _check_one(tree_id, nodes):
    problems = []
    roots = [pk for pk, parent_id, *_ in nodes if parent_id is None]
    if len(roots) != 1:
        problems.append(f"tree {tree_id}: {len(roots)} roots {roots}")
    edges = sorted(v for _, _, _, lft, rght, *_ in nodes for v in (lft, rght))
    if edges != list(range(1, 2 * len(nodes) + 1)):
        problems.append(f"tree {tree_id}: lft/rght are not exactly 1..{2 * len(nodes)}")
    by_pk = {node[0]: node for node in nodes}
    open_nodes = []
    for pk, parent_id, _, lft, rght, level, article_id in nodes:
        if lft >= rght:
            problems.append(f"tree {tree_id}: comment {pk} has lft {lft} >= rght {rght}")
        while open_nodes and open_nodes[-1][4] < lft:
            open_nodes.pop()
        enclosing = open_nodes[-1] if open_nodes else None
        if parent_id is None:
            if level != 0 or enclosing is not None:
                problems.append(f"tree {tree_id}: root {pk} is nested or not at level 0")
        else:
            parent = by_pk.get(parent_id)
            if parent is None:
                problems.append(f"tree {tree_id}: comment {pk}'s parent {parent_id} is elsewhere")
            else:
                if enclosing is None or enclosing[0] != parent_id or rght > parent[4]:
                    problems.append(f"tree {tree_id}: comment {pk} lies outside its parent")
                if level != parent[5] + 1:
                    problems.append(f"tree {tree_id}: comment {pk} has level {level}")
                if article_id != parent[6]:
                    problems.append(f"tree {tree_id}: comment {pk} is on another article")
        open_nodes.append((pk, parent_id, tree_id, lft, rght, level, article_id))
    return problems
