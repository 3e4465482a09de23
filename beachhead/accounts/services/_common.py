"""Helpers the services share: the audit actor, parsing money and people."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from beachhead.core.models import User
from beachhead.core.money import Money, check_currency


@contextmanager
def audit_actor(user: User | None) -> Iterator[None]:
    """Name ``user`` as the actor of the audit entries written inside the block.

    A page request already names its user (auditlog's middleware); an API call with a token,
    a command or a task does not, so the service does. The service's user wins over a context
    left behind by someone else.
    """
    from auditlog.context import auditlog_value, set_actor

    previous = auditlog_value.get(None)
    if user is None or (previous and previous.get("actor") == user):
        yield
        return
    remote = previous or {}
    with set_actor(user, remote.get("remote_addr"), remote.get("remote_port")):
        yield
    # set_actor leaves its context behind; hand the request's context back to it.
    auditlog_value.set(previous if previous is not None else {"signal_duid": None})


def parse_decimal(value: Any, *, minimum: Decimal | None = None, maximum=None) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value})
    if minimum is not None and number < minimum:
        raise ValidationError(_("At least %(min)s.") % {"min": minimum})
    if maximum is not None and number > Decimal(maximum):
        raise ValidationError(_("At most %(max)s.") % {"max": maximum})
    return number


def parse_money(value: Any, default_currency: str) -> Money:
    """A ``Money`` from a Money, ``{"amount": …, "currency": …}``, ``(amount, currency)``,
    "1000 USD" or a bare number (in ``default_currency``). Never negative."""
    amount: Any
    if isinstance(value, Money):
        amount, currency = value.amount, str(value.currency)
    elif isinstance(value, dict):
        if "amount" not in value:
            raise ValidationError(_("Give an amount and a currency, e.g. 1000 USD."))
        amount, currency = value["amount"], value.get("currency") or default_currency
    elif isinstance(value, list | tuple) and len(value) == 2:
        amount, currency = value
    elif isinstance(value, str) and " " in value.strip():
        amount, _sep, currency = value.strip().rpartition(" ")
    else:
        amount, currency = value, default_currency
    number = parse_decimal(amount, minimum=Decimal(0), maximum=Decimal("1e16"))
    return Money(number.quantize(Decimal("0.01")), check_currency(currency))


def parse_user(value: Any, field_label: str) -> User | None:
    """An active user from a User, an id or a username; None for empty values."""
    if value in (None, "", 0, "0"):
        return None
    user: User | None
    if isinstance(value, User):
        user = value
    elif isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        user = User.objects.filter(pk=int(value)).first()
    else:
        user = User.objects.filter(username=str(value)).first()
    if user is None or not user.is_active:
        raise ValidationError(
            _("No active colleague “%(value)s” for %(field)s.")
            % {"value": value, "field": field_label}
        )
    return user


def covers_market(user: User, code: str) -> bool:
    """True when ``user`` works in market ``code`` (global roles work everywhere)."""
    return user.is_global or code in (user.market_codes or [])
