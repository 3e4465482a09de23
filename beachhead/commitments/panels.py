"""Dashboard panels of the ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from beachhead.commitments import services
from beachhead.commitments.models import Commitment, State

if TYPE_CHECKING:
    from beachhead.core.models import User


def mine(user: User) -> dict:
    now = timezone.now()
    rows = list(
        Commitment.objects.filter(owner=user, state=State.OPEN)
        .select_related("market")
        .order_by("due_at")[:8]
    )
    for row in rows:
        row.health_now = row.health(now)
    return {"commitments": rows, "now": now}


def trust(user: User) -> dict:
    return {"trust": services.trust_summary(user, services.Period.last_days(30))}
