"""Dashboard panels of the ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from beachhead.commitments import services
from beachhead.commitments.models import Commitment, State
from beachhead.savedviews import filters
from beachhead.savedviews.filters import Condition

if TYPE_CHECKING:
    from datetime import datetime

    from beachhead.core.models import User

TRUST_DAYS = 30
SPARK_WEEKS = 12
#: The sparkline's box (SVG user units): wide and low, as a line of text.
SPARK_WIDTH, SPARK_HEIGHT = 96, 24


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


def decided_url(since: datetime, states=services.DECIDED, market: str = "") -> str:
    """The commitments list behind a trust figure: promises in ``states`` due since ``since``
    (in one market, or every market the user sees)."""
    conditions = [
        Condition("state", "in", [str(s) for s in states]),
        Condition("due_at", "gte", timezone.localdate(since).isoformat()),
    ]
    if market:
        conditions.append(Condition("market__code", "in", [market]))
    query = urlencode([("f", filters.encode(c)) for c in conditions])
    return f"{reverse('savedviews:list', args=['commitments'])}?{query}"


def sparkline(rates: list[float | None]) -> str:
    """SVG polyline points for weekly shares (0–1); weeks without figures are skipped."""
    if len(rates) < 2:
        return ""
    step = SPARK_WIDTH / (len(rates) - 1)
    points = [
        f"{i * step:.1f},{(SPARK_HEIGHT - 2) - rate * (SPARK_HEIGHT - 4):.1f}"
        for i, rate in enumerate(rates)
        if rate is not None
    ]
    return " ".join(points) if len(points) > 1 else ""


def trust(user: User) -> dict:
    period = services.Period.last_days(TRUST_DAYS)
    summary = services.trust_summary(user, period)
    since = period.start
    links: dict[str, Any] = {
        "all": decided_url(since),
        "kept": decided_url(since, (State.KEPT,)),
        "kept_late": decided_url(since, (State.KEPT_LATE,)),
        "broken": decided_url(since, (State.BROKEN,)),
        "at_risk": f"{reverse('commitments:list')}?health=at_risk",
    }
    markets = services.trust_by_market_weekly(user, SPARK_WEEKS)
    spark_since = services.weeks_ending(None, SPARK_WEEKS)[0]
    for market in markets:
        market["spark"] = sparkline(market["weekly"])
        market["url"] = decided_url(spark_since, market=market["key"])
    return {
        "trust": summary,
        "trust_links": links,
        "trust_markets": markets,
        "spark_weeks": SPARK_WEEKS,
        "spark_box": f"0 0 {SPARK_WIDTH} {SPARK_HEIGHT}",
    }
