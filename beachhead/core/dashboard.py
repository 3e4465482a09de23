"""Panels of the home dashboard. A pillar registers a panel (a template and a function that
builds its context for a user); the home page renders those the user may see, in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from beachhead.core.roles import can

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


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.key] = panel


def panels_for(user: User) -> list[dict]:
    result = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        if panel.operation and not can(user, panel.operation):
            continue
        result.append({"template": panel.template, "width": panel.width, **panel.context(user)})
    return result
