"""Delivery in-process: batching per reader and thread, retries with backoff after
SMTP errors, and claims that make a rerun or a sweep send nothing twice."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone

from comments import tasks as notification_tasks
from comments.models import Notification
from tests.helpers import make_article, make_reader, post

pytestmark = pytest.mark.django_db
S = Notification.Status


@pytest.fixture
def parent(settings):
    settings.NEWSROOM_NOTIFY_MINUTES = 10
    settings.NEWSROOM_NOTIFY_LEASE_SECONDS = 120
    return post(make_article(), author="", user=make_reader("Ada", email="ada@example.com"))


def _time_passes(delta):
    """Move every recorded moment back by ``delta``, as if that long went by."""
    Notification.objects.update(
        due_at=F("due_at") - delta, claimed_at=F("claimed_at") - delta, sent_at=F("sent_at") - delta
    )


def _reply(parent, capture, body):
    with capture(execute=True):
        return post(parent.article, parent, body=body, author="Bob")


def test_replies_within_the_window_wait_for_its_end_and_come_together(
    parent, tasks, django_capture_on_commit_callbacks
):
    _reply(parent, django_capture_on_commit_callbacks, "First answer.")
    tasks.run()
    _reply(parent, django_capture_on_commit_callbacks, "Second answer.")
    _reply(parent, django_capture_on_commit_callbacks, "Third answer.")
    tasks.run()
    assert len(mail.outbox) == 1
    # One task waits for the end of the window, however many replies wait with it.
    waiting = [r for r in tasks.backend.results if r.task.name == "deliver"]
    assert len(waiting) == 1
    assert waiting[0].task.run_after > timezone.now() + timedelta(minutes=9)

    _time_passes(timedelta(minutes=11))
    tasks.run(later=timedelta(minutes=11))

    assert len(mail.outbox) == 2
    assert "2 new replies" in mail.outbox[1].subject
    assert "Second answer." in mail.outbox[1].body and "Third answer." in mail.outbox[1].body


def test_running_a_delivery_again_sends_nothing_twice(
    parent, tasks, django_capture_on_commit_callbacks
):
    _reply(parent, django_capture_on_commit_callbacks, "Once.")
    recipient, thread = tasks.backend.results[0].args
    tasks.run()

    with django_capture_on_commit_callbacks(execute=True):
        notification_tasks.deliver.call(recipient, thread)
        notification_tasks.sweep.call()
    tasks.run(later=timedelta(hours=1))

    assert len(mail.outbox) == 1


def test_a_claim_left_by_a_killed_worker_is_sent_by_the_sweep_after_the_lease(
    parent, tasks, django_capture_on_commit_callbacks
):
    _reply(parent, django_capture_on_commit_callbacks, "Orphaned.")
    tasks.backend.clear()
    # What a worker killed between its claim and the mail server leaves behind.
    Notification.objects.update(claim="dead", claimed_at=timezone.now(), attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_tasks.sweep.call() == 0
    Notification.objects.update(claimed_at=timezone.now() - timedelta(seconds=121))
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_tasks.sweep.call() == 1
    tasks.run()

    assert len(mail.outbox) == 1
    assert Notification.objects.get().status == S.SENT


class _Refusing:
    """A mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_smtp_errors_are_retried_with_a_doubling_delay_then_marked_failed_and_logged(
    parent, tasks, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}._Refusing"
    _reply(parent, django_capture_on_commit_callbacks, "Never arrives.")
    tasks.run()
    delays = []
    for attempt in range(2, notification_tasks.MAX_ATTEMPTS + 1):
        (retry,) = [r for r in tasks.backend.results if r.task.name == "deliver"]
        tasks.backend.clear()
        delay = retry.task.run_after - timezone.now()
        delays.append(round(delay.total_seconds()))
        row = Notification.objects.get()
        assert (row.status, row.claim, row.attempts) == (S.PENDING, "", attempt - 1)
        assert "SMTPServerDisconnected" in row.last_error
        _time_passes(delay)
        if attempt == notification_tasks.MAX_ATTEMPTS:
            break
        with django_capture_on_commit_callbacks(execute=True):
            retry.task.call(*retry.args)
    assert delays == [5, 10, 20, 40, 80, 160, 320]

    with pytest.raises(notification_tasks.DeliveryFailed):
        retry.task.call(*retry.args)

    row = Notification.objects.get()
    assert (row.status, row.attempts) == (S.FAILED, notification_tasks.MAX_ATTEMPTS)
    assert "failed after 8 attempts" in caplog.text
    assert mail.outbox == []


def test_failed_notifications_are_listed_in_the_admin_with_their_last_error(parent, admin_client):
    reply = post(parent.article, parent, body="Lost.", author="Bob")
    failed = Notification.objects.get(comment=reply)
    Notification.objects.filter(pk=failed.pk).update(
        status=S.FAILED, attempts=8, last_error="SMTPServerDisconnected: gone"
    )

    listing = admin_client.get("/admin/comments/notification/", {"status__exact": "failed"})
    page = admin_client.get(f"/admin/comments/notification/{failed.pk}/change/")

    assert list(listing.context["cl"].result_list) == [failed]
    assert "SMTPServerDisconnected: gone" in page.content.decode()
