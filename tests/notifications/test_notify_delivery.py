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
from tests.helpers import make_article, make_reader, post, record_replies
from tests.notifications.mailbox import Mailbox

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
    # The window runs from when the server took the first message.
    assert {row.due_at for row in waiting} == {
        Notification.objects.get(status=S.SENT).sent_at + timedelta(minutes=10)
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

    assert delivery.send_due(limit=10) == (0, [])
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


def test_a_pass_mails_everyone_due_over_one_smtp_connection(tasks, settings):
    article = make_article()
    readers = [make_reader(name, email=f"{name}@example.com") for name in ("ada", "ben", "cy")]
    for reader in readers:
        post(article, post(article, author="", user=reader), author="Bob")
    mailbox = Mailbox()
    mailbox.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mailbox.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        tasks.run()
    finally:
        mailbox.stop()

    assert sorted(mailbox.per_recipient()) == [f"{n}@example.com" for n in ("ada", "ben", "cy")]
    assert len(mailbox.peers) == 1


def test_one_reader_on_two_threads_gets_a_message_for_each(tasks):
    ada = make_reader("Ada", email="ada@example.com")
    article = make_article()
    for _ in range(2):
        post(article, post(article, author="", user=ada), author="Bob")
    tasks.run()
    assert [m.to for m in mail.outbox] == [["ada@example.com"], ["ada@example.com"]]


def test_a_message_that_cannot_be_made_fails_alone_and_the_others_go(tasks, monkeypatch, caplog):
    article = make_article()
    for name in ("ada", "ben"):
        post(article, post(article, author="", user=make_reader(name, email=f"{name}@x.example")))
    made = delivery.notification_message

    def broken_for_ada(*, to, **kwargs):
        if to == "ada@x.example":
            raise ValueError("a template the translators broke")
        return made(to=to, **kwargs)

    monkeypatch.setattr(delivery, "notification_message", broken_for_ada)
    with pytest.raises(delivery.DeliveryFailed, match="ValueError"):
        tasks.run()

    assert [m.to for m in mail.outbox] == [["ben@x.example"]]
    failed = Notification.objects.get(status=S.FAILED)
    assert (failed.recipient, failed.claim) == (f"user:{failed.user_id}", "")
    assert "a template the translators broke" in failed.last_error
    assert "could not be sent" in caplog.text


def test_rows_whose_last_attempt_died_with_its_worker_are_given_up(
    parent, tasks, django_capture_on_commit_callbacks, caplog
):
    _reply(parent, django_capture_on_commit_callbacks, "Cursed.")
    record_replies()
    Notification.objects.update(
        claim="dead",
        claimed_at=timezone.now() - timedelta(seconds=121),
        attempts=delivery.MAX_ATTEMPTS,
    )
    tasks.run()
    assert Notification.objects.get().status == S.FAILED
    assert mail.outbox == []
    assert "given up after 8 attempts" in caplog.text


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
