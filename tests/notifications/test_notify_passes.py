"""The delivery passes: each queues the next before it works, the chains that
worker starts add merge into one, and a pass out of lease hands back what it
did not send. (That a real ``db_worker`` starts them, and a restarted one after
SIGKILL, the live tests show: no mail would go otherwise.)"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command, get_commands
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comments import tasks as notification_tasks
from comments.models import DeliveryPass, Notification
from tests.helpers import make_article, make_reader, post

pytestmark = pytest.mark.django_db


def _passes(tasks):
    return [r for r in tasks.backend.results if r.task.name == "deliver_due"]


def test_a_pass_queues_the_next_before_it_works_so_one_that_fails_leaves_it_queued(
    tasks, monkeypatch
):
    def broken():
        raise RuntimeError("the database went away mid-pass")

    monkeypatch.setattr(notification_tasks, "record_replies", broken)
    with tasks.capture(execute=True), pytest.raises(RuntimeError):
        notification_tasks.deliver_due.call()

    (queued,) = _passes(tasks)
    assert timedelta(seconds=0.5) < queued.task.run_after - timezone.now() <= timedelta(seconds=1)


def test_the_passes_two_workers_start_merge_into_one_chain(tasks):
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


def test_passes_that_went_well_are_deleted_after_an_hour_and_failed_ones_kept(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
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
