"""Services of the commitment ledger: create, pause, resume, keep, cancel, sweep, trust.

Only these functions write commitments. Every change is an explicit ``CommitmentEvent`` row.

Outcomes do not depend on when the worker runs: a promise whose due time passes while it is
open is broken *at its due time* (``broken_at == due_at``), whether the sweep saw it at that
second or caught up after a restart; one fulfilled after its due time is ``kept_late`` with the
same ``broken_at``, whether or not the sweep marked it broken first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from beachhead.commitments import events as ledger_events
from beachhead.commitments import kinds
from beachhead.commitments.models import FLOW, Commitment, CommitmentEvent, State
from beachhead.core import events
from beachhead.core.access import scoped
from beachhead.core.db import insert_rows
from beachhead.core.jobs import Tally
from beachhead.core.models import Team, User
from beachhead.core.states import transition
from beachhead.markets.calendar import BusinessCalendar
from beachhead.markets.models import Market

logger = logging.getLogger("beachhead.commitments")

#: Share of the target after which the owner is warned, and the team manager alerted.
WARN_RATIO = 0.75
ESCALATE_RATIO = 0.9
SWEEP_BATCH = 5000


def calendar_for(key: str) -> BusinessCalendar:
    """The business calendar a key names ("24x7", "market:JP", "coverage:JP,DE,US")."""
    from beachhead.markets.services import calendar_for as resolve

    try:
        return resolve(key)
    except (ValueError, LookupError) as exc:
        raise ValidationError(
            _("Unknown calendar “%(key)s”: %(error)s") % {"key": key, "error": exc}
        ) from exc


def _now(at: datetime | None) -> datetime:
    value = at or timezone.now()
    if timezone.is_naive(value):
        raise ValidationError(_("Times must carry a time zone."))
    return value


def _pending(
    commitment: Commitment, at: datetime, actor_id: int | None, data: dict[str, Any]
) -> events.Pending:
    """The stream's copy of a ledger event: about the promise, for its customer, in its market."""
    from beachhead.markets.services import market_code_of

    return events.Pending(
        subject_type_id=events.type_id(Commitment),
        subject_id=str(commitment.pk),
        subject_label=event_label(
            commitment.typed_title, commitment.subject_label or commitment.customer_label
        ),
        customer_type_id=commitment.customer_type_id,
        customer_id=commitment.customer_id,
        actor_id=actor_id,
        data=data,
        at=at,
        market_code=market_code_of(commitment.market_id) or "",
    )


def event_label(typed_title: str, about: str) -> str:
    """The stream's label of a promise: words people wrote (its description, else what it is
    about: its subject or customer label), never words generated in one reader's language
    (readers word the rest: ``Commitment.title``, ``commitments.events``)."""
    return (typed_title or about)[:200]


def _event(
    commitment: Commitment, kind: str, at: datetime, actor: User | None = None, **data: Any
) -> None:
    """The ledger's own record of what happened, and the same fact on the event stream."""
    CommitmentEvent.objects.create(commitment=commitment, kind=kind, at=at, actor=actor, data=data)
    events.emit_many(
        ledger_events.kind(kind),
        [_pending(commitment, at, actor.pk if actor is not None else None, data)],
    )


def prepare_commitment(
    *,
    kind: str,
    calendar: str,
    target: timedelta,
    owner: User | None = None,
    team: Team | None = None,
    start: datetime | None = None,
    title: str = "",
    subject: models.Model | None = None,
    subject_label: str = "",
    customer: models.Model | None = None,
    customer_label: str = "",
    market: Market | None = None,
) -> Commitment:
    """A promise checked and timed but not saved yet: its due, warning and escalation times are
    computed on ``calendar``. ``subject`` may still be unsaved (its id is taken when the
    commitment is stored by ``do_create_commitments``). ``title`` is what a person typed; leave
    it empty for a promise a pillar makes (a ticket's first reply): its title is then worded
    from ``kind`` and ``subject_label`` (which should not depend on a language, e.g. "#1108
    VPN down") in each reader's language."""
    if not kinds.is_known(kind):
        raise ValidationError(_("Unknown kind of commitment “%(kind)s”.") % {"kind": kind})
    if owner is None and team is None:
        raise ValidationError(_("A commitment needs an owner or a team."))
    if target <= timedelta(0):
        raise ValidationError(_("The target must be longer than zero."))
    if target > timedelta(days=3650):
        raise ValidationError(_("The target must be shorter than ten years."))
    start = _now(start)
    cal = calendar_for(calendar)
    due = cal.add(start, target)
    warn = cal.add(start, target * WARN_RATIO)
    escalate = cal.add(start, target * ESCALATE_RATIO)
    if subject is not None:
        subject_label = subject_label or str(subject)[:200]
    if customer is not None:
        customer_label = customer_label or str(customer)[:200]
    commitment = Commitment(
        kind=kind,
        # Only typed words are stored: without them, ``title`` words the promise from its kind
        # and subject in the language of whoever reads it.
        title=title.strip()[:300],
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=str(subject.pk) if subject is not None and subject.pk is not None else "",
        subject_label=subject_label,
        customer_type=ContentType.objects.get_for_model(customer) if customer is not None else None,
        customer_id=str(customer.pk) if customer is not None else "",
        customer_label=customer_label,
        market=market,
        owner=owner,
        team=team,
        calendar=calendar,
        started_at=start,
        target_seconds=int(target.total_seconds()),
        due_at=due,
        warn_at=warn,
        escalate_at=escalate,
    )
    # Read by do_create_commitments once the subject is saved.
    commitment._subject = subject  # type: ignore[attr-defined]
    return commitment


