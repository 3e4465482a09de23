"""Filters of the commitment list, shared by the page and the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from beachhead.commitments import kinds
from beachhead.commitments.models import State

if TYPE_CHECKING:
    from beachhead.core.models import User

HEALTH_FILTERS = ("at_risk", "overdue", "paused")


def apply(qs: QuerySet, params, user: User) -> QuerySet:
    """Narrow ``qs`` by the query parameters state, kind, market, owner, health, q."""
    state = params.get("state", "")
    if state in State.values:
        qs = qs.filter(state=state)
    kind = params.get("kind", "")
    if kind and kinds.is_known(kind):
        qs = qs.filter(kind=kind)
    market = (params.get("market") or "").upper()
    if len(market) == 2:
        qs = qs.filter(market__code=market)
    owner = params.get("owner", "")
    if owner == "me":
        qs = qs.filter(owner=user)
    elif owner.isdigit():
        qs = qs.filter(owner_id=int(owner))
    health = params.get("health", "")
    now = timezone.now()
    if health == "at_risk":
        qs = qs.filter(state=State.OPEN, paused_at__isnull=True, warn_at__lte=now, due_at__gt=now)
    elif health == "overdue":
        qs = qs.filter(state=State.OPEN, paused_at__isnull=True, due_at__lte=now)
    elif health == "paused":
        qs = qs.filter(state=State.OPEN, paused_at__isnull=False)
    text = (params.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(title__icontains=text)
            | Q(subject_label__icontains=text)
            | Q(customer_label__icontains=text)
        )
    return qs
