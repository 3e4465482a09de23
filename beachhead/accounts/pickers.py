"""The accounts floor's customer pickers for "Record a promise" (``commitments.customers``):
an account names the customer; a contact of that account may name what the promise is about.
Both search and resolve only what the user may see (``scoped``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beachhead.accounts.models import Account, Contact
from beachhead.commitments.customers import CustomerPicker, Option, Picked
from beachhead.core.access import scoped
from beachhead.core.db import is_id
from beachhead.markets.services import market_code_of

if TYPE_CHECKING:
    from beachhead.core.models import User


def _pk(value: str) -> int | None:
    return int(value) if is_id(value) else None


def _account_option(account: Account) -> Option:
    detail = account.legal_name if account.legal_name != account.name else ""
    market = market_code_of(account.market_id) or ""
    return Option(
        f"account:{account.pk}",
        account.name,
        " · ".join(part for part in (market, detail) if part),
        market=market,
        icon="building",
    )


def search_accounts(user: User, q: str, within: str, limit: int) -> list[Option]:
    rows = scoped(Account, user).only("pk", "legal_name", "display_name", "market_id")
    if q:
        rows = rows.filter(
            Q(display_name__icontains=q) | Q(legal_name__icontains=q) | Q(latin_name__icontains=q)
        )
    return [_account_option(a) for a in rows.order_by("display_name", "legal_name", "pk")[:limit]]


def resolve_account(user: User, value: str) -> Picked | None:
    pk = _pk(value)
    account = scoped(Account, user).filter(pk=pk).first() if pk is not None else None
    if account is None:
        return None
    return Picked(account, account.name[:200], market=market_code_of(account.market_id) or "")


def search_contacts(user: User, q: str, within: str, limit: int) -> list[Option]:
    account = _pk(within)
    if account is None:
        return []
    rows = scoped(Contact, user).filter(account_id=account).select_related("account")
    if q:
        rows = rows.filter(
            Q(full_name__icontains=q) | Q(latin_name__icontains=q) | Q(email__icontains=q)
        )
    return [
        Option(
            f"contact:{c.pk}",
            c.full_name,
            c.email,
            (market_code_of(c.account.market_id) or "") if c.account else "",
            "user",
        )
        for c in rows.order_by("full_name", "pk")[:limit]
    ]


def resolve_contact(user: User, value: str) -> Picked | None:
    pk = _pk(value)
    rows = scoped(Contact, user).select_related("account")
    contact = rows.filter(pk=pk).first() if pk is not None else None
    if contact is None:
        return None
    account = contact.account
    return Picked(
        account,
        account.name[:200] if account else "",
        subject=contact,
        subject_label=contact.full_name[:200],
        market=(market_code_of(account.market_id) or "") if account else "",
    )


PICKERS = (
    CustomerPicker("account", _("Account"), "customer", search_accounts, resolve_account, 10),
    CustomerPicker("contact", _("Contact"), "subject", search_contacts, resolve_contact, 20),
)
