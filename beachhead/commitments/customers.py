"""Who a promise is made to: the "customer pickers" the record-a-promise form and the API
search. The ledger knows no customer model; the pillars that own customers and the records
promises are about register a picker from their ``AppConfig.ready`` (accounts: accounts and
their contacts; support: tickets), the way they register kinds of commitment.

A picker searches and finds records **through the access layer** (``scoped``): what a user may
not see is never offered and never accepted, so a forged id is refused like an unknown one.

- An **account** picker (``role="customer"``) names the customer: the promise's ``customer``
  and ``customer_label``, so it counts on the account's 360 page and in per-customer trust.
- A **subject** picker (``role="subject"``: a contact of the account, a ticket) names what the
  promise is about, and the customer it belongs to (a ticket of another account is refused).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.db import models

    from beachhead.core.models import User

MAX_RESULTS = 10


@dataclass(frozen=True)
class Option:
    """One search result: ``value`` is what the form posts (``"ticket:42"``)."""

    value: str
    label: str
    detail: str = ""  # a second line: the market, the account, an address
    market: str = ""  # the market code the promise is timed on, when the record has one
    icon: str = "point"


@dataclass(frozen=True)
class Picked:
    """A record resolved for a promise: the customer, and the subject when it is not the
    customer itself."""

    customer: models.Model | None
    customer_label: str
    subject: models.Model | None = None
    subject_label: str = ""
    market: str = ""


@dataclass(frozen=True)
class CustomerPicker:
    """``search(user, q, within, limit)``: options among the records ``user`` may see (``within``
    is the chosen account's id for subject pickers, "" for none); ``resolve(user, id)``: the
    record as a :class:`Picked`, or None when it does not exist or is out of the user's scope."""

    key: str  # "account", "contact", "ticket": the prefix of posted values
    label: Any  # a lazy translation
    role: str  # "customer" or "subject"
    search: Callable[[User, str, str, int], list[Option]]
    resolve: Callable[[User, str], Picked | None]
    order: int = 50


_pickers: dict[str, CustomerPicker] = {}


def register(picker: CustomerPicker) -> None:
    _pickers[picker.key] = picker


def pickers(role: str | None = None) -> list[CustomerPicker]:
    found = [p for p in _pickers.values() if role is None or p.role == role]
    return sorted(found, key=lambda p: (p.order, p.key))


def search(user: User, role: str, q: str, within: str = "") -> list[Option]:
    """What the search field offers for ``q``: each registered picker of ``role`` in turn, at
    most ``MAX_RESULTS`` in all. Subject pickers search only within the chosen account."""
    q = (q or "").strip()[:100]
    if role == "subject" and not within:
        return []
    found: list[Option] = []
    for picker in pickers(role):
        found += picker.search(user, q, within, MAX_RESULTS - len(found))
        if len(found) >= MAX_RESULTS:
            break
    return found[:MAX_RESULTS]


def _split(value: str) -> tuple[CustomerPicker | None, str]:
    key, _sep, pk = (value or "").partition(":")
    return _pickers.get(key), pk


def resolve(user: User, customer: str = "", subject: str = "") -> Picked | None:
    """The customer (``"account:12"``) and subject (``"ticket:42"``, ``"contact:7"``) a user
    picked, checked: each must exist within the user's scope and the subject must belong to
    the customer. None when neither was picked. Raises ``ValidationError`` keyed by field."""
    chosen: Picked | None = None
    if customer:
        picker, pk = _split(customer)
        chosen = picker.resolve(user, pk) if picker and picker.role == "customer" else None
        if chosen is None:
            raise ValidationError(
                {
                    "customer": _(
                        "Choose a customer account from the list: this one is not yours to see."
                    )
                }
            )
    if not subject:
        return chosen
    picker, pk = _split(subject)
    about = picker.resolve(user, pk) if picker and picker.role == "subject" else None
    if about is None:
        raise ValidationError(
            {
                "subject": _(
                    "Choose a contact or ticket from the list: this one is not yours to see."
                )
            }
        )
    if chosen is not None and about.customer is not None and about.customer != chosen.customer:
        raise ValidationError({"subject": _("This contact or ticket belongs to another customer.")})
    return Picked(
        customer=chosen.customer if chosen else about.customer,
        customer_label=chosen.customer_label if chosen else about.customer_label,
        subject=about.subject,
        subject_label=about.subject_label,
        market=(chosen.market if chosen else "") or about.market,
    )
