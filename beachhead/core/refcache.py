"""Small reference tables kept in memory: markets, SLA policies, the shift roster, teams.

Every new ticket asks which market it belongs to, which SLA policy applies, who is on shift and
which team holds it: a few hundred rows at most that change when an admin edits them, read on
every ticket (an e-mail ingest at 200 mails/s would read them 800 times a second).
``RefCache`` loads such a table whole and keeps it per process:

- for ``ttl`` seconds at most (another process, a web worker or the task worker, may have
  changed the rows meanwhile);
- until a watched model is saved or deleted in this process (signals), and then not again
  while the transaction that wrote it is open: a rollback would otherwise leave the cache
  describing rows that never existed (the rule ``markets.services`` follows for calendars).

Django's cache framework would do for the values but not for the model instances we keep (a
round-trip to Redis and unpickling costs what the query costs); ``functools.lru_cache`` has no
expiry and no invalidation. Values are shared: callers must not change them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

_registry: list[RefCache] = []
_lock = threading.RLock()
# Per thread: the outermost atomic block of a transaction that wrote a watched model.
_writes = threading.local()


def clear_all() -> None:
    """Forget every cached table (tests call this between cases)."""
    for cache in list(_registry):
        cache.clear()
    _writes.blocks = {}


def _dirty(cache: RefCache) -> bool:
    blocks = getattr(_writes, "blocks", None) or {}
    block = blocks.get(id(cache))
    if block is None:
        return False
    atomic = getattr(connections[DEFAULT_DB_ALIAS], "atomic_blocks", [])
    if atomic and atomic[0] is block:
        return True
    blocks.pop(id(cache), None)  # that transaction has ended, committed or rolled back
    cache.clear()
    return False


class RefCache(Generic[T]):
    """``load()``'s result, kept for ``ttl`` seconds and until a ``watch`` model changes."""

    def __init__(self, name: str, load: Callable[[], T], *, watch: tuple[str, ...], ttl=30.0):
        self.name = name
        self._load = load
        self._watch = watch  # "app_label.Model" (or "app_label.Model.field" for a many-to-many)
        self._ttl = ttl
        self._value: tuple[float, T] | None = None
        self._connected = False
        _registry.append(self)

    def _connect(self) -> None:
        from django.apps import apps

        for label in self._watch:
            app_label, model_name, *field = label.split(".")
            model = apps.get_model(app_label, model_name)
            uid = f"refcache:{self.name}:{id(self)}:{label}"
            if field:
                through = model._meta.get_field(field[0]).remote_field.through
                m2m_changed.connect(self._written, sender=through, dispatch_uid=uid, weak=False)
            else:
                post_save.connect(self._written, sender=model, dispatch_uid=uid, weak=False)
                post_delete.connect(self._written, sender=model, dispatch_uid=uid, weak=False)
        self._connected = True

    def _written(self, sender, **kwargs: Any) -> None:
        self.clear()
        connection = connections[kwargs.get("using") or DEFAULT_DB_ALIAS]
        if connection.in_atomic_block and connection.atomic_blocks:
            if not hasattr(_writes, "blocks"):
                _writes.blocks = {}
            _writes.blocks[id(self)] = connection.atomic_blocks[0]
            transaction.on_commit(self.clear, using=connection.alias)

    def get(self) -> T:
        if not self._connected:
            with _lock:
                if not self._connected:
                    self._connect()
        now = time.monotonic()
        cached = self._value
        if cached is not None and now - cached[0] < self._ttl and not _dirty(self):
            return cached[1]
        value = self._load()
        if not _dirty(self):
            self._value = (now, value)
        return value

    def clear(self) -> None:
        self._value = None
