"""The named-account plan: per market, target accounts each assigned to one account executive.

An account is on the plan when ``named`` is set; it is assigned when it has an ``owner``.
Coverage counts, per market and per account executive: named accounts, assigned, contacted
(past the target stage), in pilot, won (customers). One grouped query each.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from beachhead.accounts.models import Account, Lifecycle
from beachhead.core.access import scoped
from beachhead.core.models import User

CONTACTED = (Lifecycle.PROSPECT, Lifecycle.PILOT, Lifecycle.CUSTOMER, Lifecycle.CHURNED)


@dataclass
class Coverage:
    key: str
    label: str
    named: int = 0
    assigned: int = 0
    contacted: int = 0
    pilot: int = 0
    won: int = 0

    @property
    def contacted_rate(self) -> float:
        return self.contacted / self.named if self.named else 0.0

    @property
    def won_rate(self) -> float:
        return self.won / self.named if self.named else 0.0

    @property
    def contacted_only(self) -> int:
        """Contacted, not (yet) in pilot or won: the third segment of a coverage bar."""
        return max(0, self.contacted - self.pilot - self.won)

    @property
    def unassigned(self) -> int:
        return self.named - self.assigned


_COUNTS = {
    "named": Count("pk"),
    "assigned": Count("pk", filter=Q(owner__isnull=False)),
    "contacted": Count("pk", filter=Q(lifecycle__in=CONTACTED)),
    "pilot": Count("pk", filter=Q(lifecycle=Lifecycle.PILOT)),
    "won": Count("pk", filter=Q(lifecycle=Lifecycle.CUSTOMER)),
}


def plan_accounts(user: User):
    """The named accounts ``user`` may see."""
    return scoped(Account, user).filter(named=True)


def coverage_by_market(user: User) -> list[Coverage]:
    from beachhead.markets.models import Market

    rows = plan_accounts(user).values("market__code").annotate(**_COUNTS).order_by("market__code")
    names = {m.code: m.name for m in Market.objects.all()}
    return [
        Coverage(row["market__code"], f"{names.get(row['market__code'], '')}", **_pick(row))
        for row in rows
    ]


def coverage_by_person(user: User) -> list[Coverage]:
    rows = (
        plan_accounts(user)
        .filter(owner__isnull=False)
        .values("owner", "owner__username", "owner__first_name", "owner__last_name")
        .annotate(**_COUNTS)
        .order_by("-named", "owner__username")
    )
    result = []
    for row in rows:
        name = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
        result.append(Coverage(str(row["owner"]), name or row["owner__username"], **_pick(row)))
    return result


def total(rows: list[Coverage]) -> Coverage:
    result = Coverage("total", "")
    for row in rows:
        for name in _COUNTS:
            setattr(result, name, getattr(result, name) + getattr(row, name))
    return result


def _pick(row: dict) -> dict:
    return {name: row[name] for name in _COUNTS}
