"""Who hears of a published comment, and when: the hooks that posting and
moderation call, and the rules the sending task checks again.

A notification is recorded in the transaction that publishes its comment, so a
rolled-back post leaves none and a committed one always has its row; so is the
task that mails it, when the queue is the database (``enqueue_with_commit``), and
otherwise it is enqueued once that transaction commits (``comments.tasks``
delivers, and its sweep finds any row whose enqueue was lost).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from comments.models import Comment, GuestAddress, Notification
from readers.models import Profile

_Kind, _Status = Notification.Kind, Notification.Status
# A guest's confirmation link is mailed at most this often.
CONFIRM_EVERY = timedelta(hours=1)


def recipient_key(*, user_id: int | None = None, email: str = "") -> str:
    """How notifications name a recipient: an account, or a guest's address."""
    return f"user:{user_id}" if user_id is not None else f"email:{email.strip().lower()}"


def window() -> timedelta:
    return timedelta(minutes=settings.NEWSROOM_NOTIFY_MINUTES)


def lease() -> timedelta:
    return timedelta(seconds=settings.NEWSROOM_NOTIFY_LEASE_SECONDS)


def wants_replies(*, user_id: int | None, email: str) -> bool:
    """Whether the author of a comment (an account, or a guest's address) is to hear of replies:
    an account that did not turn them off, or a guest's address confirmed and not unsubscribed."""
    if user_id is not None:
        return Profile.objects.filter(
            user_id=user_id, notify_replies=True, deleted__isnull=True, user__is_active=True
        ).exists()
    return (
        bool(email)
        and GuestAddress.objects.filter(
            email=email.strip().lower(), confirmed_at__isnull=False, replies=True
        ).exists()
    )


def wants_moderation_notices(user_id: int) -> bool:
    return Profile.objects.filter(
        user_id=user_id, notify_moderation=True, deleted__isnull=True, user__is_active=True
    ).exists()


def is_own_reply(reply: Comment, parent: Comment) -> bool:
    if parent.user_id is not None:
        return reply.user_id == parent.user_id
    return reply.user_id is None and reply.email.strip().lower() == parent.email.strip().lower()


def reply_row(reply: Comment, parent: Comment) -> Notification:
    """The notification that tells ``parent``'s author of ``reply``."""
    guest_email = "" if parent.user_id is not None else parent.email.strip().lower()
    return Notification(
        comment=reply,
        kind=_Kind.REPLY,
        user_id=parent.user_id,
        email=guest_email,
        recipient=recipient_key(user_id=parent.user_id, email=guest_email),
        thread=reply.tree_id,
    )


def approval_row(comment: Comment) -> Notification:
    """The notice that tells an account its held ``comment`` is published."""
    return Notification(
        comment=comment,
        kind=_Kind.APPROVED,
        user_id=comment.user_id,
        recipient=recipient_key(user_id=comment.user_id),
        thread=comment.tree_id,
    )


def reply_published(*, reply: Comment, parent: Comment) -> None:
    """Tell ``parent``'s author of ``reply``, published just now in the caller's transaction."""
    if not is_own_reply(reply, parent) and wants_replies(
        user_id=parent.user_id, email=parent.email
    ):
        record([reply_row(reply, parent)])


def record(notifications: list[Notification]) -> None:
    """Store ``notifications`` and have one delivery per recipient and thread run once
    the transaction commits.

    When to send is the worker's decision (``comments.tasks.deliver``): at once, or at
    the end of the recipient's window on the thread when a message went to them less
    than ``NEWSROOM_NOTIFY_MINUTES`` ago. Deciding it here cost a reply two more
    queries, about a millisecond, on the path whose latency readers feel."""
    store(notifications)
    enqueue_deliveries(notifications)


def store(notifications: list[Notification]) -> None:
    """None twice: a comment published again tells no one again."""
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)


def enqueue_deliveries(notifications: list[Notification]) -> None:
    from comments import tasks

    for recipient, thread in dict.fromkeys((n.recipient, n.thread) for n in notifications):
        enqueue_with_commit(tasks.deliver, recipient, thread)


def last_message_at(recipient: str, thread: int, *, now: datetime) -> datetime | None:
    """When the last message to ``recipient`` on ``thread`` went, or is going (a live claim)."""
    return (
        Notification.objects.filter(recipient=recipient, thread=thread)
        .filter(Q(status=_Status.SENT) | Q(status=_Status.PENDING, claimed_at__gt=now - lease()))
        .aggregate(last=Max("claimed_at"))["last"]
    )


def enqueue_with_commit(task, *args, run_after: datetime | None = None) -> None:
    """Have ``task`` run if, and once, the transaction commits.

    With django-tasks-db the task is a row written in the transaction itself: the
    worker sees it when the transaction commits, and never if it rolls back, and
    no process can die between the commit and the enqueue, leaving rows that only
    a later sweep would find. So a task that cannot be written fails the
    transaction, as a row that cannot be written does. Any other queue (Redis,
    through django-tasks-rq) is outside the transaction, so the task is enqueued
    once it commits; a queue that refuses it then is logged, not raised (robust):
    the rows are committed and the sweep sends them."""
    chosen = task.using(run_after=run_after) if run_after is not None else task
    if isinstance(chosen.get_backend(), DatabaseBackend):
        chosen.enqueue(*args)
    else:
        transaction.on_commit(lambda: chosen.enqueue(*args), robust=True)


def comments_published(*, moderated_at: datetime, moderator_id: int | None) -> None:
    """Comments a moderation action just published (approved or restored, stamped
    ``moderated_at`` by ``moderator_id``): their notifications are worked out by a
    task, since one action may publish a hundred thousand comments."""
    from comments import tasks

    enqueue_with_commit(tasks.published, moderated_at.isoformat(), moderator_id)


def guest_opt_in(*, email: str) -> bool:
    """A guest ticked "email me replies" with ``email``: mail them the confirming link,
    unless the address is already confirmed and subscribed. At most one link an hour,
    so the box cannot be used to flood someone's inbox. Returns whether one is on its way."""
    from comments import tasks

    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        address, _created = GuestAddress.objects.select_for_update().get_or_create(email=email)
        if address.confirmed_at is not None and address.replies:
            return False
        recent = address.confirmation_sent_at and address.confirmation_sent_at > now - CONFIRM_EVERY
        if not recent:
            address.confirmation_sent_at = now
            address.save(update_fields=["confirmation_sent_at"])
            enqueue_with_commit(tasks.confirm_guest, email)
    return True


def guest_confirm(*, email: str) -> None:
    """The guest followed the link: replies to their comments are mailed from now on."""
    GuestAddress.objects.update_or_create(
        email=email.strip().lower(), defaults={"confirmed_at": timezone.now(), "replies": True}
    )


def unsubscribe(*, recipient: str, topic: str) -> None:
    """One-click unsubscribe: ``topic`` ("replies" or "moderation") off for ``recipient``
    on every thread; messages still waiting are not sent."""
    from readers.preferences import notifications_set

    kind, _colon, name = recipient.partition(":")
    if kind == "user":
        change = {"replies": False} if topic == "replies" else {"moderation": False}
        notifications_set(user_id=int(name), **change)
    elif topic == "replies":
        GuestAddress.objects.filter(email=name).update(replies=False)
