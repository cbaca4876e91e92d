"""Mailing what is due, each recipient's rows on a thread in one message, exactly once.

A pass claims the rows of up to ``CLAIM_PAIRS`` (recipient, thread) pairs in one
committed transaction before it talks to the mail server, then sends their
messages over one SMTP connection, marking each message's rows sent as soon as
the server accepted it (``comments.sent_log``; on SQLite, in a log the next
write applies): a pass that runs again finds nothing left to send. A
worker killed mid-pass leaves its claims; after ``NEWSROOM_NOTIFY_LEASE_SECONDS``
a later pass takes those rows again, so a pass stops sending, and hands back
what it did not send, once half the lease is gone. The one gap SMTP itself
leaves (RFC 1047): a kill after the server's "250 OK" and before the rows are
marked sends that message again.

An SMTP error or timeout releases the message's rows, due again after a doubling
delay, ``MAX_ATTEMPTS`` in all; after the last they are marked failed (the
admin's Notifications list) and the failure is logged. A message that cannot
be made or addressed at all fails at once, alone: the rest of the batch goes.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections import defaultdict
from contextlib import suppress
from datetime import datetime, timedelta

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from comments import notify, sent_log
from comments.locks import Namespace, name_lock
from comments.mail import notification_message
from comments.models import Notification
from comments.prepared_writes import RowUpdate

logger = logging.getLogger("newsroom.notifications")
_Status = Notification.Status
MAX_ATTEMPTS = 8
# 5 s, then twice as long each time: the eighth attempt comes about 21 minutes on.
FIRST_RETRY_SECONDS = 5
# Pairs claimed in one transaction: their claims, windows and checks cost a few
# queries together, where one pair alone cost eight.
CLAIM_PAIRS = 50
# Errors worth another attempt: the server refused, hung up or did not answer.
TRANSIENT = (smtplib.SMTPException, OSError)

Pair = tuple[str, int]


class DeliveryFailed(Exception):
    """A notification's last attempt failed: the pass fails too, for the admin's task list."""


def send_due(*, limit: int) -> tuple[int, list[str]]:
    """Send what is due, up to ``limit`` pairs: how many replies and notices went, and
    the failures given up on."""
    sent, failures, taken = 0, [], 0
    # What a pass killed after sending left unmarked, before anything is claimed.
    sent_log.apply()
    connection = get_connection()
    try:
        while taken < limit and (pairs := due_pairs(min(CLAIM_PAIRS, limit - taken))):
            taken += len(pairs)
            batch_sent, batch_failures, finished = _send_claimed(pairs, connection)
            sent, failures = sent + batch_sent, failures + batch_failures
            if not finished:
                break
    finally:
        connection.close()
    return sent, failures


def due_pairs(limit: int) -> list[Pair]:
    """The (recipient, thread) pairs with rows due and no live claim on them."""
    now = timezone.now()
    return list(
        Notification.objects.filter(_free(now), status=_Status.PENDING, due_at__lte=now)
        .order_by()
        .values_list("recipient", "thread")
        .distinct()[:limit]
    )


def _free(now: datetime) -> Q:
    """Rows no pass holds: never claimed, released, or their claim's lease is over."""
    return Q(claim="") | Q(claimed_at__lte=now - notify.lease())


def _send_claimed(pairs: list[Pair], connection) -> tuple[int, list[str], bool]:
    token, claimed_at = secrets.token_hex(16), timezone.now()
    if not _claim(pairs, token, claimed_at):
        return 0, [], True
    rows = list(
        Notification.objects.filter(claim=token, status=_Status.PENDING)
        .select_related("comment__article", "comment__parent", "comment__user__profile")
        .order_by("comment__created", "comment_id")
    )
    wanted = notify.still_wanted(rows)
    addresses = notify.addresses(rows)
    messages: dict[Pair, list[Notification]] = defaultdict(list)
    for row in rows:
        if row.pk in wanted and addresses.get(row.recipient):
            messages[row.recipient, row.thread].append(row)
    kept = {row.pk for batch in messages.values() for row in batch}
    Notification.objects.filter(pk__in=[row.pk for row in rows if row.pk not in kept]).update(
        status=_Status.SKIPPED, claim=""
    )
    sent, failures, finished = 0, [], False
    deadline = claimed_at + notify.lease() / 2
    try:
        for (recipient, _thread), batch in messages.items():
            if timezone.now() > deadline:
                break
            mine = Notification.objects.filter(pk__in=[row.pk for row in batch], claim=token)
            try:
                _send(
                    notification_message(to=addresses[recipient], recipient=recipient, rows=batch),
                    connection,
                )
            except TRANSIENT as error:
                with suppress(*TRANSIENT):
                    connection.close()
                failures += _retry_or_fail(recipient, mine, batch, error)
                continue
            except Exception as error:
                # Not the server: a message that cannot be made or addressed fails
                # alone, and at once, instead of holding up the rest of the batch.
                logger.exception("notification to %s could not be sent", recipient)
                mine.update(status=_Status.FAILED, claim="", last_error=_describe(error))
                failures.append(f"{recipient}: {_describe(error)}")
                continue
            sent_log.taken(token, [row.pk for row in batch], timezone.now())
            sent += len(batch)
        else:
            finished = True
    finally:
        # Before the release, which would hand back rows sent and not yet marked.
        sent_log.apply()
        if not finished:
            # What this pass claimed and did not try, for another pass to send.
            _release(token)
    return sent, failures, finished


