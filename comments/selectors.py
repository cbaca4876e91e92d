"""What a reader may see of a discussion: the one definition every public surface asks,
and every read of threads and pages.

A reader sees the published comments and their own comments still awaiting
moderation (the ids their session remembers, ``sessions.own_pending_ids``);
nothing else. A hidden comment that still has replies the reader sees stays in
its thread as a tombstone: its id and its place, and nothing that says what it
was (no text, no author, no time, no status). The article page, the comment,
reply and report pages, the list's counts, the feeds, the JSON API and the
public export all go through here, so a new surface cannot forget a rule.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, Max, OuterRef, Q, Value, When

from articles.models import Article
from articles.pagecache import ORDERS
from comments.models import Comment, CommentQuerySet, Reaction
from comments.orders import THREAD_ORDERS
from comments.querysets import author_label
from comments.threads import DisplayedComment, Row, displayed, lay_out

PUBLISHED = Comment.Status.PUBLISHED
PENDING = Comment.Status.PENDING
# The featured comments an article page quotes at most, the latest featured first.
FEATURED_SHOWN = 10


def is_visible(status: str, pk: int, own_ids: Collection[int] = ()) -> bool:
    """The rule, for a row already fetched (thread pages decide row by row)."""
    return status == PUBLISHED or (status == PENDING and pk in own_ids)


def visible_q(own_ids: Collection[int] = ()) -> Q:
    """The rule of ``is_visible``, as a filter."""
    shown = Q(status=PUBLISHED)
    if own_ids:
        shown |= Q(status=PENDING, pk__in=sorted(own_ids))
    return shown


def visible_comments(own_ids: Collection[int] = ()) -> CommentQuerySet:
    """The comments a reader with held comments ``own_ids`` sees; with none, the published."""
    return Comment.objects.filter(visible_q(own_ids))


def replyable_comment(pk: int) -> Comment | None:
    """The comment a reply page answers, if a reader may reply to it: a published one.

    A held comment is never a parent, not even for its author: the article page
    offers no Reply link on it. Anything else answers as if it did not exist.
    """
    return visible_comments().filter(pk=pk).select_related("article", "user__profile").first()


def own_held_ids(article, own_ids: Collection[int]) -> Collection[int]:
    """``own_ids`` when one of them is still held on ``article``, else none.

    Only then is the reader's view of the article their own rather than the
    one every reader shares (and caches).
    """
    held = Comment.objects.in_moderation().for_article(article)
    if own_ids and held.filter(pk__in=sorted(own_ids)).exists():
        return own_ids
    return ()


def own_comments(
    article, *, user_id: int | None, ids: Collection[int]
) -> list[tuple[int, str, datetime]]:
    """(pk, status, created) of the reader's comments on ``article`` they may still
    change: their account's (``user_id``) and those of ``ids`` (what their session
    remembers posting or having held), published or held. One query on the user's
    or the ids' index; none for a reader with neither."""
    mine = Q(pk__in=sorted(ids)) if ids else None
    if user_id is not None:
        mine = Q(user_id=user_id) if mine is None else mine | Q(user_id=user_id)
    if mine is None:
        return []
    return list(
        Comment.objects.filter(mine, article=article, status__in=[PUBLISHED, PENDING])
        .order_by()
        .values_list("pk", "status", "created")
    )


def comment_stats(article_ids: Iterable[int]) -> dict[int, tuple[int, datetime | None]]:
    """Each article's count of published comments and the time of the latest posted
    on the site, in one query over the (article, status, created) index; (0, None)
    for an article without. An imported comment counts but has no time of its own
    here: its ``created`` is when it was imported."""
    stats = {pk: (0, None) for pk in article_ids}
    rows = (
        visible_comments()
        .filter(article__in=list(stats))
        .order_by()
        .values_list("article")
        .annotate(count=Count("pk"), latest=Max("created", filter=Q(is_imported=False)))
    )
    stats.update((pk, (count, latest)) for pk, count, latest in rows)
    return stats


def thread_pages(
    article, own_ids: Collection[int] = (), order: str = ORDERS[0]
) -> list[tuple[int, ...]]:
    """The threads a reader of ``article`` sees, in ``order`` (``THREAD_ORDERS``), split
    into pages of tree ids.

    A page takes up to ``NEWSROOM_THREADS_PER_PAGE`` threads but closes once it
    holds ``NEWSROOM_COMMENTS_PER_PAGE`` comments, so the first page of a
    10,000-comment article costs what a 300-comment one does. A thread is never
    split, so the thread that reaches the budget ends its page, and one thread
    bigger than the budget makes a page that big. The count takes every comment
    of a thread, hidden ones and those past the visible depth too. One query over
    the article's top-level comments: a root's ``lft``/``rght`` give its thread's
    size, and a thread whose root is hidden is shown only if it holds a comment
    the reader may see (asked of those threads alone).
    """
    shown = visible_q(own_ids)
    roots = (
        Comment.objects.filter(article=article, level=0)
        .alias(
            shown=Case(
                When(shown, then=Value(True)),
                default=Exists(
                    Comment.objects.filter(
                        shown, article=OuterRef("article"), tree_id=OuterRef("tree_id")
                    )
                ),
            )
        )
        .filter(shown=True)
    )
    roots = THREAD_ORDERS[order](roots, shown).values_list("tree_id", "lft", "rght")
    per_page = settings.NEWSROOM_THREADS_PER_PAGE
    budget = settings.NEWSROOM_COMMENTS_PER_PAGE
    pages: list[tuple[int, ...]] = []
    page: list[int] = []
    weight = 0
    for tree_id, lft, rght in roots:
        page.append(tree_id)
        weight += (rght - lft + 1) // 2
        if len(page) >= per_page or weight >= budget:
            pages.append(tuple(page))
            page, weight = [], 0
    if page:
        pages.append(tuple(page))
    return pages


