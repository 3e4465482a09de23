"""State machines: the allowed moves of a status field, declared next to its choices, and one
``transition()`` that makes a move the same way everywhere.

```python
TICKET_FLOW = Machine(
    "status",
    {Status.NEW: {Status.OPEN, ...}, Status.CLOSED: set()},
    event="support.ticket_status_changed",
)
ticket = transition(ticket, Status.SOLVED, actor=user, at=now, machine=TICKET_FLOW)
```

``transition`` locks the row (``SELECT … FOR UPDATE``; a caller that holds the lock already
says ``locked=True``), refuses a move the machine does not allow with ``IllegalTransition`` (a
``ValidationError`` whose message names both states in the reader's language), writes the new
state with any other fields of the same step in one UPDATE, and emits the machine's event
(``from``, ``to`` and the caller's data) through the outbox in the same transaction. Tickets
and the ledger use it; contracts, invoices, payments and data requests will.

Why not a library. We looked at the maintained ones:
- django-fsm-2 (4.x) declares transitions as decorated model methods on an ``FSMField``; it
  does not lock the row (its ``ConcurrentTransitionMixin`` is optimistic: a concurrent move
  fails at save time with an exception, after side effects ran), and its signals fire outside
  our outbox.
- viewflow's ``fsm`` is the same idea on a ``State`` descriptor, also without locking, and
  comes with the rest of viewflow.
- python-statemachine models one object in memory; persistence, locking and transactions are
  left to the caller.
Each would wrap our own lock-check-write-emit sequence rather than replace it, and the ledger's
sweep moves a thousand promises with one bulk UPDATE, which none of them can express. What we
need — a table of allowed moves, a row lock on every database, one UPDATE, an event in the same
transaction — is the sixty lines below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beachhead.core import events
from beachhead.core.models import User

M = TypeVar("M", bound=models.Model)


class IllegalTransition(ValidationError):
    """The machine does not allow this move."""


class Machine:
    """The moves allowed on ``field``: ``{from_state: {to_state, ...}}``; a state missing from
    the table (or mapped to an empty set) is final."""

    def __init__(
        self,
        field: str,
        moves: Mapping[str, Iterable[str]],
        *,
        event: str | Callable[[str, str], str] | None = None,
        customer: Callable[[Any], events.Ref] | None = None,
        market_code: Callable[[Any], str] | None = None,
    ) -> None:
        self.field = field
        self.moves = {str(k): frozenset(str(v) for v in vs) for k, vs in moves.items()}
        self.event = event
        self.customer = customer
        self.market_code = market_code

    def event_kind(self, before: str, after: str) -> str | None:
        """The kind of event a move emits (one kind, or one per move)."""
        return self.event(before, after) if callable(self.event) else self.event

    def sources(self, after: str) -> frozenset[str]:
        """The states from which ``after`` can be reached (bulk moves filter on them)."""
        return frozenset(k for k, vs in self.moves.items() if after in vs)

    def allows(self, before: str, after: str) -> bool:
        return after in self.moves.get(str(before), frozenset())

    def targets(self, before: str) -> frozenset[str]:
        return self.moves.get(str(before), frozenset())

    def check(self, obj: models.Model, after: str) -> None:
        before = getattr(obj, self.field)
        if not self.allows(before, after):
            raise IllegalTransition(
                _("%(model)s cannot go from “%(before)s” to “%(after)s”.")
                % {
                    "model": str(obj._meta.verbose_name).capitalize(),
                    "before": _label(obj, self.field, before),
                    "after": _label(obj, self.field, after),
                },
                code="illegal_transition",
            )


def _label(obj: models.Model, field: str, value: str) -> str:
    choices = dict(getattr(obj._meta.get_field(field), "flatchoices", ()))
    return str(choices.get(value, value))


def transition(
    obj: M,
    to: str,
    *,
    machine: Machine,
    actor: User | None = None,
    at: datetime | None = None,
    also: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    locked: bool = False,
) -> M:
    """Move ``obj`` to state ``to``: lock, check, write (with the ``also`` fields), emit.
    Returns the row as written (the locked copy unless ``locked``)."""
    at = at or timezone.now()
    with transaction.atomic():
        if not locked:
            obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        machine.check(obj, to)
        before = getattr(obj, machine.field)
        setattr(obj, machine.field, to)
        fields = [machine.field]
        for name, value in (also or {}).items():
            setattr(obj, name, value)
            fields.append(name)
        obj.save(update_fields=fields)
        kind = machine.event_kind(str(before), str(to))
        if kind:
            events.emit(
                kind,
                subject=obj,
                actor=actor,
                customer=machine.customer(obj) if machine.customer else None,
                data={"from": str(before), "to": str(to), **(data or {})},
                at=at,
                market_code=machine.market_code(obj) if machine.market_code else "",
            )
    return obj
