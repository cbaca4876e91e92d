"""Queue a delivery pass, for a worker other than ``db_worker`` (django-tasks-rq's
``rqworker``, README "Outgrowing one machine"), which does not queue one when it
starts: run it before such a worker, as ``db_worker`` does itself."""

from django.core.management.base import BaseCommand

from comments.tasks import start_passes


class Command(BaseCommand):
    help = "Queue a notification delivery pass; the passes then queue each other."

    def handle(self, *args, **options):
        start_passes()
        self.stdout.write("A delivery pass is queued.")
