"""The sidebar: each pillar registers its entries when its app is ready, so adding a pillar never
edits the shell. Only entries whose operation the user may perform are shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from beachhead.core.registry import Registry

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
    #: Shown only to users for whom this says yes (the Settings entry: who has a settings page).
    shown: Callable[[User], bool] | None = None
    # The saved-views lists (``/lists/<source>/``) that belong to this section: a list of
    # deals highlights "Deals" and is named by it, not by "Lists".
    sources: tuple[str, ...] = ()


_items: Registry[NavItem] = Registry()
register = _items.register


def items_for(user: User) -> list[dict]:
    return [
        {
            "key": item.key,
            "label": item.label,
            "url": reverse(item.url_name),
            "icon": item.icon,
            "sources": item.sources,
        }
        for item in _items.visible_to(user)
        if item.shown is None or item.shown(user)
    ]
