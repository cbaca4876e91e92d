"""Marking messages sent (comments/sent_log.py): each as the server takes it, and
on SQLite a batch's rows in one write, the log applied by any pass after a kill."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import sent_log
from comments.models import Notification
from tests.helpers import make_article, make_reader, post, record_replies

pytestmark = pytest.mark.django_db
S = Notification.Status


def _replies_to_three_readers():
    article = make_article()
    for name in ("Ada", "Cy", "Di"):
        parent = post(article, author="", user=make_reader(name, email=f"{name}@example.com"))
        post(article, parent, author="Bob")
    record_replies()


def _marks(queries) -> list[str]:
    """The statements marking rows sent; one run for many rows ("3 times: UPDATE …") is one."""
    return [
        q["sql"]
        for q in queries
        if 'UPDATE "comments_notification"' in q["sql"] and '"sent_at"' in q["sql"]
    ]


def test_a_batch_of_messages_is_marked_sent_in_one_write_on_sqlite_one_each_elsewhere(tasks):
    _replies_to_three_readers()

    with CaptureQueriesContext(connection) as queries:
        tasks.run_pass()

    assert len(mail.outbox) == 3
    assert Notification.objects.filter(status=S.SENT, sent_at__isnull=False).count() == 3
    assert len(_marks(queries)) == (1 if connection.vendor == "sqlite" else 3)


def test_messages_a_killed_pass_sent_and_did_not_mark_are_marked_by_the_next_not_sent_again(
    tasks, settings, monkeypatch
):
    settings.NEWSROOM_NOTIFY_LEASE_SECONDS = 120
    _replies_to_three_readers()
    # The worker dies after the server took the messages, before it marked them.
    monkeypatch.setattr(sent_log, "apply", lambda: 0)
    tasks.run_pass()
    monkeypatch.undo()
    Notification.objects.update(claimed_at=timezone.now() - timedelta(seconds=121))

    tasks.run_pass()

    assert len(mail.outbox) == 3
    assert Notification.objects.filter(status=S.SENT).count() == 3


def test_an_entry_whose_token_no_longer_claims_the_row_marks_nothing_and_is_dropped():
    if connection.vendor != "sqlite":
        pytest.skip("the log is SQLite's: elsewhere a message's rows are marked at once")
    _replies_to_three_readers()
    row = Notification.objects.first()
    sent_log.taken("a token from a database rolled back since", [row.pk], timezone.now())

    assert sent_log.apply() == 0
    assert sent_log.apply() == 0
    assert Notification.objects.filter(status=S.PENDING).count() == 3