def page_holding(article, pk: int, pages: Sequence[tuple[int, ...]], own_ids) -> int | None:
    """The number of the page of ``pages`` whose threads hold comment ``pk``, if the
    reader sees it: which page a hidden one would open must not tell that it exists."""
    tree_id = (
        visible_comments(own_ids)
        .filter(article=article, pk=pk)
        .values_list("tree_id", flat=True)
        .first()
    )
    for number, tree_ids in enumerate(pages, start=1):
        if tree_id in tree_ids:
            return number
    return None


def _shows(own_ids: Collection[int]):
    return lambda row: is_visible(row.status, row.pk, own_ids)


def threads_for_page(
    article, tree_ids: Sequence[int], own_ids: Collection[int] = ()
) -> list[DisplayedComment]:
    """One query: the whole threads ``tree_ids``, in that order, shaped for the article page."""
    if not tree_ids:
        return []
    rows = Row.read(
        Comment.objects.filter(article=article, tree_id__in=tree_ids),
        author_id=article.author_id,
        threads=tree_ids,
    )
    return lay_out(
        displayed(rows, _shows(own_ids)),
        base_level=0,
        max_depth=settings.NEWSROOM_MAX_VISIBLE_DEPTH,
    )


def comment_in_context(
    *, slug: str, pk: int, own_ids: Collection[int] = ()
) -> tuple[Article, list[DisplayedComment], list[DisplayedComment]] | None:
    """A comment's page as the reader sees it: its article, its ancestors (for a
    context line) and its shaped subtree, the comment first. Two queries.

    None when the reader may not see it: no such comment on that article, or a
    hidden one without a reply the reader sees (one with is a tombstone).
    """
    comment = (
        Comment.objects.filter(pk=pk, article__slug=slug)
        .select_related("article")
        .defer("article__source_text")
        .first()
    )
    if comment is None:
        return None
    rows = Row.read(
        Comment.objects.filter(
            Q(lft__gte=comment.lft, rght__lte=comment.rght)
            | Q(lft__lt=comment.lft, rght__gt=comment.rght),
            tree_id=comment.tree_id,
        ),
        author_id=comment.article.author_id,
    )
    shown = displayed(rows, _shows(own_ids))
    ancestors = [item for item in shown if item.row.lft < comment.lft]
    subtree = [item for item in shown if item.row.lft >= comment.lft]
    if not subtree or subtree[0].row.pk != comment.pk:
        return None
    # The ancestors are one line of links: laid out whole, never cut.
    return (
        comment.article,
        lay_out(ancestors, base_level=0, max_depth=comment.level + 1),
        lay_out(subtree, base_level=comment.level, max_depth=settings.NEWSROOM_MAX_VISIBLE_DEPTH),
    )


def reader_comments(user, *, own: bool = False) -> CommentQuerySet:
    """A reader's comments, newest first, with their articles: the published ones,
    and on the reader's own page (``own``) those still held too."""
    statuses = [PUBLISHED, PENDING] if own else [PUBLISHED]
    return (
        Comment.objects.filter(user=user, status__in=statuses)
        .select_related("article")
        .defer("article__source_text", "article__body")
        .order_by("-created", "-pk")
    )


def featured_comments(article) -> list[tuple[int, str | None, str]]:
    """The published comments moderators featured on ``article`` (at most
    ``FEATURED_SHOWN``, the latest featured first), as (pk, known author, body). One query."""
    username = f"user__{get_user_model().USERNAME_FIELD}"
    rows = (
        visible_comments()
        .for_article(article)
        .filter(featured_at__isnull=False)
        .order_by("-featured_at", "-pk")
        .values_list(
            "pk", "body", "author_name", "user__first_name", "user__last_name", username,
            "user__profile__display_name",
        )[:FEATURED_SHOWN]
    )
    return [(pk, author_label(*names), body) for pk, body, *names in rows]


def respected_ids(user, article) -> dict[int, int]:
    """The comments of ``article`` that ``user`` respects, with their respect counts
    now. One query."""
    return dict(
        Reaction.objects.filter(user=user, comment__article=article).values_list(
            "comment_id", "comment__reaction_count"
        )
    )
