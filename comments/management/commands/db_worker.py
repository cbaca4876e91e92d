"""django-tasks-db's ``db_worker``, which also keeps the delivery passes going.

The passes that mail notifications queue each other (``comments.tasks``). A
worker killed mid-pass leaves the next one due only when that pass's rounds
would have ended, or none if it was killed between taking the pass and queueing
it, so every worker that starts queues one, due at once; a chain that breaks
while the worker runs (a pass that could not queue the next, a queued pass
deleted) is restarted by a watchdog thread here. The command keeps its name, so
every way of running the worker (``make run``, systemd, by hand) does both, and
nothing else of the library's command changes: django-tasks-db has no hook for
either.
"""

import logging
import threading

from django.db import DatabaseError, connection
from django_tasks_db.management.commands import db_worker

from comments.tasks import OVERDUE, restart_overdue_passes, start_passes

logger = logging.getLogger("newsroom.notifications")


def _watch(stop: threading.Event) -> None:
    while not stop.wait(OVERDUE.total_seconds() / 2):
        try:
            restart_overdue_passes()
        except DatabaseError:
            logger.exception("could not check the notification passes; trying again")
        finally:
            connection.close()


class Command(db_worker.Command):
    def handle(self, *args, **options):
        start_passes()
        stop = threading.Event()
        threading.Thread(target=_watch, args=(stop,), name="passes", daemon=True).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
