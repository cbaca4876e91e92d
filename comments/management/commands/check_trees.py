import re
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F

from articles.pagecache import discussion_changed
from comments.integrity import check_tree
from comments.locks import tree_write_lock
from comments.models import Comment

# check_tree names the tree first in every problem it reports.
_TREE = re.compile(r"^tree (\d+):")


class Command(BaseCommand):
    help = (
        "Check every comment tree's nested-set fields. Exits with status 1 if any tree is "
        "broken; with --fix, rebuilds the broken trees from their parent links first, under "
        "the writers' lock, so it is safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Rebuild broken trees from their parent links."
        )

    def handle(self, *args, fix=False, **options):
        problems = check_tree()
        if not problems:
            self.stdout.write("All comment trees are sound.")
            return
        for problem in problems:
            self.stdout.write(problem)
        broken = broken_tree_ids(problems)
        if not fix:
            raise CommandError(
                f"{len(broken)} broken tree(s); `check_trees --fix` rebuilds them"
            )
        unreachable = repair_trees(broken)
        if unreachable:
            raise CommandError(
                f"comments {sorted(unreachable)} have no root (their parent links form a "
                "cycle); set a parent by hand, then run --fix again"
            )
        left = check_tree()
        for problem in left:
            self.stderr.write(f"still broken: {problem}")
        if left:
            raise CommandError(f"{len(broken_tree_ids(left))} tree(s) still broken after --fix")
        self.stdout.write(f"Rebuilt {len(broken)} tree(s); all comment trees are sound.")


def broken_tree_ids(problems: list[str]) -> set[int]:
    return {int(match[1]) for problem in problems if (match := _TREE.match(problem))}


def repair_trees(tree_ids: set[int]) -> set[int]:
    """Rebuild the given trees from parent links; return pks no root can reach.

    Corruption can put a reply in another tree than its parent or give one
    tree_id two roots, and mptt's partial_rebuild only sees one tree_id at a
    time. So first every comment takes its root's tree_id (extra roots get
    new ones), then each resulting tree is rebuilt, siblings in posting
    order. All under the writers' lock, inside one transaction, so posting
    can go on meanwhile.
    """
    with transaction.atomic():
        rows = _locked_rows(tree_ids)
        root_of, unreachable = _roots(rows)
        new_ids = _tree_ids_for_roots(rows, set(root_of.values()))
        moves: dict[int, list[int]] = defaultdict(list)
        for pk, root in root_of.items():
            if rows[pk][1] != new_ids[root]:
                moves[new_ids[root]].append(pk)
        for tree_id, pks in moves.items():
            Comment.objects.filter(pk__in=pks).update(tree_id=tree_id)
        rebuilt = sorted(set(new_ids.values()))
        # mptt orders siblings by lft, which is what is broken; pk order is posting
        # order, the order replies are appended in.
        Comment.objects.filter(tree_id__in=rebuilt).update(lft=F("pk"))
        for tree_id in rebuilt:
            Comment.objects.partial_rebuild(tree_id)
        articles = Comment.objects.filter(tree_id__in=rebuilt).values_list(
            "article_id", flat=True
        )
        for article_id in sorted(set(articles)):
            discussion_changed(article_id)
    return unreachable


def _locked_rows(tree_ids: set[int]) -> dict[int, tuple[int | None, int]]:
    """pk -> (parent_id, tree_id) for the trees, widened to the trees of their parents.

    Locks each tree before reading it, and the allocation of new tree ids,
    which a split of a two-rooted tree needs.
    """
    wanted = set(tree_ids)
    locked: set[int] = set()
    tree_write_lock(None)
    while wanted - locked:
        tree_write_lock(*sorted(wanted - locked))
        locked |= wanted
        rows = {
            pk: (parent_id, tree_id)
            for pk, parent_id, tree_id in Comment.objects.filter(tree_id__in=locked)
            .order_by()
            .values_list("pk", "parent_id", "tree_id")
        }
        outside = {parent for parent, __ in rows.values() if parent and parent not in rows}
        wanted |= set(
            Comment.objects.filter(pk__in=outside).values_list("tree_id", flat=True).distinct()
        )
    return rows


def _roots(rows: dict[int, tuple[int | None, int]]) -> tuple[dict[int, int], set[int]]:
    """Map each pk to the root its parent links reach; also return the pks that reach none."""
    root_of: dict[int, int] = {}
    unreachable: set[int] = set()
    for start in rows:
        path, pk = [], start
        while pk in rows and pk not in root_of and pk not in unreachable and pk not in path:
            parent = rows[pk][0]
            if parent is None:
                root_of[pk] = pk
                break
            path.append(pk)
            pk = parent
        root = root_of.get(pk)
        if root is None:
            unreachable.update(path)
        else:
            root_of.update(dict.fromkeys(path, root))
    return root_of, unreachable


def _tree_ids_for_roots(rows, roots: set[int]) -> dict[int, int]:
    """Each root keeps its tree_id, except that a tree_id shared by roots goes to the oldest."""
    by_tree: dict[int, list[int]] = defaultdict(list)
    for root in sorted(roots):
        by_tree[rows[root][1]].append(root)
    next_id = Comment.objects.order_by("-tree_id").values_list("tree_id", flat=True).first() or 0
    new_ids = {}
    for tree_id, tree_roots in by_tree.items():
        new_ids[tree_roots[0]] = tree_id
        for extra in tree_roots[1:]:
            next_id += 1
            new_ids[extra] = next_id
    return new_ids
