"""Periodic jobs: a pillar registers a task and how often it runs; the worker's scheduler
thread enqueues each one when it is due. Jobs must be idempotent (a second worker, or a restart,
may enqueue the same job again), so the schedule needs no lock of its own."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import close_old_connections

if TYPE_CHECKING:
    from django_tasks.base import Task

logger = logging.getLogger("beachhead.schedule")


@dataclass
class Job:
    name: str
    task: Task[[], Any]
    every_seconds: int | None  # None: the heartbeat interval from settings
    last_enqueued: float = 0.0

    @property
    def interval(self) -> float:
        return float(self.every_seconds or settings.BEACHHEAD_HEARTBEAT_SECONDS)


_jobs: dict[str, Job] = {}


def register(name: str, task, every_seconds: int | None) -> None:
    _jobs[name] = Job(name, task, every_seconds)


def jobs() -> list[Job]:
    return list(_jobs.values())


def enqueue_due(now: float | None = None) -> list[str]:
    """Enqueue every job whose interval has passed; returns the names enqueued."""
    now = time.monotonic() if now is None else now
    enqueued = []
    for job in _jobs.values():
        if job.last_enqueued and now - job.last_enqueued < job.interval:
            continue
        try:
            job.task.enqueue()
        except Exception:  # the queue may be briefly unavailable; try again next tick
            logger.exception("Could not enqueue %s", job.name)
            continue
        job.last_enqueued = now
        enqueued.append(job.name)
    return enqueued


class Scheduler(threading.Thread):
    """Runs beside the queue worker in ``beachhead worker``."""

    def __init__(self, tick: float = 1.0):
        super().__init__(name="beachhead-scheduler", daemon=True)
        self.tick = tick
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            close_old_connections()
            enqueue_due()
            close_old_connections()
            self.stopped.wait(self.tick)

    def stop(self) -> None:
        self.stopped.set()