@transaction.atomic
def do_create_commitment(*, actor: User | None = None, **promise: Any) -> Commitment:
    """Record a promise (the arguments of ``prepare_commitment``)."""
    return do_create_commitments([prepare_commitment(**promise)], actor=actor)[0]


def do_create_commitments(
    commitments: list[Commitment], *, actor: User | None = None
) -> list[Commitment]:
    """Store prepared promises (``prepare_commitment``) and their "created" events: one INSERT
    for the promises and one for the events where the database returns the new ids of a
    multi-row INSERT (SQLite, PostgreSQL, MariaDB 10.5+), a row at a time elsewhere (MySQL,
    TiDB).

    The "created" event is the audit record of a new promise (who, when, due when): the
    ledger's own events are its audit trail, so django-auditlog, which records later changes
    to a promise's fields, writes no second entry for its creation (an e-mail that opens a
    ticket makes two or three promises; ingest must keep up with 200 mails a second)."""
    if not commitments:
        return []
    from auditlog.context import disable_auditlog

    with transaction.atomic(savepoint=False), disable_auditlog():
        for commitment in commitments:
            subject = getattr(commitment, "_subject", None)
            if subject is not None and not commitment.subject_id:
                if subject.pk is None:
                    raise ValueError("Save the subject of a promise before the promise.")
                commitment.subject_id = str(subject.pk)
        connection = transaction.get_connection()
        if len(commitments) > 1 and connection.features.can_return_rows_from_bulk_insert:
            Commitment.objects.bulk_create(commitments)
        else:
            for commitment in commitments:
                commitment.save()
        # Plain rows: nothing reads the event instances back.
        insert_rows(
            CommitmentEvent,
            ("commitment_id", "kind", "at", "actor_id", "data"),
            [
                (
                    commitment.pk,
                    CommitmentEvent.Kind.CREATED,
                    commitment.started_at,
                    actor.pk if actor is not None else None,
                    {"due_at": commitment.due_at.isoformat()},
                )
                for commitment in commitments
            ],
        )
        actor_id = actor.pk if actor is not None else None
        events.emit_many(
            ledger_events.kind(CommitmentEvent.Kind.CREATED),
            [
                _pending(c, c.started_at, actor_id, {"due_at": c.due_at.isoformat()})
                for c in commitments
            ],
        )
    return commitments


def _locked_at(commitment: Commitment, at: datetime | None) -> tuple[Commitment, datetime]:
    """The promise read again under a row lock, and the moment of the step (now by default)."""
    return _locked(commitment), _now(at)


def _locked(commitment: Commitment) -> Commitment:
    locked: Commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    return locked


def _overdue(commitment: Commitment, at: datetime) -> bool:
    """Open, running and past its due time at ``at``: broken, seen by the sweep or not."""
    return (
        commitment.state == State.OPEN and commitment.paused_at is None and at > commitment.due_at
    )


