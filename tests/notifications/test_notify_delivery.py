"""Delivery in-process: batching per reader and thread, retries with backoff after
SMTP errors, and claims that make a pass run again send nothing twice."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F
from django.utils import timezone

from comments import delivery
from comments.models import Notification
from comments.tasks import record_replies
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
    tasks.run()
    assert len(mail.outbox) == 1
    # Both wait for the end of the window, and passes until then leave them be.
    waiting = Notification.objects.filter(status=S.PENDING)
    assert waiting.count() == 2
    assert {row.due_at for row in waiting} == {
        Notification.objects.get(status=S.SENT).claimed_at + timedelta(minutes=10)
    }

    _time_passes(timedelta(minutes=11))
    tasks.run()

    assert len(mail.outbox) == 2
    assert "2 new replies" in mail.outbox[1].subject
    assert "Second answer." in mail.outbox[1].body and "Third answer." in mail.outbox[1].body


def test_running_a_delivery_again_sends_nothing_twice(
    parent, tasks, django_capture_on_commit_callbacks
):
    _reply(parent, django_capture_on_commit_callbacks, "Once.")
    tasks.run()

    assert delivery.deliver_due(limit=10) == (0, [])
    _time_passes(timedelta(hours=1))
    tasks.run()

    assert len(mail.outbox) == 1


def test_a_claim_left_by_a_killed_worker_is_sent_by_a_pass_after_the_lease(
    parent, tasks, django_capture_on_commit_callbacks
):
    _reply(parent, django_capture_on_commit_callbacks, "Orphaned.")
    record_replies()
    # What a worker killed between its claim and the mail server leaves behind.
    Notification.objects.update(claim="dead", claimed_at=timezone.now(), attempts=1)

    tasks.run()
    assert mail.outbox == []
    Notification.objects.update(claimed_at=timezone.now() - timedelta(seconds=121))
    tasks.run()

    assert len(mail.outbox) == 1
    assert Notification.objects.get().status == S.SENT


class _Refusing(BaseEmailBackend):
    """A mail backend whose server is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_smtp_errors_are_retried_with_a_doubling_delay_then_marked_failed_and_logged(
    parent, tasks, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}._Refusing"
    _reply(parent, django_capture_on_commit_callbacks, "Never arrives.")
    tasks.run()
    delays = []
    for attempt in range(2, delivery.MAX_ATTEMPTS + 1):
        row = Notification.objects.get()
        assert (row.status, row.claim, row.attempts) == (S.PENDING, "", attempt - 1)
        assert "SMTPServerDisconnected" in row.last_error
        delay = row.due_at - timezone.now()
        delays.append(round(delay.total_seconds()))
        tasks.run()
        assert Notification.objects.get().attempts == attempt - 1, "retried before its time"
        _time_passes(delay)
        if attempt < delivery.MAX_ATTEMPTS:
            tasks.run()
    assert delays == [5, 10, 20, 40, 80, 160, 320]

    # The pass fails, for the admin's task list, after it tried everyone else.
    with pytest.raises(delivery.DeliveryFailed):
        tasks.run()

    row = Notification.objects.get()
    assert (row.status, row.attempts) == (S.FAILED, delivery.MAX_ATTEMPTS)
    assert "failed after 8 attempts" in caplog.text
    assert mail.outbox == []


def test_failed_notifications_are_listed_in_the_admin_with_their_last_error(parent, admin_client):
    reply = post(parent.article, parent, body="Lost.", author="Bob")
    record_replies()
    failed = Notification.objects.get(comment=reply)
    Notification.objects.filter(pk=failed.pk).update(
        status=S.FAILED, attempts=8, last_error="SMTPServerDisconnected: gone"
    )

    listing = admin_client.get("/admin/comments/notification/", {"status__exact": "failed"})
    page = admin_client.get(f"/admin/comments/notification/{failed.pk}/change/")

    assert list(listing.context["cl"].result_list) == [failed]
    assert "SMTPServerDisconnected: gone" in page.content.decode()
