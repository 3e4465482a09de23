"""Timeline source: the tickets of a customer (the customer-360 page and the ticket side
panel read it through ``beachhead.core.timeline``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beachhead.accounts.models import Account
from beachhead.core.access import scoped
from beachhead.core.timeline import Entry, Source
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


SOURCES = (Source("tickets", gettext_lazy("Tickets"), ticket_entries, order=25),)
