import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Measure the scale targets (bench/run.py) in a separate benchmark database."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "full"], default="small")
        parser.add_argument("--db", choices=["sqlite", "postgresql", "mysql"], default="sqlite")
        parser.add_argument("--only", action="append", default=[])
        parser.add_argument("--check", action="store_true", help="Fail when 3× over a target.")
        parser.add_argument("--with-http", action="store_true", help="HTTP load at small scale.")
        parser.add_argument("--with-peer", action="store_true", help="Peer at small scale.")

    def handle(self, *args, **options):
        # A child process: the benchmark sets up Django on its own database, not this one.
        command = [sys.executable, str(settings.REPO_DIR / "bench" / "run.py")]
        command += ["--scale", options["scale"], "--db", options["db"]]
        for name in options["only"]:
            command += ["--only", name]
        for flag in ("check", "with_http", "with_peer"):
            if options[flag]:
                command.append("--" + flag.replace("_", "-"))
        sys.exit(subprocess.call(command))
