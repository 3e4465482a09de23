"""One stream of domain events, written through an outbox.

A service that changes something calls ``emit(kind, subject, actor, customer, data)`` inside
the transaction that makes the change: the ``Event`` row commits or rolls back with it, so
there is no event for a change that did not happen and no change without its event.

- **Kinds** are registered by the pillar that owns them (``register_kind`` from its
  ``AppConfig.ready``), with a version and the names of their payload's fields; ``emit``
  refuses an unknown kind or a payload with other fields.
- **Subscribers** are registered per pillar and channel (``subscribe``). An *inline*
  subscriber runs inside the emitting transaction (the in-app inbox: a row in the same
  database, exactly once with the change). A *queued* subscriber (e-mail; next, webhooks and
  chat) gets a ``Delivery`` row per event in the same transaction; the worker hands the event
  over after the commit, at least once, and the event's ``key`` is the idempotency key a
  consumer dedupes on. A temporary failure is retried with back-off, a permanent one (or too
  many tries) leaves the delivery *dead*, listed for admins at ``/outbox/``, where it can be
  tried again.

The ledger's ``CommitmentEvent`` and the deployments' ``DeploymentEvent`` stay their pillars'
own records; their services emit here too.

Why not a library: the outbox must share the caller's transaction on SQLite, PostgreSQL and
MySQL alike and be written in bulk by the sweep (a thousand breaches in one INSERT); the
maintained Django event-bus packages either publish after commit through a broker (Celery,
Kafka) or keep a per-process signal, which would lose events on a crash.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from beachhead.core.db import insert_rows
from beachhead.core.jobs import Tally, enqueue_on_commit
from beachhead.core.models import Delivery, Event, User

logger = logging.getLogger("beachhead.events")

#: A delivery is tried this many times before it is dead.
MAX_ATTEMPTS = 8
#: A worker that took a delivery and vanished gives it back after this long.
LEASE = timedelta(minutes=5)
DELIVER_JOB = "beachhead.core.tasks.deliver_events"


class UnknownEventKind(LookupError):
    pass


class PermanentError(Exception):
    """A delivery that will never succeed (a bad address, a removed endpoint): no retry."""


class TemporaryError(Exception):
    """A delivery that may succeed later (a server down, a rate limit): retried."""


@dataclass(frozen=True)
class EventKind:
    code: str  # "<pillar>.<what happened>", e.g. "support.ticket_status_changed"
    label: Any
    version: int = 1
    fields: frozenset[str] = frozenset()  # the payload's keys (any subset may be given)


@dataclass(frozen=True)
class Subscriber:
    name: str  # "<channel>" or "<pillar>.<channel>", unique; stored on deliveries
    kinds: frozenset[str]
    handle: Callable[[list[Event]], None]  # inline: a batch; queued: one event at a time
    queued: bool = False


_kinds: dict[str, EventKind] = {}
_subscribers: dict[str, Subscriber] = {}


def register_kind(code: str, label: Any, *, version: int = 1, fields: Iterable[str] = ()) -> None:
    _kinds[code] = EventKind(code, label, version, frozenset(fields))


def kind_of(code: str) -> EventKind:
    try:
        return _kinds[code]
    except KeyError:
        raise UnknownEventKind(code) from None


def kinds() -> list[EventKind]:
    return sorted(_kinds.values(), key=lambda k: k.code)


def subscribe(
    name: str,
    kinds: Iterable[str],
    handle: Callable[[list[Event]], None],
    *,
    queued: bool = False,
) -> None:
    """Run ``handle`` for every event of ``kinds``: inside the emitting transaction with a list
    of events, or (``queued``) in the worker with one event, at least once."""
    _subscribers[name] = Subscriber(name, frozenset(kinds), handle, queued)


def _listeners(code: str) -> list[Subscriber]:
    return [s for s in _subscribers.values() if code in s.kinds]


# --- Emitting ---------------------------------------------------------------------------------


#: A record an event is about: an instance, or ("app.Model", pk).
Ref = models.Model | tuple[str | type[models.Model], Any] | None


@dataclass
class Pending:
    """An event about to be written (``emit_many`` takes these; ``emit`` builds one from
    model instances, bulk writers fill the ids directly)."""

    subject_type_id: int | None = None
    subject_id: str = ""
    subject_label: str = ""
    customer_type_id: int | None = None
    customer_id: str = ""
    actor_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None
    market_code: str = ""


def type_id(obj: models.Model | type[models.Model] | str | None) -> int | None:
    """The content type id of a model, an instance or an "app.Model" label (cached)."""
    if obj is None:
        return None
    if isinstance(obj, str):
        obj = apps.get_model(obj)
    return ContentType.objects.get_for_model(obj).pk


def _ref(obj: Ref) -> tuple[int | None, str]:
    """(content type id, id) of a record, given as an instance or as ("app.Model", pk) so that
    a caller holding only a foreign key's id need not load the row."""
    if obj is None:
        return None, ""
    if isinstance(obj, tuple):
        model, pk = obj
        return type_id(model), str(pk)
    return type_id(obj), str(obj.pk)