def _break_now(commitment: Commitment) -> Commitment:
    """Break a locked, overdue promise at its due time, exactly as the sweep does."""
    manager = (
        Team.objects.filter(pk=commitment.team_id).values_list("manager_id", flat=True).first()
        if commitment.team_id
        else None
    )
    commitment = transition(
        commitment,
        State.BROKEN,
        machine=FLOW,
        at=commitment.due_at,
        also={"broken_at": commitment.due_at, "updated_at": timezone.now()},
        locked=True,
    )
    row = _Row(
        commitment.pk,
        commitment.kind,
        commitment.typed_title,
        commitment.subject_label,
        commitment.customer_label,
        commitment.due_at,
        commitment.owner_id,
        manager,
        commitment.customer_type_id,
        commitment.customer_id,
        commitment.market_id,
    )
    _record([row], CommitmentEvent.Kind.BROKEN, None)
    return commitment


@transaction.atomic
def do_pause(
    commitment: Commitment, *, at: datetime | None = None, actor: User | None = None
) -> Commitment:
    """Stop the clock (e.g. while waiting on the customer)."""
    commitment, at = _locked_at(commitment, at)
    if commitment.state != State.OPEN or commitment.paused_at is not None:
        return commitment
    if at >= commitment.due_at:
        # Too late to pause: the promise broke at its due time.
        return commitment
    commitment.paused_at = at
    commitment.save(update_fields=["paused_at", "updated_at"])
    _event(commitment, CommitmentEvent.Kind.PAUSED, at, actor)
    return commitment


def _shift(
    cal: BusinessCalendar, paused_at: datetime, resume_at: datetime, point: datetime
) -> datetime:
    """Where ``point`` moves when the clock stood still from ``paused_at`` to ``resume_at``:
    the business time that was left before it is left again after resuming."""
    if point <= paused_at:
        return point
    return cal.add(resume_at, cal.elapsed(paused_at, point))


@transaction.atomic
def do_resume(
    commitment: Commitment, *, at: datetime | None = None, actor: User | None = None
) -> Commitment:
    """Start the clock again; due, warning and escalation times move by the paused time."""
    commitment, at = _locked_at(commitment, at)
    if commitment.state != State.OPEN or commitment.paused_at is None:
        return commitment
    cal = calendar_for(commitment.calendar)
    # The clock stands still from the pause, or from its start if it was paused before it ran.
    paused_at = max(commitment.paused_at, commitment.started_at)
    at = max(at, paused_at)
    paused_for = cal.elapsed(paused_at, at)
    commitment.due_at = _shift(cal, paused_at, at, commitment.due_at)
    commitment.warn_at = _shift(cal, paused_at, at, commitment.warn_at)
    commitment.escalate_at = _shift(cal, paused_at, at, commitment.escalate_at)
    commitment.paused_at = None
    commitment.save(update_fields=["due_at", "warn_at", "escalate_at", "paused_at", "updated_at"])
    _event(
        commitment,
        CommitmentEvent.Kind.RESUMED,
        at,
        actor,
        paused_business_seconds=int(paused_for.total_seconds()),
        due_at=commitment.due_at.isoformat(),
    )
    return commitment


@transaction.atomic
def do_keep(
    commitment: Commitment, *, at: datetime | None = None, actor: User | None = None
) -> Commitment:
    """The promise was fulfilled at ``at``: kept on time, or kept late after its due time."""
    at = _now(at)
    if commitment.paused_at is not None:
        commitment = do_resume(commitment, at=at, actor=actor)
    commitment = _locked(commitment)
    if commitment.state not in (State.OPEN, State.BROKEN):
        return commitment
    return _keep_locked(commitment, at, actor)


def _keep_locked(commitment: Commitment, at: datetime, actor: User | None) -> Commitment:
    also: dict[str, datetime] = {"resolved_at": at, "updated_at": timezone.now()}
    if at <= commitment.due_at and commitment.state == State.OPEN:
        to = State.KEPT
    else:
        to = State.KEPT_LATE
        also["broken_at"] = commitment.due_at
    commitment = transition(
        commitment, to, machine=FLOW, actor=actor, at=at, also=also, locked=True
    )
    _event(commitment, to, at, actor)
    return commitment


def keep_owed(
    subject: models.Model,
    kinds: tuple[str, ...] | list[str],
    *,
    at: datetime | None = None,
    actor: User | None = None,
) -> list[Commitment]:
    """Keep every promise of ``kinds`` still owed about ``subject`` (open ones on time or late
    as the clock says, broken ones late): one query finds and locks them all. Returns them."""
    at = _now(at)
    with transaction.atomic():
        owed = list(
            for_subject(subject)
            .filter(kind__in=kinds, state__in=(State.OPEN, State.BROKEN))
            .select_for_update()
            .order_by("due_at", "pk")
        )
        kept = []
        for commitment in owed:
            if commitment.paused_at is not None:
                commitment = do_resume(commitment, at=at, actor=actor)
            kept.append(_keep_locked(commitment, at, actor))
    return kept


