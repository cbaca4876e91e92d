"""The tasks a worker (``manage.py db_worker``) runs for notifications, never a request.

Replies are told by a delivery pass, not by a task each: django-tasks-db claims
every task in an exclusive transaction and writes its result in another, and one
task per reply cost every reader's post, told or not, more than the mail did
(bench/README.md, issue 17). A pass runs about every ``NEWSROOM_NOTIFY_PASS_SECONDS``
whatever the traffic: it records what the replies posted since the last one owe
(``Comment.notice_pending``), then mails what is due (``comments.delivery``).

Each pass queues the next before it does anything else, so a worker killed
mid-pass leaves the next one queued. Every worker start queues one more
(``comments/management/commands/db_worker.py``), and a pass that finds the next
already queued queues none, so however many chains there were, one goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from comments import delivery, notify
from comments.locks import Namespace, name_lock
from comments.mail import guest_confirmation_message
from comments.models import Comment, DeliveryPass

logger = logging.getLogger("newsroom.notifications")
# (recipient, thread) pairs one pass mails at most; the rest wait for the next.
PASS_PAIRS = 500
# Replies one transaction of a pass records.
RECORD_BATCH = 1000
# A pass that went well is of no interest after this; failed ones stay for the admin.
KEEP_PASS_RESULTS = timedelta(hours=1)
# A next pass this late means the chain broke (restart_overdue_passes).
OVERDUE = timedelta(minutes=1)


# Below the other tasks: a queued pass is due at once and would otherwise come first
# (django-tasks-db takes the earliest run_after), holding back guests' confirmation
# links and moderation's records behind a backlog of mail.
@task(priority=-10)
def deliver_due() -> str:
    """The delivery pass: record what new replies owe, then mail everything due."""
    _queue_next_pass(timezone.now())
    recorded = record_replies()
    sent, failures = delivery.send_due(limit=PASS_PAIRS)
    if failures:
        # After the others went: one dead address does not hold up the rest.
        raise delivery.DeliveryFailed("; ".join(failures))
    return f"recorded {recorded}, sent {sent}"


def start_passes() -> None:
    """Queue a pass now: a worker starting may find the chain broken (its last worker
    was killed between taking a pass and queueing the next)."""
    deliver_due.enqueue()


def restart_overdue_passes() -> bool:
    """Queue a pass if the next one is long overdue: the chain broke in a running
    worker (a pass that could not queue the next, a queued pass deleted or lost).
    A worker only busy with a long pass meanwhile gets one pass more, which merges."""
    now = timezone.now()
    with _pass_state() as state:
        if state.next_at is not None and state.next_at > now - OVERDUE:
            return False
        state.next_at = now
        state.save(update_fields=["next_at"])
        notify.enqueue_with_commit(deliver_due)
    logger.warning("the notification passes had stopped; started them again")
    return True


def record_replies() -> int:
    """Record the notifications the replies flagged since the last pass owe, and clear
    their flags. Who is owed what is read first; the write transaction only stores
    it, since on SQLite it holds the one write lock every reader's post waits for.
    On PostgreSQL a reply row a post still holds (its thread shifting) is skipped
    for the next pass, so a pass never waits for a post, nor deadlocks with one; the
    lock is FOR NO KEY UPDATE, which lets rows referring to the reply be written."""
    recorded, after = 0, 0
    while replies := list(
        Comment.objects.filter(notice_pending=True, pk__gt=after)
        .select_related("parent")
        .order_by("pk")[:RECORD_BATCH]
    ):
        after = replies[-1].pk
        rows = notify.owed([reply for reply in replies if reply.status == Comment.Status.PUBLISHED])
        with transaction.atomic():
            taken = dict(
                Comment.objects.filter(pk__in=[reply.pk for reply in replies], notice_pending=True)
                .select_for_update(skip_locked=True, no_key=True)
                .values_list("pk", "status")
            )
            # Held or removed since it was read: approving or restoring it tells them.
            kept = [row for row in rows if taken.get(row.comment_id) == Comment.Status.PUBLISHED]
            notify.store(kept)
            Comment.objects.filter(pk__in=taken).update(notice_pending=False)
        recorded += len(kept)
    return recorded


@contextmanager
def _pass_state() -> Iterator[DeliveryPass]:
    """The one ``DeliveryPass`` row, under the lock every writer of it takes, until commit."""
    with transaction.atomic():
        name_lock(Namespace.NOTIFY, "pass")
        yield DeliveryPass.objects.get_or_create(pk=1)[0]


def _queue_next_pass(now: datetime) -> None:
    with _pass_state() as state:
        every = timedelta(seconds=settings.NEWSROOM_NOTIFY_PASS_SECONDS)
        # Queued, unless by a chain from before the interval was shortened.
        if state.next_at is not None and now < state.next_at <= now + every:
            return
        state.next_at = now + every
        prune = isinstance(deliver_due.get_backend(), DatabaseBackend) and (
            state.pruned_at is None or state.pruned_at < now - KEEP_PASS_RESULTS
        )
        if prune:
            state.pruned_at = now
        state.save()
        notify.enqueue_with_commit(deliver_due, run_after=state.next_at)
    if prune:
        _prune_pass_results(now)


def _prune_pass_results(now: datetime) -> None:
    """django-tasks-db keeps each task's result until ``prune_db_task_results``, after
    14 days by default, and passes come 86,400 a day. That command prunes by days, for
    every task alike; the passes that went well are dropped here, within the hour."""
    DBTaskResult.objects.filter(
        task_path=deliver_due.module_path,
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__lt=now - KEEP_PASS_RESULTS,
    ).delete()


@task()
def published(moderated_at: str, moderator_id: int | None) -> int:
    """Record the notifications owed for the comments one moderation action published:
    replies to tell their parents' authors of, and approvals to tell their own. The
    next pass mails them."""
    at = datetime.fromisoformat(moderated_at)
    comments = Comment.objects.filter(
        moderated_at=at, moderated_by_id=moderator_id, status=Comment.Status.PUBLISHED
    ).select_related("parent")
    rows = notify.owed(comments.iterator(chunk_size=2000), approved=moderator_id is not None)
    notify.store(rows)
    return len(rows)


@task()
def confirm_guest(email: str, attempt: int = 1) -> str:
    """Mail a guest the link that turns their reply notifications on."""
    try:
        guest_confirmation_message(email).send()
    except delivery.TRANSIENT as error:
        if attempt >= delivery.MAX_ATTEMPTS:
            logger.error("confirmation to %s failed after %d attempts: %s", email, attempt, error)
            raise delivery.DeliveryFailed(str(error)) from error
        delay = timedelta(seconds=delivery.FIRST_RETRY_SECONDS * 2 ** (attempt - 1))
        confirm_guest.using(run_after=timezone.now() + delay).enqueue(email, attempt + 1)
        return f"retrying: {error}"
    return "sent"
