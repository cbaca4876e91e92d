"""The delivery passes: each queues the next before it works, the chains that
worker starts add merge into one, and a pass out of lease hands back what it
did not send. On django-tasks-db a pass runs rounds until its time is up, ends
early for other tasks and for the worker stopping. (That a real ``db_worker``
starts them, and a restarted one after SIGKILL, the live tests show: no mail
would go otherwise.)"""

import os
import signal
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command, get_commands
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comments import tasks as notification_tasks
from comments.models import DeliveryPass, Notification
from comments.recording import Recorder
from tests.helpers import make_article, make_reader, post

pytestmark = pytest.mark.django_db
# The database_queue fixture's round.
EVERY = timedelta(seconds=0.05)


@pytest.fixture
def database_queue(settings, monkeypatch):
    """django-tasks-db as the queue, its passes 0.3 s long with a round every 0.05 s."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NEWSROOM_NOTIFY_PASS_SECONDS = EVERY.total_seconds()
    monkeypatch.setattr(notification_tasks, "PASS_LENGTH", timedelta(seconds=0.3))


def _rounds(monkeypatch, during=lambda number: None) -> list[int]:
    """Count a pass's rounds, calling ``during`` in each with its number."""
    counted, real = [], Recorder.round

    def counting(recorder):
        counted.append(len(counted) + 1)
        during(len(counted))
        return real(recorder)

    monkeypatch.setattr(Recorder, "round", counting)
    return counted


def _queued_passes():
    return DBTaskResult.objects.filter(
        task_path=notification_tasks.deliver_due.module_path, status=TaskResultStatus.READY
    )


def _passes(tasks):
    return [r for r in tasks.backend.results if r.task.name == "deliver_due"]


def test_a_pass_queues_the_next_before_it_works_so_one_that_fails_leaves_it_queued(
    tasks, monkeypatch
):
    def broken(recorder):
        raise RuntimeError("the database went away mid-pass")

    monkeypatch.setattr(Recorder, "round", broken)
    with tasks.capture(execute=True), pytest.raises(RuntimeError):
        notification_tasks.deliver_due.call()

    (queued,) = _passes(tasks)
    assert timedelta(seconds=0.5) < queued.task.run_after - timezone.now() <= timedelta(seconds=1)


def test_the_passes_two_workers_start_merge_into_one_chain(tasks):
    with tasks.capture(execute=True):
        call_command("start_delivery_passes", stdout=None)
        call_command("start_delivery_passes", stdout=None)
    started = _passes(tasks)
    assert len(started) == 2
    tasks.backend.clear()

    for result in started:
        with tasks.capture(execute=True):
            result.task.call()

    assert len(_passes(tasks)) == 1


def test_a_chain_from_before_the_interval_was_shortened_gives_way(tasks):
    DeliveryPass.objects.create(pk=1, next_at=timezone.now() + timedelta(hours=1))
    tasks.run_pass()
    assert DeliveryPass.objects.get().next_at < timezone.now() + timedelta(seconds=2)


def test_a_worker_restarts_passes_that_stopped_and_leaves_running_ones_be(tasks):
    DeliveryPass.objects.create(pk=1, next_at=timezone.now() - timedelta(minutes=5))
    with tasks.capture(execute=True):
        assert notification_tasks.restart_overdue_passes()
        assert not notification_tasks.restart_overdue_passes()
    assert len(_passes(tasks)) == 1


def test_the_worker_command_is_the_one_that_starts_the_passes():
    assert get_commands()["db_worker"] == "comments"


def test_a_pass_out_of_half_its_lease_hands_back_what_it_did_not_send(tasks, settings):
    ada = make_reader("Ada", email="ada@example.com")
    parent = post(make_article(), author="", user=ada)
    post(parent.article, parent, author="Bob")
    settings.NEWSROOM_NOTIFY_LEASE_SECONDS = 0
    tasks.run()
    row = Notification.objects.get()
    assert (row.status, row.claim, row.attempts, mail.outbox) == ("pending", "", 0, [])

    settings.NEWSROOM_NOTIFY_LEASE_SECONDS = 120
    tasks.run()
    assert len(mail.outbox) == 1


