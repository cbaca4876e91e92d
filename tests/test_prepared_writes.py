"""Many rows each updated to values of their own by one prepared statement
(comments.prepared_writes.py), as the delivery pass marks and postpones notifications."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from comments.models import Notification
from comments.prepared_writes import RowInsert, RowUpdate
from tests.helpers import make_article, post

pytestmark = pytest.mark.django_db
S = Notification.Status


def _notifications(count: int) -> list[Notification]:
    article = make_article()
    return Notification.objects.bulk_create(
        Notification(comment=post(article), recipient=f"email:{i}@example.com", thread=1)
        for i in range(count)
    )


def test_each_row_gets_its_own_values_where_its_conditions_hold_in_one_statement():
    first, second, third = _notifications(3)
    Notification.objects.filter(pk=third.pk).update(claim="other")
    mark = RowUpdate(Notification, fields=("status", "sent_at"), where=("id", "claim"))
    times = [datetime(2026, 11, 30, hour, tzinfo=UTC) for hour in (9, 10, 11)]
    values = mark.values(
        (S.SENT, at, row.pk, "") for row, at in zip((first, second, third), times, strict=True)
    )

    with CaptureQueriesContext(connection) as queries:
        assert mark.run(values) == 2

    assert len(queries) == 1
    assert list(Notification.objects.order_by("pk").values_list("status", "sent_at")) == [
        (S.SENT, times[0]),
        (S.SENT, times[1]),
        (S.PENDING, None),
    ]


def test_no_rows_run_no_statement():
    mark = RowUpdate(Notification, fields=("due_at",), where=("id",))

    with CaptureQueriesContext(connection) as queries:
        assert mark.run(mark.values([])) == 0

    assert len(queries) == 0


def test_an_insert_skips_the_rows_a_unique_constraint_already_holds():
    article = make_article()
    reply = post(article, post(article))
    rows = [
        Notification(comment=reply, kind=Notification.Kind.REPLY, recipient=recipient, thread=1)
        for recipient in ("email:ada@example.com", "email:cy@example.com")
    ]
    insert = RowInsert(Notification)
    insert.run(insert.values(rows[:1]))

    insert.run(insert.values(rows))

    assert sorted(Notification.objects.values_list("recipient", "status")) == [
        ("email:ada@example.com", S.PENDING),
        ("email:cy@example.com", S.PENDING),
    ]


@pytest.mark.django_db(transaction=True)
def test_rows_written_outside_a_transaction_are_written_all_or_none():
    reply = post(make_article())
    rows = [
        Notification(comment_id=comment_id, recipient="email:ada@example.com", thread=1)
        for comment_id in (reply.pk, reply.pk + 1000)
    ]
    insert = RowInsert(Notification)

    with pytest.raises(IntegrityError):
        insert.run(insert.values(rows))

    assert not Notification.objects.exists()