def _checked(spec: EventKind, data: dict[str, Any]) -> dict[str, Any]:
    extra = set(data) - spec.fields
    if extra:
        raise ValueError(f"{spec.code} has no field(s) {sorted(extra)}")
    return data


def emit(
    kind: str,
    subject: Ref = None,
    actor: User | None = None,
    customer: Ref = None,
    data: dict[str, Any] | None = None,
    *,
    at: datetime | None = None,
    market_code: str = "",
    subject_label: str = "",
) -> Event:
    """Record that ``kind`` happened to ``subject`` (by ``actor``, for ``customer``) in the
    current transaction, and hand it to the subscribers of its kind."""
    if not subject_label and isinstance(subject, models.Model):
        subject_label = str(subject)
    # In the order of Pending's fields: subject (type, id, label), customer (type, id), actor.
    ids = (*_ref(subject), subject_label, *_ref(customer), None if actor is None else actor.pk)
    pending = Pending(*ids, data=data or {}, at=at, market_code=market_code)
    return emit_many(kind, [pending])[0]


_COLUMNS = (
    "actor_id",
    "subject_type_id",
    "subject_id",
    "subject_label",
    "customer_type_id",
    "customer_id",
    "market_code",
)


def emit_many(kind: str, items: Sequence[Pending]) -> list[Event]:
    """``emit`` for many events of one kind: one INSERT for the events, one per subscriber
    kind for what they write (the sweep records a thousand breaches at once)."""
    if not items:
        return []
    spec = kind_of(kind)
    now = timezone.now()
    events = [
        Event(
            key=uuid.uuid4(),
            kind=spec.code,
            version=spec.version,
            at=item.at or now,
            data=_checked(spec, item.data),
            # The pending event's other fields are the row's columns, one for one.
            **{name: getattr(item, name) for name in _COLUMNS},
        )
        for item in items
    ]
    for event in events:
        event.subject_label = event.subject_label[:200]
    listeners = _listeners(spec.code)
    with transaction.atomic(savepoint=False):
        _store(events, with_ids=bool(listeners))
        for listener in listeners:
            if not listener.queued:
                listener.handle(events)
        queued = [s.name for s in listeners if s.queued]
        if queued:
            insert_rows(
                Delivery,
                ("event_id", "subscriber", "state", "attempts", "next_attempt_at", "last_error"),
                [
                    (e.pk, name, Delivery.State.PENDING, 0, now, "")
                    for e in events
                    for name in queued
                ],
            )
            enqueue_on_commit(DELIVER_JOB)
    return events


def _store(events: list[Event], *, with_ids: bool) -> None:
    """One INSERT; the ids are read back only where a subscriber needs them (from the INSERT
    itself where the database returns them, by key elsewhere: MySQL, TiDB)."""
    if len(events) == 1:
        events[0].save(force_insert=True)
        return
    if with_ids and connection.features.can_return_rows_from_bulk_insert:
        Event.objects.bulk_create(events)
        return
    fields = ("key", "kind", "version", "at", "data", *_COLUMNS)
    insert_rows(Event, fields, [tuple(getattr(e, f) for f in fields) for e in events])
    if with_ids:
        ids = dict(Event.objects.filter(key__in=[e.key for e in events]).values_list("key", "pk"))
        for event in events:
            event.pk = ids[event.key]
            event._state.adding = False


