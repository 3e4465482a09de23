"""The sidebar: each pillar registers its entries when its app is ready, so adding a pillar never
edits the shell. Only entries whose operation the user may perform are shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from beachhead.core.roles import can

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from beachhead.core.models import User


@dataclass(frozen=True)
class NavItem:
    key: str
    label: StrOrPromise  # a lazy translation
    url_name: str
    icon: str  # a Tabler icon name, e.g. "world"
    order: int = 100
    operation: str | None = None


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def items_for(user: User) -> list[dict]:
    result = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.key)):
        if item.operation and not can(user, item.operation):
            continue
        result.append(
            {"key": item.key, "label": item.label, "url": reverse(item.url_name), "icon": item.icon}
        )
    return result
