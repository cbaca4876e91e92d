"""Shape a thread for readers from one pre-ordered list of comments.

Everything here works on a list already fetched in (tree_id, lft) order, so a
page costs one query however many comments it shows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from html import escape

from django.conf import settings
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext as _

from comments.models import Comment, author_label
from comments.templatetags.comment_text import comment_body


class ThreadItem:
    """A comment as a thread page shows it, built from a ``for_display()`` row.

    ``displayed`` and ``lay_out`` add the rendering marks (``tombstone``,
    ``depth``, ``reply_count``...) as attributes.
    """

    def __init__(
        self, pk, parent_id, tree_id, lft, rght, level, status, body, created, display_author
    ):
        self.pk = pk
        self.parent_id = parent_id
        self.tree_id = tree_id
        self.lft = lft
        self.rght = rght
        self.level = level
        self.status = status
        self.body = body
        self.created = created
        self.display_author = display_author


def thread_items(queryset) -> list[ThreadItem]:
    anonymous = _("Anonymous")
    return [
        ThreadItem(*row[:9], author_label(*row[9:]) or anonymous)
        for row in queryset.for_display()
    ]


def displayed(
    comments: Sequence[ThreadItem], own_ids: Collection[int] = ()
) -> list[ThreadItem]:
    """The comments a reader sees, in thread order, each marked for rendering.

    Published comments show, and so do the reader's own pending ones (marked
    ``awaiting``). A hidden comment that still has shown replies stays as a
    tombstone so the replies keep their context; one without is left out.
    """
    shown: dict[int, bool] = {}
    for comment in reversed(comments):
        own = comment.status == Comment.Status.PENDING and comment.pk in own_ids
        comment.awaiting = own
        visible = comment.status == Comment.Status.PUBLISHED or own
        comment.tombstone = not visible and shown.get(comment.pk, False)
        if visible or comment.tombstone:
            shown[comment.pk] = True
            if comment.parent_id is not None:
                shown[comment.parent_id] = True
    return [comment for comment in comments if shown.get(comment.pk)]


def nest(comments: Sequence[ThreadItem]) -> list[ThreadItem]:
    """Hang each comment on its parent's ``replies``; return the top of the forest.

    A comment whose parent is not in the list starts a tree of its own, which
    is what a subtree page wants.
    """
    by_pk = {}
    roots = []
    for comment in comments:
        comment.replies = []
        by_pk[comment.pk] = comment
        parent = by_pk.get(comment.parent_id)
        (parent.replies if parent is not None else roots).append(comment)
    return roots


def lay_out(
    comments: Sequence[ThreadItem], *, base_level: int, max_depth: int
) -> list[ThreadItem]:
    """Prepare a displayed list for one flat loop (``render_thread``), Lobsters style.

    Each comment gets ``depth`` (relative to ``base_level``), ``has_replies``
    (open a nested list), ``closes`` (how many nested lists end after it),
    ``reply_count``, ``parent_author`` and ``continues`` (it has replies
    beyond ``max_depth`` that live on its own page).
    """
    names: dict[int, str | None] = {}
    kept: list[ThreadItem] = []
    # In pre-order, the last kept comment at the deepest shown level is the
    # ancestor of any deeper comment that follows it.
    deepest_shown: ThreadItem | None = None
    for comment in comments:
        comment.depth = comment.level - base_level
        names[comment.pk] = None if comment.tombstone else comment.display_author
        comment.parent_author = names.get(comment.parent_id)
        comment.continues = False
        if comment.depth >= max_depth:
            if deepest_shown is not None:
                deepest_shown.continues = True
            continue
        if comment.depth == max_depth - 1:
            deepest_shown = comment
        kept.append(comment)
    counts = {comment.pk: 0 for comment in kept}
    for comment in reversed(kept):
        if comment.parent_id in counts:
            counts[comment.parent_id] += counts[comment.pk] + 1
    for i, comment in enumerate(kept):
        following = kept[i + 1].depth if i + 1 < len(kept) else 0
        comment.reply_count = counts[comment.pk]
        comment.has_replies = following > comment.depth
        comment.closes = range(max(comment.depth - following, 0))
    return kept


def thread_pages(article, own_ids: Collection[int] = ()) -> list[tuple[int, ...]]:
    """The threads a reader of ``article`` sees, oldest first, split into pages of tree ids.

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
    shown = Q(status=Comment.Status.PUBLISHED)
    if own_ids:
        shown |= Q(pk__in=list(own_ids))
    roots = (
        Comment.objects.filter(article=article, level=0)
        .alias(
            shown=Case(
                When(shown, then=Value(True)),
                default=Exists(Comment.objects.filter(shown, tree_id=OuterRef("tree_id"))),
            )
        )
        .filter(shown=True)
        .order_by("tree_id")
        .values_list("tree_id", "lft", "rght")
    )
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


