"""The tasks that mail notifications, run by a worker (``manage.py db_worker``), never
in a request.

Exactly once per recipient: ``deliver`` claims its rows in a committed
transaction before it talks to the mail server and marks them sent as soon as
the server accepted the message, so a retried task finds nothing left to send.
A worker killed mid-send leaves its claim; after ``NEWSROOM_NOTIFY_LEASE_SECONDS``
the ``sweep`` that every claim schedules hands the rows to another task. The
one gap SMTP itself leaves (RFC 1047): a kill after the server's "250 OK" and
before the rows are marked sends that message again.

django-tasks (0.12) has no retries, so ``deliver`` enqueues its own next attempt
with a doubling delay after an SMTP error or timeout, ``MAX_ATTEMPTS`` in all;
after the last, the rows are marked failed (the admin's Notifications list),
the failure is logged and the task itself fails (the admin's task results).
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from datetime import datetime, timedelta
from functools import cache

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from comments import notify
from comments.locks import Namespace, name_lock
from comments.mail import guest_confirmation_message, notification_message
from comments.models import Comment, Notification

logger = logging.getLogger("newsroom.notifications")
_Status = Notification.Status
MAX_ATTEMPTS = 8
# 5 s, then twice as long each time: the eighth attempt comes about 21 minutes on.
FIRST_RETRY_SECONDS = 5
SWEEP_PAIRS = 500
# Errors worth another attempt: the server refused, hung up or did not answer.
_TRANSIENT = (smtplib.SMTPException, OSError)


class DeliveryFailed(Exception):
    """A notification's last attempt failed: the task fails too, for the admin's task list."""


@task()
def deliver(recipient: str, thread: int) -> str:
    """Mail ``recipient`` one message with everything due for them on ``thread``."""
    token = secrets.token_hex(16)
    if not _claim(recipient, thread, token):
        return "nothing to send now"
    rows = list(
        Notification.objects.filter(claim=token, status=_Status.PENDING)
        .select_related("comment__article", "comment__parent", "comment__user__profile")
        .order_by("comment__created", "comment_id")
    )
    address = _address(rows[0])
    wanted = [row for row in rows if address and _still_wanted(row)]
    gone = [row.pk for row in rows if row not in wanted]
    Notification.objects.filter(pk__in=gone).update(status=_Status.SKIPPED, claim="")
    if not wanted:
        return "nothing wanted"
    try:
        notification_message(to=address, recipient=recipient, rows=wanted).send()
    except _TRANSIENT as error:
        return _retry_or_fail(recipient, thread, token, wanted, error)
    Notification.objects.filter(claim=token, status=_Status.PENDING).update(
        status=_Status.SENT, sent_at=timezone.now()
    )
    return f"sent {len(wanted)}"


@transaction.atomic
def _claim(recipient: str, thread: int, token: str) -> int:
    """Take the rows due for (``recipient``, ``thread``) unless a message went to them less
    than the window ago (then come back when it ends). Committed before any sending."""
    name_lock(Namespace.NOTIFY, f"{recipient} {thread}")
    now = timezone.now()
    live_since = now - notify.lease()
    pending = Notification.objects.filter(
        recipient=recipient, thread=thread, status=_Status.PENDING
    )
    free = pending.filter(Q(claim="") | Q(claimed_at__lte=live_since))
    # Rows whose last attempt died with its worker: nothing will raise for them.
    if free.filter(attempts__gte=MAX_ATTEMPTS).update(status=_Status.FAILED, claim=""):
        logger.error("notification to %s given up after %d attempts", recipient, MAX_ATTEMPTS)
    last = notify.last_message_at(recipient, thread, now=now)
    if last is not None and last + notify.window() > now:
        # Every reply enqueues a delivery; the first to find its rows early moves them
        # to the window's end and schedules the one task that sends them together.
        later = max(last + notify.window(), now + timedelta(seconds=1))
        if free.filter(due_at__lt=later).update(due_at=later):
            notify.enqueue_with_commit(deliver, recipient, thread, run_after=later)
        return 0
    claimed = free.filter(due_at__lte=now).update(
        claim=token, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed:
        notify.enqueue_with_commit(sweep, run_after=now + notify.lease() + timedelta(seconds=1))
    return claimed


def _address(row: Notification) -> str | None:
    """Where the recipient is mailed now: an account's verified primary address, or the guest's."""
    if row.user_id is None:
        return row.email
    found = EmailAddress.objects.filter(user_id=row.user_id, primary=True, verified=True).first()
    return found.email if found else None


def _still_wanted(row: Notification) -> bool:
    """Checked again when sending: the comment may have been removed, the recipient may have
    unsubscribed since it was published."""
    if row.comment.status != Comment.Status.PUBLISHED:
        return False
    if row.kind == Notification.Kind.APPROVED:
        return notify.wants_moderation_notices(row.user_id)
    return notify.wants_replies(user_id=row.user_id, email=row.email)


def _retry_or_fail(recipient, thread, token, rows, error) -> str:
    attempts = max(row.attempts for row in rows)
    claimed = Notification.objects.filter(claim=token, status=_Status.PENDING)
    message = f"{type(error).__name__}: {error}"[:2000]
    if attempts >= MAX_ATTEMPTS:
        claimed.update(status=_Status.FAILED, claim="", claimed_at=None, last_error=message)
        logger.error(
            "notification to %s failed after %d attempts, given up: %s",
            recipient, attempts, message,
        )
        raise DeliveryFailed(message) from error
    delay = timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1))
    # Released, so the window does not count a message that never went, and not due
    # before the retry, so neither the sweep nor a newer reply's task takes it early.
    claimed.update(
        claim="", claimed_at=None, last_error=message, due_at=timezone.now() + delay
    )
    logger.warning(
        "notification to %s failed (attempt %d), retrying in %s: %s",
        recipient, attempts, delay, message,
    )
    deliver.using(run_after=timezone.now() + delay).enqueue(recipient, thread)
    return f"retrying: {message}"


@task()
def sweep() -> int:
    """Send what no task is coming for: claims a killed worker left behind, rows whose
    enqueue was lost. A task too many finds nothing to claim, so it sends nothing twice."""
    now = timezone.now()
    pairs = (
        Notification.objects.filter(status=_Status.PENDING, due_at__lte=now)
        .filter(Q(claim="") | Q(claimed_at__lte=now - notify.lease()))
        .order_by()
        .values_list("recipient", "thread")
        .distinct()[:SWEEP_PAIRS]
    )
    found = list(pairs)
    for recipient, thread in found:
        deliver.enqueue(recipient, thread)
    return len(found)


@task()
def published(moderated_at: str, moderator_id: int | None) -> int:
    """Record the notifications owed for the comments one moderation action published:
    replies to tell their parents' authors of, and approvals to tell their own."""
    at = datetime.fromisoformat(moderated_at)
    comments = Comment.objects.filter(
        moderated_at=at, moderated_by_id=moderator_id, status=Comment.Status.PUBLISHED
    ).select_related("parent")
    wants_replies = cache(lambda user_id, email: notify.wants_replies(user_id=user_id, email=email))
    wants_notices = cache(notify.wants_moderation_notices)
    rows = []
    for comment in comments.iterator(chunk_size=2000):
        parent = comment.parent
        if (
            parent is not None
            and not notify.is_own_reply(comment, parent)
            and wants_replies(parent.user_id, parent.email.strip().lower())
        ):
            rows.append(notify.reply_row(comment, parent))
        if moderator_id is not None and comment.user_id and wants_notices(comment.user_id):
            rows.append(notify.approval_row(comment))
    # The rows in one transaction, each delivery after it in one of its own: the
    # thousands of tasks a large approval can owe, written inside it, would hold
    # SQLite's one write lock, and every reader posting meanwhile, for seconds.
    with transaction.atomic():
        notify.store(rows)
    notify.enqueue_deliveries(rows)
    return len(rows)


@task()
def confirm_guest(email: str, attempt: int = 1) -> str:
    """Mail a guest the link that turns their reply notifications on."""
    try:
        guest_confirmation_message(email).send()
    except _TRANSIENT as error:
        if attempt >= MAX_ATTEMPTS:
            logger.error("confirmation to %s failed after %d attempts: %s", email, attempt, error)
            raise DeliveryFailed(str(error)) from error
        delay = timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempt - 1))
        confirm_guest.using(run_after=timezone.now() + delay).enqueue(email, attempt + 1)
        return f"retrying: {error}"
    return "sent"

