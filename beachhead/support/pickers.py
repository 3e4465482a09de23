"""The support desk's subject picker for "Record a promise" (``commitments.customers``): a
ticket of the chosen account, searched by number or subject among the tickets the user may
see (``scoped``); the promise then counts for the ticket's account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beachhead.commitments.customers import CustomerPicker, Option, Picked
from beachhead.core.access import scoped
from beachhead.core.db import is_id
from beachhead.markets.services import market_code_of
from beachhead.support.models import Ticket

if TYPE_CHECKING:
    from beachhead.core.models import User


def _pk(value: str) -> int | None:
    value = value.lstrip("#")
    return int(value) if is_id(value) else None


def search_tickets(user: User, q: str, within: str, limit: int) -> list[Option]:
    account = _pk(within)
    if account is None:
        return []
    rows = scoped(Ticket, user).filter(account_id=account)
    if q:
        number = _pk(q)
        rows = rows.filter(
            Q(subject__icontains=q) | Q(pk=number) if number else Q(subject__icontains=q)
        )
    rows = rows.only("pk", "subject", "status", "market_id", "account_id").order_by("-pk")
    return [
        Option(
            f"ticket:{t.pk}",
            str(t),
            str(t.get_status_display()),
            market_code_of(t.market_id) or "",
            "lifebuoy",
        )
        for t in rows[:limit]
    ]


def resolve_ticket(user: User, value: str) -> Picked | None:
    pk = _pk(value)
    rows = scoped(Ticket, user).select_related("account")
    ticket = rows.filter(pk=pk).first() if pk is not None else None
    if ticket is None:
        return None
    account = ticket.account
    return Picked(
        account,
        account.name[:200] if account else "",
        subject=ticket,
        subject_label=str(ticket)[:200],
        market=market_code_of(ticket.market_id) or "",
    )


PICKERS = (CustomerPicker("ticket", _("Ticket"), "subject", search_tickets, resolve_ticket, 30),)