def threads_for_page(
    article, tree_ids: Sequence[int], own_ids: Collection[int] = ()
) -> list[ThreadItem]:
    """One query: the whole threads ``tree_ids``, shaped for the article page."""
    if not tree_ids:
        return []
    comments = thread_items(Comment.objects.filter(article=article, tree_id__in=tree_ids))
    return lay_out(
        displayed(comments, own_ids), base_level=0, max_depth=settings.NEWSROOM_MAX_VISIBLE_DEPTH
    )


def subtree_with_context(
    comment: Comment, own_ids: Collection[int] = ()
) -> tuple[list[ThreadItem], list[ThreadItem]]:
    """One query: ``comment``'s ancestors (for a context line) and its shaped subtree."""
    rows = thread_items(
        Comment.objects.filter(
            Q(lft__gte=comment.lft, rght__lte=comment.rght)
            | Q(lft__lt=comment.lft, rght__gt=comment.rght),
            tree_id=comment.tree_id,
        )
    )
    shown = displayed(rows, own_ids)
    ancestors = [c for c in shown if c.lft < comment.lft]
    subtree = [c for c in shown if c.lft >= comment.lft]
    return ancestors, lay_out(
        subtree, base_level=comment.level, max_depth=settings.NEWSROOM_MAX_VISIBLE_DEPTH
    )


_REMOVED = "This comment was removed."


def render_thread(comments: Sequence[ThreadItem], *, base: str, open: bool) -> SafeString:
    """The ``<li>`` items of a laid-out thread, for an ``<ol class="thread">``.

    Built in Python rather than a template loop because it runs once per
    comment on pages of hundreds: Django's template engine costs about seven
    times as much per comment here, and for the same reason it escapes with
    the standard library's ``html.escape`` (Django's ``escape`` is that, behind
    a lazy-string wrapper). Every value from a reader goes through ``escape``
    or ``comment_body``.
    """
    base = escape(base)
    months = [None, *(str(MONTHS_3[m]).title() for m in range(1, 13))]
    zone = get_current_timezone()
    out: list[str] = []
    for c in comments:
        pk = c.pk
        if c.tombstone:
            out.append(f'<li id="c{pk}" class="c gone"><p class="tomb">{_REMOVED}</p>\n')
        else:
            t = c.created.astimezone(zone)
            offset = t.strftime("%z")
            iso = (
                f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:"
                f"{t.second:02d}{offset}"
            )
            shown = f"{t.day} {months[t.month]} {t.year:04d}, {t.hour:02d}:{t.minute:02d}"
            if c.parent_author:
                context = f" <span>reply to {escape(c.parent_author)}</span>"
            elif c.depth:
                context = " <span>reply to a removed comment</span>"
            else:
                context = ""
            if c.awaiting:
                badge, footer = ' <em class="badge">Awaiting moderation</em>', ""
            else:
                reply = (
                    f'<a class="reply" href="{base}comments/{pk}/reply/">Reply</a> ' if open else ""
                )
                badge = ""
                footer = (
                    f'<footer>{reply}<a href="{base}comments/{pk}/report/" rel="nofollow">'
                    "Report</a></footer>"
                )
            out.append(
                f'<li id="c{pk}" class="c{" held" if c.awaiting else ""}">'
                f'<article aria-labelledby="h{pk}"><header id="h{pk}">'
                f"<b>{escape(c.display_author)}</b>{context} "
                f'<a href="#c{pk}"><time datetime="{iso}">{shown}</time></a>{badge}</header>\n'
                f"{comment_body(c.body)}\n{footer}</article>\n"
            )
        if c.continues:
            out.append(f'<a class="more" href="{base}comments/{pk}/">Continue this thread →</a>')
        if c.has_replies:
            n = c.reply_count
            out.append(
                f"<details open><summary>{n} repl{'y' if n == 1 else 'ies'}</summary><ol>"
            )
        else:
            out.append("</li>")
        out.append("</ol></details></li>" * len(c.closes))
        out.append("\n")
    return mark_safe("".join(out))
