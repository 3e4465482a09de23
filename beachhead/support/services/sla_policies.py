"""Changing SLA policies from the desk's settings.

Admins change every policy; a regional manager changes the policies whose markets are all
theirs and creates policies only for their markets (a policy for every market, or for
another's, would set promises in markets they do not answer for). A policy tickets already
follow is deactivated rather than deleted, so their history keeps its name. Every change is in
the audit log and is an event (``support.sla_policy_changed``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from beachhead.accounts.models import Tier
from beachhead.core import events
from beachhead.core.audit import audit_actor
from beachhead.core.changes import assign, changed, check_choice, check_name, clean_changes
from beachhead.core.roles import can
from beachhead.core.services import check_market_codes
from beachhead.support.events import SLA_POLICY_CHANGED
from beachhead.support.models import CalendarChoice, Priority, SlaPolicy, Ticket
from beachhead.support.roles import SupportOperation
from beachhead.support.services.desk_scope import (
    covers_all,
    parse_bool,
    parse_code_list,
    parse_minutes,
    parse_names,
    require_operation,
)

TARGETS = ("first_reply_minutes", "next_reply_minutes", "periodic_update_minutes")


def may_change_policy(user: Any, policy: SlaPolicy) -> bool:
    """True when ``user`` may change ``policy``: a manager of every one of its markets."""
    return can(user, SupportOperation.MANAGE_SLA_POLICIES) and covers_all(
        user, policy.market_codes or []
    )


def changeable_policies(user: Any) -> QuerySet[SlaPolicy]:
    """The policies ``user`` may change (a handful of rows: checked one by one)."""
    ids = [p.pk for p in SlaPolicy.objects.all() if may_change_policy(user, p)]
    return SlaPolicy.objects.filter(pk__in=ids)


def _choices(choices: Any) -> Any:
    return lambda value: sorted({check_choice(choices, v) for v in parse_code_list(value)})


def _parsers(user: Any) -> dict[str, Any]:
    def markets(value: Any) -> list[str]:
        codes = sorted(check_market_codes(parse_code_list(value)))
        if not covers_all(user, codes):
            raise ValidationError(
                _("Choose markets you manage; only an admin sets policies for every market.")
            )
        return codes

    def coverage(value: Any) -> str:
        return ",".join(check_market_codes(parse_code_list(value)))

    return {
        "name": lambda value: check_name(value, required=True),
        "names": parse_names,
        "order": _order,
        "is_active": parse_bool,
        "tiers": _choices(Tier),
        "priorities": _choices(Priority),
        "market_codes": markets,
        "calendar": lambda value: check_choice(CalendarChoice, value),
        "coverage_markets": coverage,
        "first_reply_minutes": lambda value: parse_minutes(value, required=True),
        "next_reply_minutes": parse_minutes,
        "periodic_update_minutes": parse_minutes,
        "resolution_minutes": parse_minutes,
    }


def _order(value: Any) -> int:
    try:
        order = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("Give a whole number.")) from None
    if not 0 <= order <= 32767:
        raise ValidationError(_("Give a number from 0 to 32767."))
    return order


def _across(policy: SlaPolicy | None) -> Any:
    """Rules across fields, on the values the policy will have after the change."""

    def then(cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
        def value(name: str) -> Any:
            return cleaned[name] if name in cleaned else getattr(policy, name, None)

        first, resolution = value("first_reply_minutes"), value("resolution_minutes")
        if first and resolution and resolution < first and "resolution_minutes" not in errors:
            errors["resolution_minutes"] = [
                _("Resolution cannot come before the first reply is due.")
            ]
        calendar = value("calendar") or CalendarChoice.MARKET
        if calendar == CalendarChoice.COVERAGE and not value("coverage_markets"):
            errors.setdefault("coverage_markets", []).append(
                _("Follow-the-sun coverage needs the markets whose hours it joins.")
            )

    return then


def _emit(policy: SlaPolicy, user: Any, action: str, fields: list[str]) -> None:
    events.emit(SLA_POLICY_CHANGED, policy, user, data={"action": action, "fields": sorted(fields)})


def do_create_sla_policy(user: Any, **changes: Any) -> SlaPolicy:
    """Create a policy: at least ``name`` and ``first_reply_minutes``; a regional manager names
    ``market_codes`` they manage."""
    require_operation(user, SupportOperation.MANAGE_SLA_POLICIES)
    cleaned = clean_changes(
        changes,
        _parsers(user),
        required=("name", "first_reply_minutes") + (() if user.is_global else ("market_codes",)),
        then=_across(None),
    )
    policy = SlaPolicy(**cleaned)
    with transaction.atomic(), audit_actor(user):
        policy.save()
        _emit(policy, user, "created", list(cleaned))
    return policy


def do_update_sla_policy(policy: SlaPolicy, user: Any, changes: dict[str, Any]) -> SlaPolicy:
    """Change a policy's name, conditions, calendar or targets (new tickets follow them; the
    promises already made keep their due times)."""
    if not may_change_policy(user, policy):
        raise PermissionDenied(_("You may change only the SLA policies of your markets."))
    cleaned = changed(policy, clean_changes(changes, _parsers(user), then=_across(policy)))
    if not cleaned:
        return policy
    columns = assign(policy, cleaned)
    with transaction.atomic(), audit_actor(user):
        policy.save(update_fields=columns)
        _emit(policy, user, "changed", columns)
    return policy


def is_referenced(policy: SlaPolicy) -> bool:
    return Ticket.objects.filter(sla_policy=policy).exists()


def do_delete_sla_policy(policy: SlaPolicy, user: Any) -> bool:
    """Delete a policy no ticket follows, else deactivate it; True when it was deleted."""
    if not may_change_policy(user, policy):
        raise PermissionDenied(_("You may change only the SLA policies of your markets."))
    with transaction.atomic(), audit_actor(user):
        if is_referenced(policy):
            if policy.is_active:
                policy.is_active = False
                policy.save(update_fields=["is_active"])
                _emit(policy, user, "deactivated", ["is_active"])
            return False
        _emit(policy, user, "deleted", [])
        policy.delete()
    return True