def _send(message, connection) -> None:
    """Send over ``connection``, opened here: a connection ``send()`` opens, it closes
    again. A server that dropped the open connection gets the message on a new one."""
    reused = not connection.open()
    message.connection = connection
    try:
        message.send()
    except smtplib.SMTPServerDisconnected:
        if not reused:
            raise
        with suppress(*TRANSIENT):
            connection.close()
        connection.open()
        message.send()


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


@transaction.atomic
def _claim(pairs: list[Pair], token: str, now: datetime) -> int:
    """Take the rows due for ``pairs``, but for the pairs a message went to less than
    the window ago: their rows wait for its end. Committed before any sending; on
    SQLite every post waits while this holds the write lock, so it reads a few
    columns and writes by primary key."""
    name_lock(Namespace.NOTIFY, *(f"{recipient} {thread}" for recipient, thread in pairs))
    chosen, recipients = set(pairs), {recipient for recipient, _thread in pairs}
    free = [
        (pk, (recipient, thread), due_at, attempts)
        for pk, recipient, thread, due_at, attempts in Notification.objects.filter(
            _free(now),
            recipient__in=recipients,
            status=_Status.PENDING,
            # Not the rows already waiting for a window's end: a reader replied to
            # all day has hundreds, which the lock would be held to read each round.
            due_at__lte=now,
        ).values_list("pk", "recipient", "thread", "due_at", "attempts")
        if (recipient, thread) in chosen
    ]
    # Rows whose last attempt died with its worker: nothing will raise for them.
    given_up = [pk for pk, _pair, _due, attempts in free if attempts >= MAX_ATTEMPTS]
    if given_up:
        Notification.objects.filter(pk__in=given_up).update(status=_Status.FAILED, claim="")
        logger.error("%d notifications given up after %d attempts", len(given_up), MAX_ATTEMPTS)
    ends = {
        pair: last + notify.window()
        for pair, last in notify.last_messages(recipients, {t for _r, t in pairs}, now=now).items()
        if pair in chosen and last + notify.window() > now
    }
    # Everything that comes within the window goes in one message at its end. The
    # values come from the reads above, so they are converted inside the lock, but
    # the statement is not compiled row by row there.
    postpone = RowUpdate(Notification, fields=("due_at",), where=("id",))
    postpone.run(
        postpone.values(
            (ends[pair], pk)
            for pk, pair, due_at, attempts in free
            if attempts < MAX_ATTEMPTS and pair in ends and due_at < ends[pair]
        )
    )
    claimable = [
        pk
        for pk, pair, due_at, attempts in free
        if attempts < MAX_ATTEMPTS and pair not in ends and due_at <= now
    ]
    return Notification.objects.filter(pk__in=claimable).update(
        claim=token, claimed_at=now, attempts=F("attempts") + 1
    )


def _release(token: str) -> None:
    """Hand back rows claimed and not sent: no attempt was made for them."""
    Notification.objects.filter(claim=token, status=_Status.PENDING).update(
        claim="", claimed_at=None, attempts=F("attempts") - 1
    )


def _retry_or_fail(recipient: str, mine, rows, error) -> list[str]:
    """Release ``mine`` (one message's rows, still claimed by this pass) for a later
    attempt, or mark them failed after the last; the failures given up on."""
    attempts = max(row.attempts for row in rows)
    message = _describe(error)
    if attempts >= MAX_ATTEMPTS:
        mine.update(status=_Status.FAILED, claim="", claimed_at=None, last_error=message)
        logger.error(
            "notification to %s failed after %d attempts, given up: %s",
            recipient, attempts, message,
        )
        return [f"{recipient}: {message}"]
    delay = timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1))
    # Released, so the window does not count a message that never went, and not due
    # before the retry, so no pass takes it early.
    mine.update(claim="", claimed_at=None, last_error=message, due_at=timezone.now() + delay)
    logger.warning(
        "notification to %s failed (attempt %d), retrying in %s: %s",
        recipient, attempts, delay, message,
    )
    return []