@transaction.atomic
def do_cancel(
    commitment: Commitment,
    *,
    at: datetime | None = None,
    actor: User | None = None,
    reason: str = "",
) -> Commitment:
    """The promise no longer applies (the customer withdrew the request, a duplicate …)."""
    commitment, at = _locked_at(commitment, at)
    if _overdue(commitment, at):
        # It broke at its due time, whether or not the sweep has seen it yet: as the sweep
        # would have, record the breach; a broken promise is not cancelled.
        return _break_now(commitment)
    if commitment.state != State.OPEN:
        raise ValidationError(_("Only an open commitment can be cancelled."))
    commitment = transition(
        commitment,
        State.CANCELLED,
        machine=FLOW,
        actor=actor,
        at=at,
        # A promise cancelled while paused is settled, not paused.
        also={"resolved_at": at, "paused_at": None, "updated_at": timezone.now()},
        locked=True,
    )
    _event(commitment, CommitmentEvent.Kind.CANCELLED, at, actor, reason=reason[:500])
    return commitment


@transaction.atomic
def do_reassign(
    commitment: Commitment,
    *,
    owner: User | None,
    team: Team | None,
    actor: User | None = None,
    at: datetime | None = None,
) -> Commitment:
    if owner is None and team is None:
        raise ValidationError(_("A commitment needs an owner or a team."))
    commitment = _locked(commitment)
    before = {"owner": commitment.owner_id, "team": commitment.team_id}
    commitment.owner, commitment.team = owner, team
    commitment.save(update_fields=["owner", "team", "updated_at"])
    _event(
        commitment,
        CommitmentEvent.Kind.REASSIGNED,
        _now(at),
        actor,
        before=before,
        after={"owner": commitment.owner_id, "team": commitment.team_id},
    )
    return commitment


def for_subject(subject: models.Model) -> QuerySet[Commitment]:
    """The commitments made about one record (a ticket, a contract …)."""
    return Commitment.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
    )


# --- The sweep -------------------------------------------------------------------------------


@dataclass
class SweepReport(Tally):
    broken: int = 0
    warned: int = 0
    escalated: int = 0


@dataclass(frozen=True)
class _Row:
    """What the sweep needs of a commitment: no model instances, so a thousand rows cost
    microseconds each rather than milliseconds."""

    pk: int
    kind: str
    title: str  # as stored: typed words, or blank when worded from the kind and subject
    subject_label: str
    customer_label: str
    due_at: datetime
    owner_id: int | None
    manager_id: int | None
    customer_type_id: int | None
    customer_id: str
    market_id: int | None


def _claim(qs: QuerySet[Commitment], limit: int) -> list[_Row]:
    """Lock and read the rows this sweep will handle; other sweeps skip them (PostgreSQL,
    MariaDB) or wait for this transaction (SQLite writes one at a time)."""
    features = connection.features
    if features.has_select_for_update_skip_locked:
        # Lock only the commitment rows where the database can say so (PostgreSQL); MariaDB
        # also locks the joined team row, which only makes a second sweep skip a little more.
        of = ("self",) if features.has_select_for_update_of else ()
        qs = qs.select_for_update(skip_locked=True, of=of)
    fields = (
        "pk",
        "kind",
        "title",
        "subject_label",
        "customer_label",
        "due_at",
        "owner_id",
        "team__manager_id",
        "customer_type_id",
        "customer_id",
        "market_id",
    )
    return [_Row(*values) for values in qs.values_list(*fields)[:limit]]


def _record(rows: list[_Row], kind: str, at: datetime | None) -> None:
    """The ledger's rows and the stream's events for a batch of the sweep (two INSERTs; the
    stream's subscribers write the notices: ``commitments.events``)."""
    insert_rows(
        CommitmentEvent,
        ["commitment_id", "kind", "at", "data"],
        [(row.pk, kind, at or row.due_at, {}) for row in rows],
    )
    from beachhead.markets.services import market_code_of

    commitment_type = events.type_id(Commitment)
    events.emit_many(
        ledger_events.kind(kind),
        [
            events.Pending(
                subject_type_id=commitment_type,
                subject_id=str(row.pk),
                subject_label=event_label(row.title, row.subject_label or row.customer_label),
                customer_type_id=row.customer_type_id,
                customer_id=row.customer_id,
                data={
                    # What readers word the promise from (``commitments.events``).
                    "kind": row.kind,
                    "about": row.subject_label or row.customer_label,
                    "description": row.title,
                    "owner": row.owner_id,
                    "manager": row.manager_id,
                    "due_at": row.due_at.isoformat(),
                },
                at=at or row.due_at,
                market_code=market_code_of(row.market_id) or "",
            )
            for row in rows
        ],
    )


