"""The support desk's panel on Home and on the Trust page: the 15-minute promise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from beachhead.support.services import flagship

if TYPE_CHECKING:
    from beachhead.core.models import User


def fifteen_minutes(user: User) -> dict:
    """Context of ``support/panels/flagship.html``."""
    return {"flagship": flagship.fifteen_minutes(user), "flagship_days": flagship.WINDOW_DAYS}
