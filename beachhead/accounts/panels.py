"""The dashboard panel of the accounts pillar: strategic accounts and deep users."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import cache

from beachhead.accounts.models import Account, strategic_q
from beachhead.accounts.services import deployments
from beachhead.accounts.services.ltv import strategic_bar
from beachhead.core.access import scoped

if TYPE_CHECKING:
    from beachhead.core.models import User

#: The deep-user history replays every deployment change in scope; a dashboard may show it a
#: few minutes old.
SERIES_SECONDS = 300


def strategic_and_deep(user: User) -> dict:
    accounts = scoped(Account, user)
    bar = strategic_bar()
    strategic = accounts.filter(strategic_q())
    top = list(strategic.select_related("market").order_by("-annual_value", "pk")[:5])
    key = f"accounts:deep-series:{user.pk}"
    series = cache.get(key)
    if series is None:
        series = [
            (m.month.isoformat()[:7], m.count) for m in deployments.deep_users_by_month(user, 13)
        ]
        cache.set(key, series, SERIES_SECONDS)
    now = series[-1][1] if series else 0
    year_ago = series[0][1] if len(series) >= 13 else 0
    return {
        "strategic_count": strategic.count(),
        "strategic_top": top,
        "strategic_bar": bar,
        "deep_count": deployments.deep_users(accounts).count(),
        "deep_series": series,
        "deep_growth": (now / year_ago) if year_ago else None,
        "deep_user_nodes": deployments.deep_user_threshold(),
    }
