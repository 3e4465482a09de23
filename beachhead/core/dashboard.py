"""Panels of the home dashboard and of other pages that gather figures from several pillars.

A pillar registers a panel (a template and a function that builds its context for a user) for
a ``place``: ``home`` (the dashboard) or ``trust`` (the Trust page, which the ledger owns but a
higher pillar may add a card to, as support adds the 15-minute promise). A page renders those
of its place that the user may see, in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from beachhead.core.registry import Registry

if TYPE_CHECKING:
    from beachhead.core.models import User


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[[User], dict]
    order: int = 100
    operation: str | None = None
    width: int = 6  # columns out of 12 on wide screens
    place: str = "home"  # the page that shows it: "home" or "trust"


_panels: Registry[Panel] = Registry()
register = _panels.register


def panels_for(user: User, place: str = "home") -> list[dict]:
    return [
        {"template": panel.template, "width": panel.width, **panel.context(user)}
        for panel in _panels.visible_to(user)
        if panel.place == place
    ]
