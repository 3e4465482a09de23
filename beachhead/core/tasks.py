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


@task()
def prune_rate_counters() -> int:
    """Delete the rate-limit windows that have ended (the database store; Redis expires its own)."""
    from beachhead.core import ratelimit

    return ratelimit.prune()


@task()
def send_password_reset(email: str, domain: str, use_https: bool, language: str) -> int:
    """Mail a password reset link to the active accounts of ``email`` (none: nothing). A job,
    so the reset page answers in the same time whether the address has an account or not."""
    from django.contrib.auth.forms import PasswordResetForm
    from django.utils import translation

    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    with translation.override(language or settings.LANGUAGE_CODE):
        form.save(domain_override=domain, use_https=use_https)
    return len(users)
