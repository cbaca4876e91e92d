"""Recording what flagged replies owe, round after round of one pass
(comments/recording.py): a round of replies that owe no one writes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, GuestAddress, Notification
from comments.recording import Recorder
from tests.helpers import make_article, make_reader, post

pytestmark = pytest.mark.django_db


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]


def _flagged() -> int:
    return Comment.objects.filter(notice_pending=True).count()


def test_a_round_of_replies_that_owe_no_one_writes_nothing_and_reads_them_once():
    article = make_article()
    quiet = post(article, author="Quiet")
    for _ in range(3):
        post(article, quiet, author="Bob")
    recorder = Recorder()

    with CaptureQueriesContext(connection) as first:
        assert recorder.round() == 0
    with CaptureQueriesContext(connection) as second:
        assert recorder.round() == 0

    assert (_writes(first), _writes(second), _flagged()) == ([], [], 3)
    # The next round only looks for replies newer than these.
    assert len(second) == 1


def test_the_pass_clears_the_quiet_replies_flags_at_its_end():
    article = make_article()
    post(article, post(article, author="Quiet"), author="Bob")
    recorder = Recorder()
    recorder.round()

    recorder.finish()

    assert _flagged() == 0


def test_a_round_that_stores_a_notification_clears_the_quiet_replies_flags_with_it():
    article = make_article()
    quiet = post(article, author="Quiet")
    told = post(article, author="", user=make_reader("Ada", email="ada@example.com"))
    post(article, quiet, author="Bob")
    recorder = Recorder()
    recorder.round()
    reply = post(article, told, author="Cy")

    with CaptureQueriesContext(connection) as queries:
        assert recorder.round() == 1

    assert _flagged() == 0
    assert list(Notification.objects.values_list("comment", flat=True)) == [reply.pk]
    assert len([sql for sql in _writes(queries) if sql.startswith("UPDATE")]) == 1


def _answer_authors(article, numbers: range) -> None:
    """Replies to readers and confirmed guests so numbered, a comment of each."""
    for i in numbers:
        reader = make_reader(f"Reader{i}", email=f"reader{i}@example.com")
        guest = f"guest{i}@example.com"
        GuestAddress.objects.create(email=guest, confirmed_at=timezone.now())
        for parent in (
            post(article, author="", user=reader),
            post(article, author=f"Guest{i}", email=guest.upper()),
        ):
            post(article, parent, author="Bob")


def test_a_round_reads_who_wants_replies_in_the_same_queries_however_many_it_answers():
    article = make_article()
    _answer_authors(article, range(1))
    with CaptureQueriesContext(connection) as few:
        assert Recorder().round() == 2
    _answer_authors(article, range(1, 6))

    with CaptureQueriesContext(connection) as many:
        assert Recorder().round() == 10

    assert len(many) == len(few)
    assert Notification.objects.filter(email__startswith="guest").count() == 6