def test_passes_that_went_well_are_deleted_after_an_hour_and_failed_ones_kept(database_queue):
    long_ago = timezone.now() - timedelta(hours=2)
    for status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
        DBTaskResult.objects.filter(pk=notification_tasks.deliver_due.enqueue().id).update(
            status=status, finished_at=long_ago
        )
    recent = notification_tasks.deliver_due.enqueue().id
    DBTaskResult.objects.filter(pk=recent).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now()
    )

    notification_tasks.deliver_due.call()

    kept = DBTaskResult.objects.filter(task_path=notification_tasks.deliver_due.module_path)
    assert sorted(kept.values_list("status", flat=True)) == sorted(
        [TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL, TaskResultStatus.READY]
    )
    assert kept.filter(pk=recent).exists()


def test_on_django_tasks_db_a_pass_runs_rounds_until_its_time_is_up_the_next_due_then(
    database_queue, monkeypatch
):
    rounds = _rounds(monkeypatch)
    started = timezone.now()
    notification_tasks.deliver_due.call()
    ended = timezone.now()

    assert len(rounds) >= 3
    assert ended - started >= timedelta(seconds=0.25)
    (queued,) = _queued_passes()
    assert started + timedelta(seconds=0.35) <= queued.run_after <= started + timedelta(seconds=0.4)


def test_a_pass_mails_a_reply_posted_while_it_runs_its_rounds(database_queue, monkeypatch):
    ada = make_reader("Ada", email="ada@example.com")
    parent = post(make_article(), author="", user=ada)
    _rounds(monkeypatch, lambda number: number == 2 and post(parent.article, parent, author="Bob"))

    notification_tasks.deliver_due.call()

    assert [message.to for message in mail.outbox] == [["ada@example.com"]]


def test_a_pass_ends_after_the_round_in_which_another_task_is_queued_and_the_next_comes_after_it(
    database_queue, monkeypatch
):
    rounds = _rounds(
        monkeypatch,
        lambda number: number == 2 and notification_tasks.confirm_guest.enqueue("cy@example.com"),
    )
    notification_tasks.deliver_due.call()

    assert len(rounds) == 2
    due_now = DBTaskResult.objects.ready().filter(
        task_path=notification_tasks.deliver_due.module_path
    )
    assert due_now.count() == 1
    # After the guest's link: passes come last.
    assert due_now.get().priority < notification_tasks.confirm_guest.priority


def test_a_pass_ends_within_a_round_when_the_worker_is_asked_to_stop_and_the_worker_hears_it(
    database_queue, monkeypatch
):
    heard = []
    workers = signal.signal(signal.SIGTERM, lambda signum, frame: heard.append(signum))
    try:
        rounds = _rounds(
            monkeypatch, lambda number: number == 2 and os.kill(os.getpid(), signal.SIGTERM)
        )
        started = timezone.now()
        notification_tasks.deliver_due.call()
        took = timezone.now() - started
        restored = signal.getsignal(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, workers)

    assert (len(rounds), heard) == (2, [signal.SIGTERM])
    assert took < 3 * EVERY
    assert restored is not None and restored.__name__ == "<lambda>"


def test_a_pass_that_finds_another_running_its_rounds_runs_one_round_and_queues_none(
    database_queue, monkeypatch
):
    rounds = _rounds(monkeypatch)
    DeliveryPass.objects.create(pk=1, next_at=timezone.now() + timedelta(seconds=0.2))

    notification_tasks.deliver_due.call()

    assert (len(rounds), _queued_passes().count()) == (1, 0)


def test_a_worker_starting_after_a_kill_runs_rounds_at_once_not_after_the_killed_passs(
    database_queue, monkeypatch
):
    # What a pass killed mid-rounds leaves: its next one, due when its rounds would end.
    DeliveryPass.objects.create(pk=1, next_at=timezone.now() + timedelta(seconds=25))
    call_command("start_delivery_passes", stdout=None)
    rounds = _rounds(monkeypatch)

    notification_tasks.deliver_due.call()

    assert len(rounds) >= 3