# --- Reading ----------------------------------------------------------------------------------


def about(obj: models.Model) -> Q:
    """Events whose subject is ``obj``."""
    return Q(subject_type_id=type_id(obj), subject_id=str(obj.pk))


def for_customer(customer: models.Model) -> Q:
    return Q(customer_type_id=type_id(customer), customer_id=str(customer.pk))


# --- Delivering (the worker) ------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at 2 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 7200))


def _claim(now: datetime, limit: int) -> list[int]:
    """Take up to ``limit`` due deliveries (and ones whose worker's lease ran out) for this
    worker: another worker skips them (PostgreSQL, MariaDB) or waits (SQLite)."""
    due = Q(state__in=(Delivery.State.PENDING, Delivery.State.RETRY), next_attempt_at__lte=now) | Q(
        state=Delivery.State.RUNNING, lease_until__lt=now
    )
    with transaction.atomic():
        qs = Delivery.objects.filter(due).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.values_list("pk", flat=True)[:limit])
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                state=Delivery.State.RUNNING,
                lease_until=now + LEASE,
                attempts=models.F("attempts") + 1,
            )
    return ids


@dataclass
class DeliveryReport(Tally):
    done: int = 0
    retried: int = 0
    dead: int = 0


def deliver(now: datetime | None = None, limit: int = 200) -> DeliveryReport:
    """Hand due events to their queued subscribers (the worker runs this after every commit
    that queued deliveries, and every minute for retries)."""
    now = now or timezone.now()
    report = DeliveryReport()
    ids = _claim(now, limit)
    for delivery in Delivery.objects.filter(pk__in=ids).select_related("event").order_by("pk"):
        _deliver_one(delivery, now, report)
    if ids:
        logger.info("deliveries: %s", report.as_dict())
    return report


def _deliver_one(delivery: Delivery, now: datetime, report: DeliveryReport) -> None:
    target = _subscribers.get(delivery.subscriber)
    try:
        if target is None:
            raise PermanentError(f"No subscriber called {delivery.subscriber}.")
        target.handle([delivery.event])
    except PermanentError as exc:
        _finish(delivery, Delivery.State.DEAD, error=exc)
        report.dead += 1
    except Exception as exc:  # a subscriber's failure must not stop the others
        logger.warning("delivery %s failed: %s", delivery.pk, exc)
        if delivery.attempts >= MAX_ATTEMPTS:
            _finish(delivery, Delivery.State.DEAD, error=exc)
            report.dead += 1
        else:
            _finish(
                delivery, Delivery.State.RETRY, error=exc, retry_at=now + backoff(delivery.attempts)
            )
            report.retried += 1
    else:
        _finish(delivery, Delivery.State.DONE, delivered_at=timezone.now())
        report.done += 1


def _finish(
    delivery: Delivery,
    state: str,
    *,
    error: Exception | None = None,
    retry_at: datetime | None = None,
    delivered_at: datetime | None = None,
) -> None:
    changes: dict[str, Any] = {"state": state, "lease_until": None}
    if error is not None:
        changes["last_error"] = f"{type(error).__name__}: {error}"[:2000]
    if retry_at is not None:
        changes["next_attempt_at"] = retry_at
    if delivered_at is not None:
        changes["delivered_at"] = delivered_at
    # Only while this worker still holds it (a lease that ran out may have been taken over).
    Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.RUNNING).update(**changes)


def do_retry(deliveries: Iterable[Delivery], actor: User | None = None) -> int:
    """An admin tries dead (or waiting) deliveries again now, with a fresh count of tries."""
    ids = [d.pk for d in deliveries]
    count = (
        Delivery.objects.filter(pk__in=ids)
        .exclude(state__in=(Delivery.State.DONE, Delivery.State.RUNNING))
        .update(
            state=Delivery.State.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            lease_until=None,
        )
    )
    if count:
        enqueue_on_commit(DELIVER_JOB)
    return count


def outbox_counts() -> dict[str, int]:
    """Deliveries by state (the admins' outbox page and /healthz-style checks)."""
    rows = Delivery.objects.order_by().values_list("state").annotate(n=models.Count("pk"))
    counts = dict.fromkeys(Delivery.State.values, 0)
    counts.update(dict(rows))
    return counts