def sweep(now: datetime | None = None, batch: int = SWEEP_BATCH) -> SweepReport:
    """Break what is overdue, warn owners and alert managers of what is at risk.

    Idempotent: each step flips a row only if it is still in the state the step expects, and
    notices carry a unique key per commitment and stage, so two workers, or a sweep run twice,
    never break, warn or notify twice. Work is proportional to the rows due, not to the open
    ledger (indexed ranges on state and time).
    """
    now = _now(now)
    report = SweepReport()
    base = Commitment.objects.filter(state=State.OPEN, paused_at__isnull=True)
    with transaction.atomic():
        # Kept at the due time is kept on time: the breach is after it.
        due = _claim(base.filter(due_at__lt=now).order_by("due_at", "pk"), batch)
        if due:
            Commitment.objects.filter(
                pk__in=[r.pk for r in due], state__in=FLOW.sources(State.BROKEN)
            ).update(state=State.BROKEN, broken_at=F("due_at"), updated_at=now)
            _record(due, CommitmentEvent.Kind.BROKEN, None)  # broken at the due time
            report.broken = len(due)

        open_ahead = base.filter(due_at__gte=now)
        for stage, time_field, mark_field, kind in (
            ("warned", "warn_at", "warned_at", CommitmentEvent.Kind.WARNED),
            ("escalated", "escalate_at", "escalated_at", CommitmentEvent.Kind.ESCALATED),
        ):
            rows = _claim(
                open_ahead.filter(
                    **{f"{time_field}__lte": now, f"{mark_field}__isnull": True}
                ).order_by(time_field, "pk"),
                batch,
            )
            if not rows:
                continue
            Commitment.objects.filter(
                pk__in=[r.pk for r in rows], **{f"{mark_field}__isnull": True}
            ).update(**{mark_field: now})
            _record(rows, kind, now)
            setattr(report, stage, len(rows))
    if report.broken or report.warned or report.escalated:
        logger.info("sweep: %s", report.as_dict())
    return report


# --- Trust figures ---------------------------------------------------------------------------

DECIDED = (State.KEPT, State.KEPT_LATE, State.BROKEN)
GROUPS = {
    "market": ("market__code", "market__code"),
    "team": ("team_id", "team__name"),
    "owner": ("owner_id", "owner__username"),
    "kind": ("kind", "kind"),
    "customer": ("customer_id", "customer_label"),
}


@dataclass
class Period:
    start: datetime
    end: datetime

    @classmethod
    def last_days(cls, days: int, now: datetime | None = None) -> Period:
        end = _now(now)
        return cls(end - timedelta(days=days), end)


def _decided(user: User, period: Period) -> QuerySet[Commitment]:
    return scoped(Commitment, user).filter(
        due_at__gte=period.start, due_at__lt=period.end, state__in=DECIDED
    )


def _rate(kept: int, total: int) -> float | None:
    return round(kept / total, 4) if total else None


def trust_summary(user: User, period: Period) -> dict[str, Any]:
    """Kept on time, kept late and broken in the period (by due time), and the on-time share."""
    row = _decided(user, period).aggregate(
        kept=Count("pk", filter=Q(state=State.KEPT)),
        kept_late=Count("pk", filter=Q(state=State.KEPT_LATE)),
        broken=Count("pk", filter=Q(state=State.BROKEN)),
    )
    total = row["kept"] + row["kept_late"] + row["broken"]
    open_now = scoped(Commitment, user).filter(state=State.OPEN)
    now = timezone.now()
    return {
        **row,
        "total": total,
        "on_time_rate": _rate(row["kept"], total),
        "open": open_now.count(),
        "at_risk": open_now.filter(
            warn_at__lte=now, due_at__gt=now, paused_at__isnull=True
        ).count(),
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
    }


