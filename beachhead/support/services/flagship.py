"""The flagship promise: urgent incidents of strategic accounts get a first human reply within
15 minutes, around the clock.

The figure is read from the ledger: the ``first_reply`` commitments of 15 minutes made about
urgent tickets of strategic-tier accounts whose clock started in the window and whose fate is
decided (kept on time, kept late or broken). Per market and overall: how many were kept on
time out of how many, and the median minutes from the clock's start to the ticket's first
reply (only tickets that have one). The support desk owns tickets and priorities and the
accounts pillar owns the tier, so the figure lives here and is shown on Home and on the Trust
page as a panel registered from ``SupportConfig.ready``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from beachhead.accounts.models import Tier
from beachhead.commitments.models import Commitment, State
from beachhead.core.access import scoped
from beachhead.core.db import is_id
from beachhead.markets.models import Market
from beachhead.savedviews import filters
from beachhead.savedviews.filters import Condition
from beachhead.support.models import Priority, Ticket

TARGET_MINUTES = 15
WINDOW_DAYS = 90
DECIDED = (State.KEPT, State.KEPT_LATE, State.BROKEN)


@dataclass
class Tally:
    """Kept on time out of the decided promises, and the median minutes to a first reply."""

    code: str = ""  # the market's code; "" for the overall figure
    name: str = ""
    kept: int = 0
    kept_late: int = 0
    broken: int = 0
    minutes: list[float] = field(default_factory=list, repr=False)
    url: str = ""

    @property
    def total(self) -> int:
        return self.kept + self.kept_late + self.broken

    @property
    def on_time_rate(self) -> float | None:
        return round(self.kept / self.total, 4) if self.total else None

    @property
    def median_minutes(self) -> float | None:
        return round(median(self.minutes), 1) if self.minutes else None

    def add(self, state: str, minutes: float | None) -> None:
        if state == State.KEPT:
            self.kept += 1
        elif state == State.KEPT_LATE:
            self.kept_late += 1
        else:
            self.broken += 1
        if minutes is not None:
            self.minutes.append(minutes)

    def as_dict(self) -> dict:
        return {
            "market": self.code or None,
            "name": self.name,
            "kept": self.kept,
            "kept_late": self.kept_late,
            "broken": self.broken,
            "total": self.total,
            "on_time_rate": self.on_time_rate,
            "median_minutes": self.median_minutes,
            "url": self.url,
        }


@dataclass
class Flagship:
    start: datetime
    end: datetime
    overall: Tally
    markets: list[Tally]

    def as_dict(self) -> dict:
        return {
            "target_minutes": TARGET_MINUTES,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "overall": self.overall.as_dict(),
            "markets": [m.as_dict() for m in self.markets],
        }


def promises(user, start: datetime, end: datetime) -> list[tuple]:
    """The flagship promises the user may see whose clock started in [start, end), decided:
    (market code, state, clock start, first reply, resolved at) each. Two queries: the 15-minute
    first replies about tickets, then which of those tickets are urgent ones of strategic
    accounts, with their first reply (no join on the generic subject, whose id is text)."""
    rows = list(
        scoped(Commitment, user)
        .filter(
            kind="first_reply",
            target_seconds=TARGET_MINUTES * 60,
            subject_type=ContentType.objects.get_for_model(Ticket),
            started_at__gte=start,
            started_at__lt=end,
            state__in=DECIDED,
        )
        .values_list("subject_id", "market__code", "state", "started_at", "resolved_at")
    )
    ids = {int(row[0]) for row in rows if is_id(row[0])}
    replies = dict(
        Ticket.objects.filter(
            pk__in=ids, priority=Priority.URGENT, account__tier=Tier.STRATEGIC
        ).values_list("pk", "first_replied_at")
    )
    return [
        (code, state, started, replies[int(subject)], resolved)
        for subject, code, state, started, resolved in rows
        if is_id(subject) and int(subject) in replies
    ]


def tickets_url(start: datetime, code: str = "") -> str:
    """The ticket list behind a figure: urgent tickets of strategic accounts opened since the
    window's first day (in one market, or all the user sees)."""
    conditions = [
        Condition("priority", "in", [Priority.URGENT.value]),
        Condition("account__tier", "in", [Tier.STRATEGIC.value]),
        Condition("created_at", "gte", timezone.localdate(start).isoformat()),
    ]
    if code:
        conditions.append(Condition("market__code", "in", [code]))
    query = urlencode([("f", filters.encode(c)) for c in conditions])
    return f"{reverse('savedviews:list', args=['tickets'])}?{query}"


def _minutes(
    started: datetime, replied: datetime | None, resolved: datetime | None
) -> float | None:
    at = replied or resolved
    if at is None or at < started:
        return None
    return (at - started).total_seconds() / 60


def fifteen_minutes(user, *, now: datetime | None = None, days: int = WINDOW_DAYS) -> Flagship:
    """The flagship figure over the last ``days`` days, overall and per market (the markets
    with the most such promises first)."""
    end = now or timezone.now()
    start = end - timedelta(days=days)
    overall = Tally(url=tickets_url(start))
    by_market: dict[str, Tally] = {}
    for code, state, started, replied, resolved in promises(user, start, end):
        minutes = _minutes(started, replied, resolved)
        overall.add(state, minutes)
        if code:
            tally = by_market.setdefault(code, Tally(code=code, url=tickets_url(start, code)))
            tally.add(state, minutes)
    names = {m.code: m.name for m in Market.objects.filter(code__in=list(by_market))}
    for code, tally in by_market.items():
        tally.name = names.get(code, code)
    markets = sorted(by_market.values(), key=lambda t: (-t.total, t.code))
    return Flagship(start, end, overall, markets)
