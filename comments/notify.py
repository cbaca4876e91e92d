"""Who hears of a published comment, and when: the rules the delivery pass
(``comments.tasks``) applies when it records a notification and checks again
when it sends one.

A published reply carries ``notice_pending`` from its own INSERT, so a rolled-back
post leaves nothing and a committed one is always found by the next pass, and
the reader waits for neither. A moderation action that publishes comments
enqueues, in its transaction, the task that records what they owe.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import islice

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from comments.models import Comment, GuestAddress, Notification
from comments.prepared_writes import RowInsert
from readers.models import Profile

_Kind, _Status = Notification.Kind, Notification.Status
# A guest's confirmation link is mailed at most this often.
CONFIRM_EVERY = timedelta(hours=1)
# Comments whose authors' wishes ``owed`` reads in one go.
OWED_CHUNK = 2000


def recipient_key(*, user_id: int | None = None, email: str = "") -> str:
    """How notifications name a recipient: an account, or a guest's address."""
    return f"user:{user_id}" if user_id is not None else f"email:{email.strip().lower()}"


def window() -> timedelta:
    return timedelta(minutes=settings.NEWSROOM_NOTIFY_MINUTES)


def lease() -> timedelta:
    return timedelta(seconds=settings.NEWSROOM_NOTIFY_LEASE_SECONDS)


def _profiles(**wanted):
    return Profile.objects.filter(deleted__isnull=True, user__is_active=True, **wanted)


def _confirmed_guests():
    return GuestAddress.objects.filter(confirmed_at__isnull=False, replies=True)


def _account_wishes(user_ids: set[int]) -> dict[int, tuple[bool, bool]]:
    """Whether each account among ``user_ids`` that can be told wants (replies,
    moderation notices); accounts missing want neither."""
    if not user_ids:
        return {}
    return {
        user_id: (replies, notices)
        for user_id, replies, notices in _profiles()
        .filter(user_id__in=user_ids)
        .values_list("user_id", "notify_replies", "notify_moderation")
    }


def _guests_wanting_replies(emails: set[str]) -> set[str]:
    """The guests' addresses among ``emails`` confirmed and not unsubscribed."""
    if not emails:
        return set()
    return set(_confirmed_guests().filter(email__in=emails).values_list("email", flat=True))


def _address(comment: Comment) -> str:
    return comment.email.strip().lower()


def still_wanted(rows: list[Notification]) -> set[int]:
    """The ids of ``rows`` to send now, asked again when sending: the comment may have
    been removed, the recipient may have unsubscribed since it was published."""
    accounts = _account_wishes({row.user_id for row in rows if row.user_id is not None})
    guests = _guests_wanting_replies({row.email for row in rows if row.user_id is None})

    def wanted(row: Notification) -> bool:
        if row.comment.status != Comment.Status.PUBLISHED:
            return False
        if row.user_id is None:
            return row.kind == _Kind.REPLY and row.email in guests
        replies, notices = accounts.get(row.user_id, (False, False))
        return notices if row.kind == _Kind.APPROVED else replies

    return {row.pk for row in rows if wanted(row)}


def addresses(rows: list[Notification]) -> dict[str, str]:
    """Where each recipient of ``rows`` is mailed now: an account's verified primary
    address, or the guest's; an account without one is missing."""
    by_user = dict(
        EmailAddress.objects.filter(
            user_id__in={row.user_id for row in rows if row.user_id is not None},
            primary=True,
            verified=True,
        ).values_list("user_id", "email")
    )
    found = {}
    for row in rows:
        address = row.email if row.user_id is None else by_user.get(row.user_id)
        if address:
            found[row.recipient] = address
    return found


def is_own_reply(reply: Comment, parent: Comment) -> bool:
    if parent.user_id is not None:
        return reply.user_id == parent.user_id
    return reply.user_id is None and _address(reply) == _address(parent)


def reply_row(reply: Comment, parent: Comment) -> Notification:
    """The notification that tells ``parent``'s author of ``reply``."""
    guest_email = "" if parent.user_id is not None else _address(parent)
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


def owed(comments, *, approved: bool = False) -> list[Notification]:
    """The notifications published ``comments`` (with their parents) owe: telling each
    parent's author who wants replies, and with ``approved``, each author who wants
    moderation notices that their comment is out. Who wants what is read for
    ``OWED_CHUNK`` comments at a time: a moderation action may publish thousands."""
    rows, iterator = [], iter(comments)
    while chunk := list(islice(iterator, OWED_CHUNK)):
        parents = [comment.parent for comment in chunk if comment.parent is not None]
        authors = [*parents, *(chunk if approved else ())]
        accounts = _account_wishes({author.user_id for author in authors} - {None})
        guests = _guests_wanting_replies(
            {_address(parent) for parent in parents if parent.user_id is None} - {""}
        )
        for comment in chunk:
            parent = comment.parent
            if (
                parent is not None
                and not is_own_reply(comment, parent)
                and (
                    accounts.get(parent.user_id, (False, False))[0]
                    if parent.user_id is not None
                    else _address(parent) in guests
                )
            ):
                rows.append(reply_row(comment, parent))
            if approved and accounts.get(comment.user_id, (False, False))[1]:
                rows.append(approval_row(comment))
    return rows


def store(notifications: list[Notification]) -> None:
    """None twice: a comment published again tells no one again."""
    insert = storing()
    insert.run(insert.values(notifications))


def storing() -> RowInsert:
    """``store``'s statement, for a writer that converts the values before its transaction."""
    return RowInsert(Notification)


def last_messages(
    recipients: set[str], threads: set[int], *, now: datetime
) -> dict[tuple[str, int], datetime]:
    """When the last message to each of ``recipients`` on each of ``threads`` went (the
    server took it), or is going (a live claim), if within the window; pairs not
    mailed since are missing."""
    since = now - max(window(), lease())
    return {
        (recipient, thread): last
        for recipient, thread, last in Notification.objects.filter(
            recipient__in=recipients, thread__in=threads, claimed_at__gt=since
        )
        .filter(Q(status=_Status.SENT) | Q(status=_Status.PENDING, claimed_at__gt=now - lease()))
        .order_by()
        .values("recipient", "thread")
        .annotate(last=Max(Coalesce("sent_at", "claimed_at")))
        .values_list("recipient", "thread", "last")
    }


def enqueue_with_commit(task, *args, run_after: datetime | None = None) -> None:
    """Have ``task`` run if, and once, the transaction commits.

    With django-tasks-db the task is a row written in the transaction itself: the
    worker sees it when the transaction commits, and never if it rolls back, and
    no process can die between the commit and the enqueue. So a task that cannot
    be written fails the transaction, as a row that cannot be written does. Any
    other queue (Redis, through django-tasks-rq) is outside the transaction, so
    the task is enqueued once it commits; a queue that refuses it then is logged,
    not raised (robust): what the transaction wrote stays written."""
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
