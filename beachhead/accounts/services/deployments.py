"""Deployments: what customers run, deep users, and deep users over time.

Every change of a deployment writes a ``DeploymentEvent`` (created, changed, retired) with the
node count and environment after it, and refreshes the account's ``production_nodes`` (the sum
over its production deployments). An account is a **deep user** from
``BEACHHEAD_DEEP_USER_NODES`` production nodes (50 by default).

Deep users over time are *replayed* from the events rather than snapshotted by a job: the
history is exact for every past month (a scale-up in March counts from March), needs no
scheduler, and the demo can write years of it. The replay reads four small columns of the
events of the accounts in scope, once, in time order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from beachhead.accounts import events as account_events
from beachhead.accounts.models import Account, Deployment, DeploymentEvent, Environment
from beachhead.core import events
from beachhead.core.access import Action, require, scoped
from beachhead.core.audit import audit_actor
from beachhead.core.changes import assign, changed, check_choice, clean_changes
from beachhead.core.models import User
from beachhead.core.money import parse_decimal
from beachhead.markets.services import market_code_of

EDITABLE_FIELDS = ("product", "version", "node_count", "cloud_region", "environment")


def deep_user_threshold() -> int:
    return int(settings.BEACHHEAD_DEEP_USER_NODES)


def is_deep_user(account: Account) -> bool:
    """True when ``account`` runs at least ``BEACHHEAD_DEEP_USER_NODES`` production nodes."""
    return account.production_nodes >= deep_user_threshold()


def deep_users(queryset: QuerySet) -> QuerySet:
    """The deep users among ``queryset`` (accounts)."""
    return queryset.filter(production_nodes__gte=deep_user_threshold())


def check_deployment_changes(
    changes: dict[str, Any], deployment: Deployment | None = None
) -> dict[str, Any]:
    cleaned = clean_changes(
        changes,
        {
            "product": partial(_text, required=True, limit=80),
            "version": partial(_text, required=True, limit=40),
            "cloud_region": partial(_text, required=False, limit=80),
            "node_count": _nodes,
            "environment": partial(check_choice, Environment),
        },
        editable=EDITABLE_FIELDS,
        required=() if deployment is not None else ("product", "version"),
    )
    return changed(deployment, cleaned)


def _text(value: Any, required: bool, limit: int) -> str:
    result = " ".join(str(value or "").split())
    if required and not result:
        raise ValidationError(_("This field is required."))
    if len(result) > limit:
        raise ValidationError(_("At most %(n)s characters.") % {"n": limit})
    return result


def _nodes(value: Any) -> int:
    number = parse_decimal(value, minimum=0, maximum=1_000_000)
    if number != number.to_integral_value():
        raise ValidationError(_("A whole number of nodes."))
    return int(number)


def refresh_production_nodes(account: Account) -> int:
    """Store the account's production node count (sum over production deployments)."""
    total = (
        Deployment.objects.filter(account=account, environment=Environment.PRODUCTION).aggregate(
            n=Sum("node_count")
        )["n"]
        or 0
    )
    if total != account.production_nodes:
        account.production_nodes = total
        Account.objects.filter(pk=account.pk).update(production_nodes=total)
    return total


def _event(deployment: Deployment, kind: str, at: datetime, actor: User | None) -> None:
    DeploymentEvent.objects.create(
        deployment=deployment if kind != DeploymentEvent.Kind.RETIRED else None,
        account_id=deployment.account_id,
        deployment_key=deployment.pk,
        kind=kind,
        at=at,
        environment=deployment.environment,
        node_count=0 if kind == DeploymentEvent.Kind.RETIRED else deployment.node_count,
        version=deployment.version,
        actor=actor,
    )
    events.emit(
        account_events.deployment_kind(kind),
        subject=deployment,
        actor=actor,
        customer=("accounts.Account", deployment.account_id),
        data={
            "environment": deployment.environment,
            "node_count": 0 if kind == DeploymentEvent.Kind.RETIRED else deployment.node_count,
            "version": deployment.version,
        },
        at=at,
        market_code=market_code_of(deployment.account.market_id) or "",
    )


