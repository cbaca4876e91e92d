"""django-tasks-db's ``db_worker``, which first queues a delivery pass.

The passes that mail notifications queue each other (``comments.tasks``); a
worker killed between taking a pass and queueing the next would end the chain,
so every worker that starts queues one. The command keeps its name, so every
way of running the worker (``make run``, systemd, by hand) starts them, and
nothing else of the library's command changes.
"""

from django_tasks_db.management.commands import db_worker

from comments.tasks import start_passes


class Command(db_worker.Command):
    def handle(self, *args, **options):
        start_passes()
        super().handle(*args, **options)
