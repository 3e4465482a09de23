"""The home dashboard panel of markets: the user's markets, their local time and status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from beachhead.core.access import scoped
from beachhead.markets import services
from beachhead.markets.models import Market

if TYPE_CHECKING:
    from beachhead.core.models import User

#: A global role sees every market; the panel shows the first ones and links to the rest.
PANEL_LIMIT = 8


def my_markets(user: User) -> dict:
    """Context of ``markets/panels/mine.html``."""
    markets = list(scoped(Market, user).order_by("code")[: PANEL_LIMIT + 1])
    now = timezone.now()
    rows = [(market, services.market_status(market, now)) for market in markets[:PANEL_LIMIT]]
    return {"market_rows": rows, "markets_more": len(markets) > PANEL_LIMIT, "markets_now": now}
