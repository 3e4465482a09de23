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
def deliver_events() -> dict:
    """Hand committed events to their queued subscribers (e-mail, and next webhooks and chat):
    queued after every commit that wrote deliveries, and every minute for retries."""
    from beachhead.core import events

    return events.deliver().as_dict()


@task()
def purge_sessions() -> int:
    """Forget the rows of signed-in sessions that expired (the Security page lists the rest)."""
    from beachhead.core import sessions

    return sessions.purge_expired()
