"""Timeline source: the tickets of a customer (the customer-360 page and the ticket side
panel read it through ``beachhead.core.timeline``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beachhead.accounts.models import Account
from beachhead.core.access import scoped
from beachhead.core.models import Event
from beachhead.core.timeline import Entry, Source
from beachhead.support.events import TICKET_STATUS_CHANGED
from beachhead.support.models import Status, Ticket

if TYPE_CHECKING:
    from beachhead.core.models import User

_STATE: dict[str, str] = {Status.SOLVED: "kept", Status.CLOSED: "kept", Status.PENDING: "paused"}


def ticket_entries(customer, user: User, limit: int) -> list[Entry]:
    if not isinstance(customer, Account):
        return []
    rows = (
        scoped(Ticket, user)
        .filter(account_id=customer.pk)
        .order_by("-created_at", "-pk")
        .only("pk", "subject", "status", "priority", "created_at", "requester_name")[:limit]
    )
    return [
        Entry(
            at=t.created_at,
            source="tickets",
            icon="lifebuoy",
            title=_("Ticket #%(number)s: %(subject)s") % {"number": t.pk, "subject": t.subject},
            detail=f"{t.get_status_display()} · {t.get_priority_display()} · {t.requester_name}",
            url=t.get_absolute_url(),
            state=_STATE.get(t.status, ""),
        )
        for t in rows
    ]


def status_entry(event: Event) -> Entry | None:
    """A ticket's status move, from the event stream (``core.timeline.show``)."""
    to = event.data.get("to", "")
    if to not in _STATUS_SHOWN:
        return None
    return Entry(
        at=event.at,
        source="history",
        icon=_STATUS_SHOWN[to],
        title=_("%(ticket)s: %(status)s")
        % {"ticket": event.subject_label, "status": Status(to).label},
        url=reverse("support:ticket", args=[event.subject_id]),
        state=_STATE.get(to, ""),
    )


# The moves worth a line on the customer's timeline (its opening is the tickets source's).
_STATUS_SHOWN = {
    Status.PENDING: "hourglass",
    Status.ON_HOLD: "player-pause",
    Status.SOLVED: "circle-check",
    Status.CLOSED: "archive",
    Status.OPEN: "refresh",
}

SOURCES = (Source("tickets", gettext_lazy("Tickets"), ticket_entries, order=25),)
SHOWN = {TICKET_STATUS_CHANGED: status_entry}
