"""The Settings hub: each pillar registers the settings pages it owns from its
``AppConfig.ready`` (SLA policies and shifts from support, deal stages from accounts, playbooks
from markets, people and teams from the core), so the hub never names a pillar. A page is listed
only to the users whose role allows its operation (``core.roles.can``); the page itself checks
the same operation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from beachhead.core.registry import Registry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class SettingsPage:
    key: str
    label: StrOrPromise  # a lazy translation
    description: StrOrPromise  # one line under the label on the hub, lazy too
    url_name: str
    icon: str  # a Tabler icon name
    group: StrOrPromise  # the hub's section heading ("Support desk", "People", …), lazy
    order: int = 100
    operation: str | None = None


_pages: Registry[SettingsPage] = Registry()
register = _pages.register
pages_for = _pages.visible_to


def has_pages(user) -> bool:
    """True when ``user`` has at least one settings page (the sidebar then shows Settings)."""
    return bool(pages_for(user))


def groups_for(user) -> list[tuple[str, list[SettingsPage]]]:
    """The pages ``user`` may open, by group: groups in the order of their first page."""
    groups: dict[str, list[SettingsPage]] = {}
    for page in pages_for(user):
        groups.setdefault(str(page.group), []).append(page)
    return list(groups.items())
