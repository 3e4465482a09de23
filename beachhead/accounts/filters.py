"""Filters of the account, contact, deal and deployment lists, shared by the plain pages and
the API: the same query parameters mean the same thing everywhere.

Accounts: ``market`` (ISO code, or several separated by commas), ``tier``, ``lifecycle``,
``industry``, ``health``, ``owner`` (a user id, a username, or ``me``), ``csm``, ``named``
(true/false), ``strategic`` (true), ``deep`` (true), ``q`` (text in the names).
Contacts, deals and deployments: ``account`` (id), ``market``, and their own fields.
Unknown values of a choice are an error (the API answers 400), never silently ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from beachhead.accounts.models import ContactRole, Environment, Health, Industry, Lifecycle, Tier
from beachhead.accounts.services.contacts import role_q
from beachhead.accounts.services.deployments import deep_user_threshold
from beachhead.accounts.services.ltv import strategic_bar

if TYPE_CHECKING:
    from beachhead.core.models import User

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _choice(params, name: str, choices, errors: dict, path: str | None = None) -> Q:
    raw = params.get(name, "")
    if not raw:
        return Q()
    values = [v.lower() for v in _codes(raw)]
    bad = [v for v in values if v not in choices.values]
    if bad:
        errors[name] = [
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": ", ".join(bad), "choices": ", ".join(choices.values)}
        ]
        return Q()
    return Q(**{f"{path or name}__in": values})


def _person(params, name: str, path: str, user: User, errors: dict) -> Q:
    raw = (params.get(name) or "").strip()
    if not raw:
        return Q()
    if raw == "me":
        return Q(**{path: user.pk})
    if raw in ("none", "nobody"):
        return Q(**{f"{path}__isnull": True})
    if raw.isdigit():
        return Q(**{path: int(raw)})
    return Q(**{f"{path}__username": raw})


def _bool(params, name: str, errors: dict) -> bool | None:
    raw = (params.get(name) or "").strip().lower()
    if not raw:
        return None
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    errors[name] = [_("“%(value)s” is neither true nor false.") % {"value": raw}]
    return None


def _market(params, path: str, errors: dict) -> Q:
    raw = params.get("market", "")
    if not raw:
        return Q()
    codes = [c.upper() for c in _codes(raw)]
    bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
    if bad:
        errors["market"] = [
            _("“%(code)s” is not a market code; use an ISO code such as JP.")
            % {"code": ", ".join(bad)}
        ]
        return Q()
    return Q(**{f"{path}__in": codes})


def _account(params, errors: dict) -> Q:
    raw = (params.get("account") or "").strip()
    if not raw:
        return Q()
    if not raw.isdigit():
        errors["account"] = [_("An account id is a number.")]
        return Q()
    return Q(account_id=int(raw))


def _finish(qs: QuerySet, condition: Q, errors: dict) -> QuerySet:
    if errors:
        raise ValidationError(errors)
    return qs.filter(condition) if condition else qs


def filter_accounts(qs: QuerySet, params, user: User) -> QuerySet:
    """Narrow accounts by the query parameters; ``ValidationError`` (by parameter) if bad."""
    errors: dict = {}
    condition = (
        _market(params, "market__code", errors)
        & _choice(params, "tier", Tier, errors)
        & _choice(params, "lifecycle", Lifecycle, errors)
        & _choice(params, "industry", Industry, errors)
        & _choice(params, "health", Health, errors)
        & _person(params, "owner", "owner", user, errors)
        & _person(params, "csm", "csm", user, errors)
    )
    named = _bool(params, "named", errors)
    if named is not None:
        condition &= Q(named=named)
    if _bool(params, "strategic", errors):
        bar = strategic_bar()
        condition &= Q(annual_value__gte=bar.amount, annual_value_currency=str(bar.currency))
    deep = _bool(params, "deep", errors)
    if deep is not None:
        nodes = Q(production_nodes__gte=deep_user_threshold())
        condition &= nodes if deep else ~nodes
    text = (params.get("q") or "").strip()
    if text:
        condition &= (
            Q(legal_name__icontains=text)
            | Q(display_name__icontains=text)
            | Q(latin_name__icontains=text)
        )
    return _finish(qs, condition, errors)


def filter_contacts(qs: QuerySet, params, user: User) -> QuerySet:
    errors: dict = {}
    condition = _account(params, errors) & _market(params, "account__market__code", errors)
    role = (params.get("role") or "").strip().lower()
    if role:
        if role not in ContactRole.values:
            errors["role"] = [
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": role, "choices": ", ".join(ContactRole.values)}
            ]
        else:
            condition &= role_q(role)
    text = (params.get("q") or "").strip()
    if text:
        condition &= (
            Q(full_name__icontains=text)
            | Q(latin_name__icontains=text)
            | Q(email__icontains=text)
            | Q(account__legal_name__icontains=text)
        )
    return _finish(qs, condition, errors)


def filter_opportunities(qs: QuerySet, params, user: User) -> QuerySet:
    errors: dict = {}
    condition = (
        _account(params, errors)
        & _market(params, "account__market__code", errors)
        & _person(params, "owner", "owner", user, errors)
    )
    stage = (params.get("stage") or "").strip().lower()
    if stage:
        condition &= Q(stage__key__in=_codes(stage))
    is_open = _bool(params, "open", errors)
    if is_open is not None:
        closed = Q(stage__is_won=True) | Q(stage__is_lost=True)
        condition &= ~closed if is_open else closed
    text = (params.get("q") or "").strip()
    if text:
        condition &= Q(name__icontains=text) | Q(account__legal_name__icontains=text)
    return _finish(qs, condition, errors)


def filter_deployments(qs: QuerySet, params, user: User) -> QuerySet:
    errors: dict = {}
    condition = (
        _account(params, errors)
        & _market(params, "account__market__code", errors)
        & _choice(params, "environment", Environment, errors)
    )
    for name in ("product", "version", "cloud_region"):
        value = (params.get(name) or "").strip()
        if value:
            condition &= Q(**{f"{name}__iexact": value})
    return _finish(qs, condition, errors)
