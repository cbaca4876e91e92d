"""Every write to comments goes through here (posting, moderating, editing) or,
for seed imports, through ``comments.seed_import``, which takes the same locks.

django-mptt takes no locks, so two concurrent inserts can corrupt lft/rght or
hand two roots one tree_id. Each tree write runs inside ``transaction.atomic``
and ``tree_write_lock``: on SQLite the IMMEDIATE transaction mode already
serialises writers; on PostgreSQL we take transaction-level advisory locks,
one per thread (tree_id) for replies and one shared lock for allocating new
tree ids, so a reply only waits for writers of its own thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import DELETION, LogEntry
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles.models import Article
from articles.pagecache import discussion_changed, discussions_changed
from comments.history import log_changes
from comments.models import Comment, RejectedPost, Report

# Deeper threads are unreadable, and mptt's rebuild (check_trees --fix)
# recurses once per level.
MAX_REPLY_DEPTH = 200
_LOCK_NAMESPACE = 0x4E57
_NEW_TREE_LOCK = 0
_FLOOD_LOCK_NAMESPACE = 0x4E58
_REPORTS_LOCK_NAMESPACE = 0x4E59


def tree_write_lock(*tree_ids: int | None) -> None:
    """Lock the given threads (None: the allocation of new tree ids) until commit."""
    if connection.vendor != "postgresql":
        return
    keys = sorted({_NEW_TREE_LOCK if tree_id is None else tree_id for tree_id in tree_ids})
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, key])


def _lock_thread_of(comment_id: int) -> Comment:
    """Lock a comment's thread and return the comment as it is under the lock.

    The tree fields read before the lock may be stale; mptt computes a new
    reply's place from its parent's, so re-read after locking. A concurrent
    repair can change the tree_id, in which case we lock the new thread too.
    SQLite's IMMEDIATE transaction already holds the write lock.
    """
    locked: set[int] = set()
    while True:
        comment = Comment.objects.select_related("article").get(pk=comment_id)
        if comment.tree_id in locked or connection.vendor != "postgresql":
            return comment
        tree_write_lock(comment.tree_id)
        locked.add(comment.tree_id)


@transaction.atomic
def comment_create(
    *,
    article: Article,
    parent: Comment | None,
    body: str,
    author_name: str = "",
    email: str = "",
    user=None,
    ip_address: str | None = None,
    status: str = Comment.Status.PUBLISHED,
    moderation_reason: str = "",
    posts_per_minute: int = 0,
) -> Comment:
    """Post a comment on an article, or a reply to ``parent``.

    Raises ValidationError when the article is closed, the parent cannot be
    replied to (another article's comment, or one not published), or the
    address has posted ``posts_per_minute`` comments in the last minute.
    """
    article = Article.objects.get(pk=article.pk)
    _check_postable(article, None)
    if posts_per_minute and ip_address:
        _check_flood(ip_address, posts_per_minute)
    if parent is not None:
        parent = _lock_thread_of(parent.pk)
        _check_postable(article, parent)
    else:
        tree_write_lock(None)
    comment = Comment(
        article=article,
        parent=parent,
        body=body,
        author_name=author_name,
        email=email,
        user=user,
        ip_address=ip_address,
        status=status,
        moderation_reason=moderation_reason,
    )
    comment.full_clean(exclude=["parent", "article"])
    comment.save()
    discussion_changed(article.pk)
    return comment


def _check_postable(article: Article, parent: Comment | None) -> None:
    """Raise the ValidationError that keeps a post off ``article`` (under ``parent``)."""
    if not article.comments_open:
        raise ValidationError(_("Comments are closed on this article."), code="closed")
    if parent is None:
        return
    if parent.article_id != article.pk:
        raise ValidationError(
            _("That comment belongs to another article."), code="parent_elsewhere"
        )
    if parent.status != Comment.Status.PUBLISHED:
        raise ValidationError(
            _("That comment can no longer be replied to."), code="parent_unavailable"
        )
    if parent.level + 1 >= MAX_REPLY_DEPTH:
        raise ValidationError(
            _("This conversation is nested as deep as it goes; reply to a comment above."),
            code="too_deep",
        )


def _address_lock(namespace: int, ip_address: str) -> None:
    """Serialise one address's writers of one kind until commit.

    Rate limits count inside the write transaction, under this lock on
    PostgreSQL (SQLite's IMMEDIATE transactions already serialise), so
    concurrent requests from one address across workers cannot overshoot.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [namespace, ip_address]
            )


def _check_flood(ip_address: str, limit: int) -> None:
    _address_lock(_FLOOD_LOCK_NAMESPACE, ip_address)
    since = timezone.now() - timedelta(minutes=1)
    posted, refused = (
        model.objects.filter(ip_address=ip_address, created__gte=since).order_by().values("pk")
        for model in (Comment, RejectedPost)
    )
    if posted.union(refused, all=True).count() >= limit:
        raise ValidationError(
            _("You are posting too fast. Wait a minute, then post again; your text is kept."),
            code="flood",
        )


@transaction.atomic
def post_reject(
    *,
    article: Article,
    parent: Comment | None,
    body: str,
    reason: str,
    author_name: str = "",
    email: str = "",
    user=None,
    ip_address: str | None = None,
    posts_per_minute: int = 0,
) -> RejectedPost:
    """Keep a post the rules refused, with the reason, for the moderators' desk.

    A post that could not have been accepted anyway (comments closed, a
    parent elsewhere or hidden) gets that error instead and is not kept.
    Flood control counts refused posts with comments, and refuses to store
    one over the limit (raising its ValidationError), so a bot repeating a
    blocked word cannot fill the table.
    """
    _check_postable(Article.objects.get(pk=article.pk), parent)
    if posts_per_minute and ip_address:
        _check_flood(ip_address, posts_per_minute)
    return RejectedPost.objects.create(
        article=article,
        parent=parent,
        body=body,
        reason=reason,
        author_name=author_name,
        email=email,
        user=user,
        ip_address=ip_address,
    )


@transaction.atomic
def report_create(
    *,
    comment: Comment,
    reason: str,
    note: str = "",
    ip_address: str | None = None,
    reports_per_minute: int = 0,
) -> Report:
    """Record a reader's report; enough of them hold a published comment for review.

    The threshold counts the different addresses that reported the comment
    since a moderator last decided on it, so an approved comment is not held
    again by the next single report, and one address counts once however
    many sessions it reports from. ``report_count`` counts every report.
    Raises ValidationError (code ``flood``) when the address has sent
    ``reports_per_minute`` reports in the last minute.
    """
    if reports_per_minute and ip_address:
        _address_lock(_REPORTS_LOCK_NAMESPACE, ip_address)
        since = timezone.now() - timedelta(minutes=1)
        recent = Report.objects.filter(ip_address=ip_address, created__gte=since)
        if recent.count() >= reports_per_minute:
            raise ValidationError(
                _("You are sending reports too fast. Wait a minute, then send it again."),
                code="flood",
            )
    report = Report(comment=comment, reason=reason, note=note, ip_address=ip_address)
    report.full_clean(exclude=["comment"])
    report.save()
    Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    comment.refresh_from_db(fields=["report_count", "status", "moderated_at"])
    threshold = settings.NEWSROOM_REPORT_THRESHOLD
    if not threshold or comment.status != Comment.Status.PUBLISHED:
        return report
    reports = comment.reports.all()
    if comment.moderated_at is not None:
        reports = reports.filter(created__gt=comment.moderated_at)
    # One address reporting from many sessions still counts once.
    count = reports.values("ip_address").distinct().count()
    if count >= threshold:
        _set_status(
            Comment.objects.filter(pk=comment.pk),
            status=Comment.Status.PENDING,
            sources=[Comment.Status.PUBLISHED],
            reason=_("Held automatically after %(count)d reports.") % {"count": count},
            moderator=None,
        )
    return report


@dataclass(frozen=True)
class _Action:
    status: str
    sources: tuple[str, ...]
    label: str


# Which statuses each action moves a comment from: approving is for the queue,
# restoring undoes a removal or a spam verdict.
_Status = Comment.Status
_ACTIONS = {
    "approve": _Action(_Status.PUBLISHED, (_Status.PENDING,), gettext_lazy("Approved")),
    "remove": _Action(
        _Status.REMOVED, (_Status.PUBLISHED, _Status.PENDING, _Status.SPAM), gettext_lazy("Removed")
    ),
    "spam": _Action(
        _Status.SPAM,
        (_Status.PUBLISHED, _Status.PENDING, _Status.REMOVED),
        gettext_lazy("Marked as spam"),
    ),
    "restore": _Action(
        _Status.PUBLISHED, (_Status.REMOVED, _Status.SPAM), gettext_lazy("Restored")
    ),
}


def moderation_actions(status: str) -> list[str]:
    """The actions that change a comment in ``status``, in the order a moderator meets them."""
    return [name for name, action in _ACTIONS.items() if status in action.sources]


def _set_status(
    queryset, *, status: str, sources, reason: str, moderator, limit: int | None = None
) -> int:
    """Move the rows of ``queryset`` that are in one of ``sources`` (the first ``limit``
    by id, if given) to ``status``, bump their articles' discussions, and log the
    change when a moderator made it.

    A fixed number of set-based statements, whatever the selection's size: no
    query, model instance or version bump per comment (bench/moderation.py).
    """
    now = timezone.now()
    # Re-selected by primary key, lowest first: the caller's queryset may carry
    # joins, DISTINCT or ordering that UPDATE does not accept.
    chosen = Comment.objects.filter(
        pk__in=Comment.objects.filter(pk__in=queryset.values("pk"), status__in=sources)
        .order_by("pk")
        .values("pk")[:limit]
    )
    changed = chosen.update(
        status=status, moderation_reason=reason[:500], moderated_by=moderator, moderated_at=now
    )
    if not changed:
        return 0
    # The rows just changed: this transaction holds their locks, and no other
    # write stamps this instant.
    moved = Comment.objects.filter(
        pk__in=queryset.values("pk"), status=status, moderated_by=moderator, moderated_at=now
    )
    discussions_changed(moved.values("article_id"))
    if moderator is not None:
        log_changes(moved, moderator=moderator, message=reason, at=now)
    return changed


@transaction.atomic
def comments_moderate(
    queryset, *, action: str, moderator, reason: str = "", limit: int | None = None
) -> int:
    """Approve, remove, mark as spam or restore the comments of ``queryset``.

    Soft: rows, text and replies stay; a hidden comment with visible replies
    shows as a tombstone. Comments the action does not apply to (approving a
    published one) are left alone. The moderator's reason, if any, follows
    the action's name in the comment's moderation reason and the admin log.
    With ``limit``, changes at most that many, lowest ids first, so that the
    time it takes has a bound (``moderation_due`` counts the rest). Returns
    how many comments changed.
    """
    chosen = _ACTIONS[action]
    reason = reason.strip()
    recorded = f"{chosen.label}: {reason}" if reason else str(chosen.label)
    return _set_status(
        queryset,
        status=chosen.status,
        sources=chosen.sources,
        reason=recorded,
        moderator=moderator,
        limit=limit,
    )


def moderation_due(queryset, *, action: str) -> int:
    """How many comments of ``queryset`` ``action`` would change."""
    return queryset.filter(status__in=_ACTIONS[action].sources).count()


@transaction.atomic
def comment_edit(
    *, comment: Comment, body: str, author_name: str, email: str, editor
) -> Comment:
    """Change what a comment says, e.g. an administrator redacting a phone number.

    Who and when are recorded: a seed re-import never changes an edited comment.
    """
    comment.body, comment.author_name, comment.email = body, author_name, email
    comment.edited_by, comment.edited_at = editor, timezone.now()
    comment.full_clean(exclude=["parent", "article"])
    comment.save(update_fields=["body", "author_name", "email", "edited_by", "edited_at"])
    discussion_changed(comment.article_id)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment) -> None:
    """Hard-delete a comment nobody replied to.

    Raises ValidationError (code ``has_replies``) for a comment with replies:
    remove it instead, which keeps the replies, or use ``thread_delete``.
    """
    comment = _lock_thread_of(comment.pk)
    if not comment.is_leaf_node():
        raise ValidationError(
            _(
                "This comment has replies, which a delete would take with it. Remove it "
                "instead (the replies stay), or delete the whole thread."
            ),
            code="has_replies",
        )
    comment.delete()
    discussion_changed(comment.article_id)


@transaction.atomic
def thread_delete(*, comment: Comment, moderator) -> int:
    """Hard-delete ``comment`` and every reply under it; return how many comments went."""
    comment = _lock_thread_of(comment.pk)
    count = comment.get_descendant_count() + 1
    LogEntry.objects.log_actions(
        moderator.pk,
        [comment],
        DELETION,
        change_message=ngettext(
            "Deleted with its thread: %(count)d comment.",
            "Deleted with its thread: %(count)d comments.",
            count,
        )
        % {"count": count},
    )
    comment.delete()
    discussion_changed(comment.article_id)
    return count