def trust_by(user: User, period: Period, group: str, limit: int = 50) -> list[dict[str, Any]]:
    """On-time share per market, team, owner, kind or customer (worst first)."""
    if group not in GROUPS:
        raise ValidationError(_("Group by one of: %(groups)s.") % {"groups": ", ".join(GROUPS)})
    key, label = GROUPS[group]
    market_names = {}
    if group == "market":
        from beachhead.markets.models import Market

        market_names = {
            m.code: m.name
            for m in Market.objects.only("code", "name_en", "name_zh_hans", "name_ja")
        }
    rows = (
        _decided(user, period)
        .exclude(**{f"{key}__isnull": True})
        .values(key, label)
        .annotate(
            kept=Count("pk", filter=Q(state=State.KEPT)),
            kept_late=Count("pk", filter=Q(state=State.KEPT_LATE)),
            broken=Count("pk", filter=Q(state=State.BROKEN)),
            total=Count("pk"),
        )
        .order_by("-total")[:limit]
    )
    result = []
    for row in rows:
        name = row[label]
        if group == "kind":
            name = kinds.label(row[key])
        elif group == "market":
            name = market_names.get(row[key], row[key])
        if name in (None, ""):
            continue
        result.append(
            {
                "key": row[key],
                "label": str(name),
                "kept": row["kept"],
                "kept_late": row["kept_late"],
                "broken": row["broken"],
                "total": row["total"],
                "on_time_rate": _rate(row["kept"], row["total"]),
            }
        )
    result.sort(
        key=lambda r: (r["on_time_rate"] if r["on_time_rate"] is not None else 2, -r["total"])
    )
    return result


def trust_weekly(user: User, period: Period) -> list[dict[str, Any]]:
    """On-time share per week (by due time), for the trend chart."""
    rows = (
        _decided(user, period)
        .annotate(week=TruncWeek("due_at", tzinfo=UTC))
        .values("week")
        .annotate(
            kept=Count("pk", filter=Q(state=State.KEPT)),
            late=Count("pk", filter=Q(state=State.KEPT_LATE)),
            broken=Count("pk", filter=Q(state=State.BROKEN)),
            total=Count("pk"),
        )
        .order_by("week")
    )
    return [
        {
            "week": row["week"].date().isoformat() if row["week"] else None,
            "kept": row["kept"],
            "kept_late": row["late"],
            "broken": row["broken"],
            "total": row["total"],
            "on_time_rate": _rate(row["kept"], row["total"]),
        }
        for row in rows
    ]


def weeks_ending(now: datetime | None, weeks: int) -> list[datetime]:
    """The Mondays (UTC) that start the last ``weeks`` weeks, the current week last."""
    today = _now(now).astimezone(UTC)
    monday = datetime(today.year, today.month, today.day, tzinfo=UTC) - timedelta(
        days=today.weekday()
    )
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def trust_by_market_weekly(
    user: User, weeks: int = 12, now: datetime | None = None, limit: int = 6
) -> list[dict[str, Any]]:
    """Per market (the ``limit`` with the most promises due), the on-time share over the last
    ``weeks`` weeks and per week (None for a week in which nothing fell due), for sparklines:
    one grouped query."""
    starts = weeks_ending(now, weeks)
    period = Period(starts[0], _now(now))
    rows = (
        _decided(user, period)
        .exclude(market__isnull=True)
        .annotate(week=TruncWeek("due_at", tzinfo=UTC))
        .values("market__code", "week")
        .annotate(kept=Count("pk", filter=Q(state=State.KEPT)), total=Count("pk"))
    )
    index = {start.date(): i for i, start in enumerate(starts)}
    markets: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = markets.setdefault(
            row["market__code"],
            {"key": row["market__code"], "kept": 0, "total": 0, "weekly": [None] * weeks},
        )
        entry["kept"] += row["kept"]
        entry["total"] += row["total"]
        week = row["week"]
        i = index.get(week.date() if isinstance(week, datetime) else week)
        if i is not None:
            entry["weekly"][i] = _rate(row["kept"], row["total"])
    chosen = sorted(markets.values(), key=lambda m: (-m["total"], m["key"]))[:limit]
    names = {m.code: m.name for m in Market.objects.filter(code__in=[m["key"] for m in chosen])}
    for entry in chosen:
        entry["label"] = names.get(entry["key"], entry["key"])
        entry["on_time_rate"] = _rate(entry["kept"], entry["total"])
    return chosen


def broken_list(user: User, period: Period, limit: int = 50) -> QuerySet[Commitment]:
    return (
        _decided(user, period)
        .filter(state__in=(State.BROKEN, State.KEPT_LATE))
        .select_related("owner", "team", "market")
        .order_by("-due_at")[:limit]
    )
