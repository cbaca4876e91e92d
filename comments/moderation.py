"""Moderation: status transitions (the one table of actions, shared with the
admin), readers' reports, staff edits and deletes.

Every change takes the writers' locks (``comments.locks``) where it touches a
tree, and bumps the article's discussion version so no page shows it late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.admin.models import DELETION, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles.pagecache import discussion_changed, discussions_changed
from comments import desk_rules, notify
from comments.history import log_changes
from comments.locks import Namespace, lock_thread_of, name_lock
from comments.models import Comment, Report
from comments.revisions import keep_revision
from newsroom.text import fit

_Status = Comment.Status


@dataclass(frozen=True)
class Action:
    """A moderation action: what it does and what it is called."""

    status: str
    # The statuses it moves a comment from.
    sources: tuple[str, ...]
    # On a button.
    verb: Promise
    # After it, in messages; capitalised, in the comment's record and History.
    done: Promise
    # The admin's bulk action.
    bulk: Promise

    @property
    def recorded(self) -> str:
        return str(capfirst(self.done))


# Approving is for the queue; restoring undoes a removal or a spam verdict. In
# the order a moderator meets them on a comment's page.
ACTIONS = {
    "approve": Action(
        _Status.PUBLISHED,
        (_Status.PENDING,),
        gettext_lazy("Approve"),
        gettext_lazy("approved"),
        gettext_lazy("Approve selected comments"),
    ),
    "restore": Action(
        _Status.PUBLISHED,
        (_Status.REMOVED, _Status.SPAM),
        gettext_lazy("Restore"),
        gettext_lazy("restored"),
        gettext_lazy("Restore selected comments"),
    ),
    "remove": Action(
        _Status.REMOVED,
        (_Status.PUBLISHED, _Status.PENDING, _Status.SPAM),
        gettext_lazy("Remove"),
        gettext_lazy("removed"),
        gettext_lazy("Remove selected comments"),
    ),
    "spam": Action(
        _Status.SPAM,
        (_Status.PUBLISHED, _Status.PENDING, _Status.REMOVED),
        gettext_lazy("Mark as spam"),
        gettext_lazy("marked as spam"),
        gettext_lazy("Mark selected comments as spam"),
    ),
}


def moderation_actions(status: str) -> list[str]:
    """The actions that change a comment in ``status``, in the order a moderator meets them."""
    return [name for name, action in ACTIONS.items() if status in action.sources]


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
        status=status,
        moderation_reason=fit(Comment, "moderation_reason", reason),
        moderated_by=moderator,
        moderated_at=now,
    )
    if not changed:
        return 0
    # The rows just changed: this transaction holds their locks, and no other
    # write stamps this instant.
    moved = Comment.objects.filter(
        pk__in=queryset.values("pk"), status=status, moderated_by=moderator, moderated_at=now
    )
    discussions_changed(moved.values("article_id"))
    if status == _Status.PUBLISHED:
        notify.comments_published(
            moderated_at=now, moderator_id=None if moderator is None else moderator.pk
        )
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
    chosen = ACTIONS[action]
    reason = reason.strip()
    recorded = f"{chosen.recorded}: {reason}" if reason else chosen.recorded
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
    return queryset.filter(status__in=ACTIONS[action].sources).count()


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
        name_lock(Namespace.REPORTS, ip_address)
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
    threshold = desk_rules.current().report_threshold
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


@transaction.atomic
def comment_edit(
    *, comment: Comment, body: str, author_name: str, email: str, editor
) -> Comment:
    """Change what a comment says, e.g. an administrator redacting a phone number.

    Who and when are recorded, and the words replaced kept as a revision: a
    seed re-import never changes an edited comment.
    """
    now = timezone.now()
    # As stored: the admin hands over the instance its form already changed.
    stored = Comment.objects.get(pk=comment.pk)
    if body != stored.body:
        keep_revision(stored, editor=editor, at=now)
    comment.body, comment.author_name, comment.email = body, author_name, email
    comment.edited_by, comment.edited_at = editor, now
    comment.full_clean(exclude=["parent", "article"])
    comment.save(update_fields=["body", "author_name", "email", "edited_by", "edited_at"])
    discussion_changed(comment.article_id)
    return comment


def may_delete(comment: Comment) -> bool:
    """Whether ``comment`` may be deleted on its own: only if nobody replied to it.

    A delete would take the replies with it; removing keeps them, and
    ``thread_delete`` says how many comments it takes.
    """
    return comment.is_leaf_node()


def check_deletable(comments) -> None:
    """Raise ValidationError (code ``has_replies``) if any of ``comments`` has replies."""
    count = comments.filter(rght__gt=F("lft") + 1).count()
    if count:
        message = ngettext(
            "Nothing deleted: %(count)d comment has replies, which a delete would take "
            "with it. Remove it instead (the replies stay), or delete its thread from its page.",
            "Nothing deleted: %(count)d comments have replies, which a delete would take "
            "with them. Remove them instead (the replies stay), or delete their threads from "
            "their pages.",
            count,
        )
        raise ValidationError(message % {"count": count}, code="has_replies")


@transaction.atomic
def comment_delete(*, comment: Comment) -> None:
    """Hard-delete a comment nobody replied to (see ``check_deletable``)."""
    comment = lock_thread_of(comment.pk)
    check_deletable(Comment.objects.filter(pk=comment.pk))
    comment.delete()
    discussion_changed(comment.article_id)


@transaction.atomic
def thread_delete(*, comment: Comment, moderator) -> int:
    """Hard-delete ``comment`` and every reply under it; return how many comments went."""
    comment = lock_thread_of(comment.pk)
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
