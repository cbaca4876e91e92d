"""The orders a discussion's top-level threads are read in (``?sort=``): each is a
function of the article's root comments and of what the reader sees (a ``Q``),
adding only an ``ORDER BY`` (and, for replies, a subquery) to the one query of
``selectors.thread_pages``. The values are ``articles.pagecache.ORDERS``."""

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from comments.models import Comment


def _most_reactions(roots, shown: Q):
    # A tombstone ranks as nothing: its reactions would say what it was.
    score = Case(When(shown, then=F("reaction_count")), default=Value(0))
    return roots.alias(score=score).order_by("-score", "tree_id")


def _most_replies(roots, shown: Q):
    # The replies this reader sees, counted in the same query, so the order
    # tells nothing of hidden ones. It reads every comment of the article once;
    # the layout it gives is cached under the discussion version.
    replies = (
        Comment.objects.filter(
            shown, article=OuterRef("article"), tree_id=OuterRef("tree_id"), level__gt=0
        )
        .order_by()
        .values("tree_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return roots.alias(replies=Coalesce(Subquery(replies), 0)).order_by("-replies", "tree_id")


# How each of ``pagecache.ORDERS`` orders a reader's top-level threads (roots, and
# what the reader sees); ties go to the older thread. Thread ids follow posting
# order (a new thread, posted or imported, goes after the others), so they are
# oldest first without reading a date.
THREAD_ORDERS = {
    "oldest": lambda roots, shown: roots.order_by("tree_id"),
    "newest": lambda roots, shown: roots.order_by("-tree_id"),
    "top": _most_reactions,
    "replies": _most_replies,
}
