import signal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from beachhead.core.schedule import Scheduler, enqueue_due


class Command(BaseCommand):
    help = "Run the background worker: the job queue and the schedule of periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Enqueue the periodic jobs once, run everything queued, then exit.",
        )
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        scheduler = None
        if options["batch"]:
            enqueue_due()
        else:
            scheduler = Scheduler()
            scheduler.start()
        self.stdout.write(f"Worker started ({backend.rsplit('.', 1)[-1]}).")
        # The queue's worker catches SIGINT and SIGTERM and leaves its handlers behind when a
        # --batch run ends: put ours back (the command may run inside another process).
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            if backend.startswith("django_tasks_rq"):
                call_command("rqworker", "default", burst=options["batch"])
            else:
                call_command(
                    "db_worker",
                    queue_name="*",
                    interval=options["interval"],
                    batch=options["batch"],
                    reload=False,
                    startup_delay=False,
                    worker_id=get_random_string(24),
                    verbosity=options["verbosity"],
                )
        finally:
            for sig, handler in saved.items():
                if handler is not None:
                    signal.signal(sig, handler)
            if scheduler is not None:
                scheduler.stop()
