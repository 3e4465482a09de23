"""Background jobs of the core."""

from __future__ import annotations

import os
import socket

from django.conf import settings
from django_tasks import task

from beachhead.core import services


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@task()
def heartbeat() -> str:
    """Proves that a worker takes jobs off the queue: /healthz reads the time it last ran."""
    backend = settings.TASKS["default"]["BACKEND"].rsplit(".", 1)[-1]
    services.do_record_heartbeat(worker_name(), backend=backend)
    return worker_name()


@task()
def send_notification_emails(ids: list[int]) -> int:
    """E-mail in-app notices (idempotent: each notice is e-mailed once)."""
    return services.do_send_notification_emails(ids)
