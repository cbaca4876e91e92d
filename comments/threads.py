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

from articles.models import Article
from comments.models import Comment, author_label
from comments.selectors import PUBLISHED, is_visible, visible_q
from comments.templatetags.comment_text import comment_body


class ThreadItem:
    """A comment as a thread page shows it, built from a ``for_display()`` row.

    ``displayed`` and ``lay_out`` add the rendering marks (``tombstone``,
    ``depth``, ``reply_count``...) as attributes.
    """

    def __init__(
        self,
        pk, parent_id, tree_id, lft, rght, level, status, body, created,
        known_author, display_author,
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
        # None when unknown (the public export says so); the page says "Anonymous".
        self.known_author = known_author
        self.display_author = display_author


def thread_items(queryset) -> list[ThreadItem]:
    anonymous = _("Anonymous")
    items = []
    for row in queryset.for_display():
        author = author_label(*row[9:])
        items.append(ThreadItem(*row[:9], author, author or anonymous))
    return items


def displayed(
    comments: Sequence[ThreadItem], own_ids: Collection[int] = ()
) -> list[ThreadItem]:
    """The comments a reader sees, in thread order, each marked for rendering.

    What ``selectors.is_visible`` lets the reader see shows; their own pending
    comments are marked ``awaiting``. A hidden comment that still has shown
    replies stays as a tombstone so the replies keep their context; one without
    is left out, and a tombstone keeps its place and nothing else: what it said,
    who wrote it, when, and why it is hidden are blanked here, so no surface
    can show them.
    """
    shown: dict[int, bool] = {}
    for comment in reversed(comments):
        visible = is_visible(comment.status, comment.pk, own_ids)
        comment.awaiting = visible and comment.status != PUBLISHED
        comment.tombstone = not visible and shown.get(comment.pk, False)
        if comment.tombstone:
            comment.body = comment.status = ""
            comment.known_author = comment.display_author = comment.created = None
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


def comment_in_context(
    *, slug: str, pk: int, own_ids: Collection[int] = ()
) -> tuple[Article, list[ThreadItem], list[ThreadItem]] | None:
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
    if not subtree or subtree[0].pk != comment.pk:
        return None
    return comment.article, ancestors, lay_out(
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
