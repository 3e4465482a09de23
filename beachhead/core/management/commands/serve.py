import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from beachhead.core.http import served_base_url


def child_environment(
    host: str, port: int, environ: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment of the web server and the worker: Beachhead's settings, and links in
    e-mails pointing at the address served unless ``BEACHHEAD_BASE_URL`` says otherwise."""
    env = {**(os.environ if environ is None else environ)}
    env["DJANGO_SETTINGS_MODULE"] = "beachhead.settings"
    if not env.get("BEACHHEAD_BASE_URL", "").strip():
        env["BEACHHEAD_BASE_URL"] = served_base_url(host, port)
    return env


class Command(BaseCommand):
    help = "Serve Beachhead with gunicorn (a production WSGI server) and run the worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2))
        )
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-worker", action="store_true", help="Serve only; no worker.")

    def handle(self, *args, **options):
        env = child_environment(options["host"], options["port"])
        web = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "beachhead.wsgi:application",
                "--bind", f"{options['host']}:{options['port']}",
                "--workers", str(options["workers"]),
                "--threads", str(options["threads"]),
                "--worker-class", "gthread",
                "--access-logfile", "-",
                "--graceful-timeout", "10",
                "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            ],
            env=env,
        )  # fmt: skip
        children = [web]
        if not options["no_worker"]:
            children.append(
                subprocess.Popen(
                    [sys.executable, "-m", "beachhead", "worker", "--verbosity", "0"], env=env
                )
            )
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(
            f"Beachhead on {url} (database: {settings.DATABASES['default']['ENGINE']};"
            f" links in e-mails: {env['BEACHHEAD_BASE_URL']})"
        )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        code = 0
        while not stopping:
            for child in children:
                if child.poll() is not None:
                    self.stderr.write(f"Process {child.args[2]} exited ({child.returncode}).")
                    code = child.returncode or 1
                    stopping = True
            time.sleep(0.5)
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(code)
