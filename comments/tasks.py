"""The tasks a worker (``manage.py db_worker``) runs for notifications, never a request.

Replies are told by delivery passes, not by a task each: django-tasks-db claims
every task in an exclusive transaction and writes its result in another, and one
task per reply cost every reader's post, told or not, more than the mail did
(bench/README.md, issue 17). A pass runs rounds every ``NEWSROOM_NOTIFY_PASS_SECONDS``
whatever the traffic: each records what the replies posted since the last owe
(``comments.recording``), then mails what is due (``comments.delivery``).

On django-tasks-db one pass goes on for ``PASS_LENGTH``, since each task costs
that queue three writes (its claim, its result, the worker's next poll) on the
database the replies are written to: on SQLite, to the one writer every post
waits for. A pass ends early when another task is waiting, or the worker is
asked to stop, and a round that finds nothing to do writes nothing. With any
other queue a pass is one round.

Each pass queues the next before it does anything else, due when its rounds
end, so a worker killed mid-pass leaves the next one queued. Every worker start
queues one more (``comments/management/commands/db_worker.py``), and a pass that
finds another queued by then is the one still running its rounds: it runs one
round and queues none, so however many chains there were, one goes on.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
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
from comments.recording import Recorder

logger = logging.getLogger("newsroom.notifications")
# (recipient, thread) pairs one round mails at most; the rest wait for the next.
PASS_PAIRS = 500
# How long one pass on django-tasks-db goes on (see above).
PASS_LENGTH = timedelta(seconds=30)
# A pass that went well is of no interest after this; failed ones stay for the admin.
KEEP_PASS_RESULTS = timedelta(hours=1)
# A next pass this late means the chain broke (restart_overdue_passes).
OVERDUE = timedelta(minutes=1)


# Below the other tasks: a queued pass is due at once and would otherwise come first
# (django-tasks-db takes the earliest run_after), holding back guests' confirmation
# links and moderation's records behind a backlog of mail.
@task(priority=-10)
def deliver_due() -> str:
    """The delivery pass: rounds of recording what new replies owe and mailing
    everything due, until its time is up."""
    started, every = timezone.now(), _every()
    ends = started + (PASS_LENGTH if _on_database_queue() else timedelta(0))
    rounds = _queue_next_pass(started, ends + every)
    recorder, recorded, sent, failures = Recorder(), 0, 0, []
    with _stop_requested() as stopping:
        while True:
            recorded += recorder.round()
            round_sent, round_failures = delivery.send_due(limit=PASS_PAIRS)
            sent, failures = sent + round_sent, failures + round_failures
            if not rounds or timezone.now() + every > ends or stopping():
                break
            if _others_waiting():
                _bring_next_pass_forward()
                break
            time.sleep(every.total_seconds())
    recorder.finish()
    if failures:
        # After the others went: one dead address does not hold up the rest.
        raise delivery.DeliveryFailed("; ".join(failures))
    return f"recorded {recorded}, sent {sent}"


def start_passes() -> None:
    """Queue a pass now: a worker starting may find the chain broken (its last worker
    was killed mid-pass, its next pass due only when that one's rounds would end)."""
    with _pass_state() as state:
        _start(state, timezone.now())


def restart_overdue_passes() -> bool:
    """Queue a pass if the next one is long overdue: the chain broke in a running
    worker (a pass that could not queue the next, a queued pass deleted or lost).
    A worker only busy with a long pass meanwhile gets one pass more, which merges."""
    now = timezone.now()
    with _pass_state() as state:
        if state.next_at is not None and state.next_at > now - OVERDUE:
            return False
        _start(state, now)
    logger.warning("the notification passes had stopped; started them again")
    return True


def _start(state: DeliveryPass, now: datetime) -> None:
    # Due now, so the pass that comes runs its rounds; one still running its own
    # then queues none after them, and the chain is this one.
    state.next_at = now
    state.save(update_fields=["next_at"])
    notify.enqueue_with_commit(deliver_due)


def _bring_next_pass_forward() -> None:
    """Make the queued next pass due now, which still comes after the tasks waiting
    (it is below them), not when this pass's rounds would have ended."""
    now = timezone.now()
    with _pass_state() as state:
        state.next_at = now
        state.save(update_fields=["next_at"])
        DBTaskResult.objects.filter(
            task_path=deliver_due.module_path, status=TaskResultStatus.READY, run_after__gt=now
        ).update(run_after=now)


def _every() -> timedelta:
    return timedelta(seconds=settings.NEWSROOM_NOTIFY_PASS_SECONDS)


def _on_database_queue() -> bool:
    return isinstance(deliver_due.get_backend(), DatabaseBackend)


def _others_waiting() -> bool:
    """Whether other tasks wait for the worker running this pass (its queue's)."""
    return (
        DBTaskResult.objects.ready()
        .filter(backend_name=deliver_due.backend, queue_name=deliver_due.queue_name)
        .exclude(task_path=deliver_due.module_path)
        .exists()
    )


@contextmanager
def _stop_requested() -> Iterator[Callable[[], bool]]:
    """Whether the worker was asked to stop (SIGINT, SIGTERM) while the pass runs, so
    it stops within a round, as a worker between tasks stops at once. The worker's
    own handlers still run: django-tasks-db has no hook for its shutdown. Handlers
    are set in the main thread only, which is where a worker runs its tasks."""
    asked: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    # Those the process would die of are not wrapped: it still does.
    handlers = {signum: handler for signum, handler in handlers.items() if callable(handler)}

    def ask(signum, frame):
        asked.append(signum)
        handlers[signum](signum, frame)

    for signum in handlers:
        signal.signal(signum, ask)
    try:
        yield lambda: bool(asked)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


@contextmanager
def _pass_state() -> Iterator[DeliveryPass]:
    """The one ``DeliveryPass`` row, under the lock every writer of it takes, until commit."""
    with transaction.atomic():
        name_lock(Namespace.NOTIFY, "pass")
        yield DeliveryPass.objects.get_or_create(pk=1)[0]


def _queue_next_pass(now: datetime, wanted: datetime) -> bool:
    """Queue the pass after this one, due at ``wanted``, unless one is queued by then
    already: a pass still running its rounds queued it. Returns whether this pass runs
    rounds of its own, and not only one beside that pass's."""
    with _pass_state() as state:
        # Queued, unless by a chain from before the interval was shortened.
        if state.next_at is not None and now < state.next_at <= wanted:
            return False
        state.next_at = wanted
        prune = _on_database_queue() and (
            state.pruned_at is None or state.pruned_at < now - KEEP_PASS_RESULTS
        )
        if prune:
            state.pruned_at = now
        state.save()
        notify.enqueue_with_commit(deliver_due, run_after=wanted)
    if prune:
        _prune_pass_results(now)
    return True


def _prune_pass_results(now: datetime) -> None:
    """django-tasks-db keeps each task's result until ``prune_db_task_results``, after
    14 days by default, and passes come thousands a day. That command prunes by days,
    for every task alike; the passes that went well are dropped here, within the hour."""
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
    rows = notify.owed(
        comments.iterator(chunk_size=notify.OWED_CHUNK), approved=moderator_id is not None
    )
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
