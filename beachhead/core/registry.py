"""What the pillars register from their ``AppConfig.ready`` (sidebar entries, home-page panels):
entries by key, listed by ``(order, key)``, those naming an operation only to the users whose role
allows it (``core.roles.can``)."""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar

from beachhead.core.roles import can


class Registrable(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def order(self) -> int: ...
    @property
    def operation(self) -> str | None: ...


T = TypeVar("T", bound=Registrable)


class Registry(Generic[T]):
    def __init__(self) -> None:
        self._entries: dict[str, T] = {}

    def register(self, entry: T) -> None:
        """Add ``entry``, or replace the one registered under its key."""
        self._entries[entry.key] = entry

    def entries(self) -> list[T]:
        """Every entry, in order."""
        return sorted(self._entries.values(), key=lambda e: (e.order, e.key))

    def visible_to(self, user) -> list[T]:
        """The entries in order, without those whose operation ``user`` may not perform."""
        return [
            entry for entry in self.entries() if not entry.operation or can(user, entry.operation)
        ]
