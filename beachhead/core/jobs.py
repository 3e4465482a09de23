"""Queue a background job by name once the transaction that asked for it commits.

Services name the job (``"beachhead.support.tasks.send_reply"``) instead of importing its
module: a job module imports the services it runs, so a service that imported its job back
would close an import circle. The job is looked up when the transaction commits, and nothing is
queued for a transaction that rolls back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string


def enqueue(name: str, *args: Any, **kwargs: Any) -> None:
    """Queue the job called ``name`` (its dotted path) now."""
    import_string(name).enqueue(*args, **kwargs)


def enqueue_on_commit(name: str, *args: Any, using: str | None = None, **kwargs: Any) -> None:
    """Queue the job called ``name`` when the current transaction commits (at once outside
    one)."""
    transaction.on_commit(lambda: enqueue(name, *args, **kwargs), using=using)


@dataclass
class Tally:
    """What a batch job counts (a dataclass of ``int`` fields, all 0 to start): ``as_dict`` is
    its log line and its task's result."""

    def as_dict(self) -> dict[str, int]:
        return asdict(self)
