"""Timeline sources: the tickets of a customer and their conversation (the customer-360 page
and the ticket side panel read them through ``beachhead.core.timeline``).

The conversation's entries come through ``support.services.conversation``: internal notes only
for the roles that read them (finance sees the complaint, not the desk's notes)."""

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
from beachhead.support.models import Message, Status, Ticket
from beachhead.support.services.conversation import customer_messages

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


#: How much of a message a timeline entry shows.
EXCERPT = 160


def _excerpt(text: str) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= EXCERPT else line[: EXCERPT - 1] + "…"


def message_entries(customer, user: User, limit: int) -> list[Entry]:
    """The customer's messages and our replies (and, for those who read them, the desk's
    internal notes), newest first."""
    if not isinstance(customer, Account):
        return []
    rows = (
        customer_messages(customer.pk, user)
        .select_related("author")
        .only("pk", "ticket_id", "kind", "body_text", "created_at", "from_name", "author")
        .order_by("-created_at", "-pk")[:limit]
    )
    entries = []
    for m in rows:
        number = {"number": m.ticket_id}
        if m.kind == Message.Kind.NOTE:
            icon, title = "lock", _("Internal note on ticket #%(number)s") % number
        elif m.kind == Message.Kind.REPLY:
            icon, title = "arrow-back-up", _("Reply on ticket #%(number)s") % number
        else:
            icon, title = "message-2", _("Customer wrote on ticket #%(number)s") % number
        who = m.author.display_name if m.author_id and m.author else m.from_name
        excerpt = _excerpt(m.body_text)
        entries.append(
            Entry(
                at=m.created_at,
                source="messages",
                icon=icon,
                title=title,
                detail=f"{who}: {excerpt}" if who and excerpt else (who or excerpt),
                url=reverse("support:ticket", args=[m.ticket_id]) + f"#message-{m.pk}",
            )
        )
    return entries


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

SOURCES = (
    Source("tickets", gettext_lazy("Tickets"), ticket_entries, order=25),
    Source("messages", gettext_lazy("Conversations"), message_entries, order=26),
)
SHOWN = {TICKET_STATUS_CHANGED: status_entry}
