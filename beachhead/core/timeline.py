"""The customer timeline: one stream of everything that happened with a customer.

The customer-360 page (accounts) and later the ticket side panel read it; each pillar that has
something to say about a customer registers a source from its ``AppConfig.ready``
(commitments, contacts, opportunities, deployments, audit events; later tickets, contracts,
invoices, payments, community activity). Adding a pillar never edits the timeline's code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from beachhead.core.models import Event, User


@dataclass(frozen=True)
class Entry:
    at: datetime
    source: str  # the registering source's key
    icon: str  # Tabler icon name
    title: str
    detail: str = ""
    url: str = ""
    state: str = ""  # optional health/state for the colour legend (kept, broken, at_risk …)


@dataclass(frozen=True)
class Source:
    """``entries(customer, user, limit)`` returns at most ``limit`` entries, newest first,
    reading only rows ``user`` may see (through the access layer), in a bounded number of
    queries."""

    key: str
    label: Any
    entries: Callable[[Any, User, int], list[Entry]]
    order: int = 100


_sources: dict[str, Source] = {}


def register(source: Source) -> None:
    _sources[source.key] = source


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.key))


def timeline(customer, user: User, limit: int = 50, only: set[str] | None = None) -> list[Entry]:
    """The newest ``limit`` entries about ``customer`` from every source, merged."""
    merged: list[Entry] = []
    for source in sources():
        if only and source.key not in only:
            continue
        merged.extend(source.entries(customer, user, limit))
    merged.sort(key=lambda e: e.at, reverse=True)
    return merged[:limit]


# --- The event stream as a source -------------------------------------------------------------
# A pillar that wants some of its events on the timeline registers how each kind reads
# (``show(kind, render)``); ``render(event)`` returns the entry, or None to leave one out. The
# stream's source reads those kinds for the customer, in the user's markets, in one query.

_renderers: dict[str, Callable[[Event], Entry | None]] = {}


def show(kind: str, render: Callable[[Event], Entry | None]) -> None:
    _renderers[kind] = render


def event_entries(customer: Any, user: Any, limit: int) -> list[Entry]:
    from beachhead.core import events
    from beachhead.core.access import scoped
    from beachhead.core.models import Event

    if not _renderers or getattr(customer, "pk", None) is None:
        return []
    rows = (
        scoped(Event, user)
        .filter(events.for_customer(customer), kind__in=list(_renderers))
        .order_by("-at", "-pk")[:limit]
    )
    entries = [_renderers[row.kind](row) for row in rows]
    return [entry for entry in entries if entry is not None]


register(Source("history", gettext_lazy("History"), event_entries, order=90))