def do_create_deployment(
    account: Account, user: User, *, at: datetime | None = None, **fields: Any
) -> Deployment:
    """Record what ``account`` runs (whoever may change the account may record it)."""
    require(user, account, Action.CHANGE, _("You may not change this account."))
    cleaned = check_deployment_changes(fields)
    deployment = Deployment(account=account, **cleaned)
    with transaction.atomic(), audit_actor(user):
        deployment.save()
        _event(deployment, DeploymentEvent.Kind.CREATED, at or timezone.now(), user)
        refresh_production_nodes(account)
    return deployment


def do_update_deployment(
    deployment: Deployment, user: User, changes: dict[str, Any], *, at: datetime | None = None
) -> list[str]:
    require(user, deployment, Action.CHANGE, _("You may not change this deployment."))
    cleaned = check_deployment_changes(changes, deployment)
    if not cleaned:
        return []
    with transaction.atomic(), audit_actor(user):
        deployment.save(update_fields=[*assign(deployment, cleaned), "updated_at"])
        _event(deployment, DeploymentEvent.Kind.CHANGED, at or timezone.now(), user)
        refresh_production_nodes(deployment.account)
    return sorted(cleaned)


def do_delete_deployment(deployment: Deployment, user: User, *, at: datetime | None = None) -> None:
    """Retire a deployment: its history stays, so past deep-user counts do not change."""
    require(user, deployment, Action.DELETE, _("You may not change this deployment."))
    account = deployment.account
    with transaction.atomic(), audit_actor(user):
        _event(deployment, DeploymentEvent.Kind.RETIRED, at or timezone.now(), user)
        deployment.delete()
        refresh_production_nodes(account)


# --- Deep users over time --------------------------------------------------------------------


@dataclass(frozen=True)
class MonthCount:
    month: date  # the first day of the month; the count is at its end
    count: int


def _month_starts(months: int, now: datetime) -> list[date]:
    year, month = now.year, now.month
    starts = []
    for _i in range(months):
        starts.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return starts[::-1]


def _next_month(day: date) -> datetime:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


def deep_users_by_month(
    user: User, months: int = 12, now: datetime | None = None
) -> list[MonthCount]:
    """How many accounts ``user`` may see were deep users at the end of each of the last
    ``months`` months (the current month counts up to now)."""
    now = now or timezone.now()
    starts = _month_starts(months, now)
    ends = [min(_next_month(start), now) for start in starts]
    threshold = deep_user_threshold()
    rows = (
        scoped(DeploymentEvent, user)
        .filter(at__lt=ends[-1])
        .order_by("at", "pk")
        .values_list("at", "account_id", "deployment_key", "environment", "node_count")
    )
    nodes_of: dict[int, int] = {}  # deployment → production nodes now
    account_of: dict[int, int] = {}
    per_account: dict[int, int] = defaultdict(int)
    deep: set[int] = set()
    result: list[MonthCount] = []
    index = 0
    for at, account_id, key, environment, node_count in rows.iterator(chunk_size=5000):
        while index < len(ends) and at >= ends[index]:
            result.append(MonthCount(starts[index], len(deep)))
            index += 1
        production = node_count if environment == Environment.PRODUCTION else 0
        per_account[account_id] += production - nodes_of.get(key, 0)
        nodes_of[key] = production
        account_of[key] = account_id
        if per_account[account_id] >= threshold:
            deep.add(account_id)
        else:
            deep.discard(account_id)
    while index < len(ends):
        result.append(MonthCount(starts[index], len(deep)))
        index += 1
    return result


def yearly_growth(series: list[MonthCount]) -> float | None:
    """Deep users now ÷ twelve months earlier (None without a year of non-zero history)."""
    if len(series) < 13 or series[-13].count == 0:
        return None
    return series[-1].count / series[-13].count
