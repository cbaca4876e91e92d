"""Notifications in-process: tasks are kept by django-tasks' dummy backend (test
settings) and run here, each as the worker would, its commit callbacks included."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import task_backends

from comments.tasks import deliver_due


class Queue:
    """The tasks the code enqueued, run on demand as a worker would."""

    def __init__(self, backend, capture):
        self.backend, self.capture = backend, capture

    def names(self) -> list[str]:
        return [result.task.name for result in self.backend.results]

    def run(self, *, later: timedelta = timedelta(0), limit: int = 100) -> list:
        """Run every task due within ``later`` from now (tasks they enqueue too), then
        one delivery pass. The next pass each pass queues is dropped: a worker runs one
        every second, and here a test says when time passes (its rows' due times)."""
        done = []
        for _ in range(limit):
            self._drop_passes()
            horizon = timezone.now() + later
            due = [
                result for result in self.backend.results
                if result.task.run_after is None or result.task.run_after <= horizon
            ]
            if not due:
                done.append(self.run_pass())
                return done
            result = due[0]
            self.backend.results.remove(result)
            with self.capture(execute=True):
                done.append(result.task.call(*result.args, **result.kwargs))
        raise AssertionError(f"tasks still due after {limit}: {self.names()}")

    def run_pass(self) -> str:
        with self.capture(execute=True):
            outcome = deliver_due.call()
        self._drop_passes()
        return outcome

    def _drop_passes(self) -> None:
        self.backend.results[:] = [
            result for result in self.backend.results if result.task.name != deliver_due.name
        ]


@pytest.fixture
def tasks(django_capture_on_commit_callbacks):
    backend = task_backends["default"]
    backend.clear()
    yield Queue(backend, django_capture_on_commit_callbacks)
    backend.clear()


# The load suite's databases (a SQLite file, or a scratch PostgreSQL database).
from tests.load.conftest import databases, load_db, migrated_template  # noqa: E402, F401
from tests.notifications.live import Live  # noqa: E402
from tests.notifications.mailbox import Mailbox  # noqa: E402


@pytest.fixture
def live(load_db):  # noqa: F811
    """A database with an article ("breaking") and a moderator ("desk"), a real SMTP
    server and the settings a worker and the posters share; the test starts the worker."""
    load_db.tool("setup")
    mailbox = Mailbox()
    mailbox.start()
    harness = Live(
        load_db,
        mailbox,
        {
            "EMAIL_URL": mailbox.url,
            "NEWSROOM_NOTIFY_MINUTES": "0.25",
            "NEWSROOM_NOTIFY_LEASE_SECONDS": "3",
        },
    )
    try:
        yield harness
    finally:
        harness.stop_worker()
        mailbox.stop()
