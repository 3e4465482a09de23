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

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beachhead.commitments import kinds
from beachhead.commitments.models import Commitment, CommitmentEvent, State
from beachhead.core.access import scoped
from beachhead.core.models import Notification, Team, User

logger = logging.getLogger("beachhead.commitments")

#: Share of the target after which the owner is warned, and the team manager alerted.
WARN_RATIO = 0.75
ESCALATE_RATIO = 0.9
SWEEP_BATCH = 5000


def calendar_for(key: str):
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


def _event(commitment: Commitment, kind: str, at: datetime, actor=None, **data) -> None:
    CommitmentEvent.objects.create(commitment=commitment, kind=kind, at=at, actor=actor, data=data)


def default_title(kind: str, subject_label: str, language: str) -> str:
    """A description of the promise in its owner's language."""
    with translation.override(language):
        if subject_label:
            return _("%(kind)s for %(subject)s") % {
                "kind": kinds.label(kind),
                "subject": subject_label,
            }
        return kinds.label(kind)


@transaction.atomic
def do_create_commitment(
    *,
    kind: str,
    calendar: str,
    target: timedelta,
    owner: User | None = None,
    team: Team | None = None,
    start: datetime | None = None,
    title: str = "",
    subject=None,
    subject_label: str = "",
    customer=None,
    customer_label: str = "",
    market=None,
    actor: User | None = None,
) -> Commitment:
    """Record a promise: its due, warning and escalation times are computed on ``calendar``."""
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
    language = owner.language if owner else "en"
    commitment = Commitment(
        kind=kind,
        title=(title or default_title(kind, subject_label, language))[:300],
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=str(subject.pk) if subject is not None else "",
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
    commitment.save()
    _event(commitment, CommitmentEvent.Kind.CREATED, start, actor, due_at=due.isoformat())
    return commitment


def _locked(commitment: Commitment) -> Commitment:
    return Commitment.objects.select_for_update().get(pk=commitment.pk)


@transaction.atomic
def do_pause(commitment: Commitment, *, at: datetime | None = None, actor=None) -> Commitment:
    """Stop the clock (e.g. while waiting on the customer)."""
    at = _now(at)
    commitment = _locked(commitment)
    if commitment.state != State.OPEN or commitment.paused_at is not None:
        return commitment
    if at >= commitment.due_at:
        # Too late to pause: the promise broke at its due time.
        return commitment
    commitment.paused_at = at
    commitment.save(update_fields=["paused_at", "updated_at"])
    _event(commitment, CommitmentEvent.Kind.PAUSED, at, actor)
    return commitment


def _shift(cal, paused_at: datetime, resume_at: datetime, point: datetime) -> datetime:
    """Where ``point`` moves when the clock stood still from ``paused_at`` to ``resume_at``:
    the business time that was left before it is left again after resuming."""
    if point <= paused_at:
        return point
    return cal.add(resume_at, cal.elapsed(paused_at, point))


@transaction.atomic
def do_resume(commitment: Commitment, *, at: datetime | None = None, actor=None) -> Commitment:
    """Start the clock again; due, warning and escalation times move by the paused time."""
    at = _now(at)
    commitment = _locked(commitment)
    if commitment.state != State.OPEN or commitment.paused_at is None:
        return commitment
    cal = calendar_for(commitment.calendar)
    paused_at = commitment.paused_at
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
def do_keep(commitment: Commitment, *, at: datetime | None = None, actor=None) -> Commitment:
    """The promise was fulfilled at ``at``: kept on time, or kept late after its due time."""
    at = _now(at)
    if commitment.paused_at is not None:
        commitment = do_resume(commitment, at=at, actor=actor)
    commitment = _locked(commitment)
    if commitment.state not in (State.OPEN, State.BROKEN):
        return commitment
    if at <= commitment.due_at and commitment.state == State.OPEN:
        commitment.state = State.KEPT
        kind = CommitmentEvent.Kind.KEPT
    else:
        commitment.state = State.KEPT_LATE
        commitment.broken_at = commitment.due_at
        kind = CommitmentEvent.Kind.KEPT_LATE
    commitment.resolved_at = at
    commitment.save(update_fields=["state", "broken_at", "resolved_at", "updated_at"])
    _event(commitment, kind, at, actor)
    return commitment


@transaction.atomic
def do_cancel(
    commitment: Commitment, *, at: datetime | None = None, actor=None, reason: str = ""
) -> Commitment:
    """The promise no longer applies (the customer withdrew the request, a duplicate …)."""
    at = _now(at)
    commitment = _locked(commitment)
    if commitment.state != State.OPEN:
        raise ValidationError(_("Only an open commitment can be cancelled."))
    commitment.state = State.CANCELLED
    commitment.resolved_at = at
    commitment.save(update_fields=["state", "resolved_at", "updated_at"])
    _event(commitment, CommitmentEvent.Kind.CANCELLED, at, actor, reason=reason[:500])
    return commitment


@transaction.atomic
def do_reassign(commitment: Commitment, *, owner: User | None, team: Team | None, actor=None):
    if owner is None and team is None:
        raise ValidationError(_("A commitment needs an owner or a team."))
    commitment = _locked(commitment)
    before = {"owner": commitment.owner_id, "team": commitment.team_id}
    commitment.owner, commitment.team = owner, team
    commitment.save(update_fields=["owner", "team", "updated_at"])
    _event(
        commitment,
        CommitmentEvent.Kind.REASSIGNED,
        timezone.now(),
        actor,
        before=before,
        after={"owner": commitment.owner_id, "team": commitment.team_id},
    )
    return commitment


def for_subject(subject) -> QuerySet[Commitment]:
    """The commitments made about one record (a ticket, a contract …)."""
    return Commitment.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
    )


# --- The sweep -------------------------------------------------------------------------------


@dataclass
class SweepReport:
    broken: int = 0
    warned: int = 0
    escalated: int = 0

    def as_dict(self) -> dict:
        return {"broken": self.broken, "warned": self.warned, "escalated": self.escalated}


def _claim(qs: QuerySet, limit: int) -> list[Commitment]:
    """Lock and read the rows this sweep will handle; other sweeps skip them (PostgreSQL,
    MariaDB) or wait for this transaction (SQLite writes one at a time)."""
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.select_related("owner", "team__manager")[:limit])


def _recipients(commitment: Commitment, *, escalate: bool) -> list[User]:
    people = []
    if not escalate:
        if commitment.owner is not None:
            people.append(commitment.owner)
        elif commitment.team and commitment.team.manager:
            people.append(commitment.team.manager)
    else:
        manager = commitment.team.manager if commitment.team else None
        if manager is not None:
            people.append(manager)
        elif commitment.owner is not None:
            people.append(commitment.owner)
    return people


def _notify_many(items: list[tuple[Commitment, User, str]], level: str, stage: str) -> list[int]:
    """One notice per (commitment, person, stage), written in bulk and deduplicated by key."""
    rows = []
    for commitment, person, text in items:
        rows.append(
            Notification(
                recipient=person,
                level=level,
                title=text[:240],
                body=commitment.title,
                url=commitment.get_absolute_url(),
                key=f"commitment:{commitment.pk}:{stage}",
            )
        )
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return list(
        Notification.objects.filter(
            key__in={row.key for row in rows}, emailed_at__isnull=True
        ).values_list("pk", flat=True)
    )


def _message(person: User, stage: str, commitment: Commitment) -> str:
    with translation.override(person.language or "en"):
        if stage == "broken":
            return _("Broken: %(title)s") % {"title": commitment.title}
        if stage == "escalated":
            return _("Escalation — at risk of breach: %(title)s") % {"title": commitment.title}
        return _("At risk — due soon: %(title)s") % {"title": commitment.title}


def sweep(now: datetime | None = None, batch: int = SWEEP_BATCH) -> SweepReport:
    """Break what is overdue, warn owners and alert managers of what is at risk.

    Idempotent: each step flips a row only if it is still in the state the step expects, and
    notices carry a unique key per commitment and stage, so two workers, or a sweep run twice,
    never break, warn or notify twice. Work is proportional to the rows due, not to the open
    ledger (indexed ranges on state and time).
    """
    now = _now(now)
    report = SweepReport()
    notice_ids: list[int] = []
    base = Commitment.objects.filter(state=State.OPEN, paused_at__isnull=True)
    with transaction.atomic():
        due = _claim(base.filter(due_at__lte=now).order_by("due_at", "pk"), batch)
        if due:
            ids = [c.pk for c in due]
            Commitment.objects.filter(pk__in=ids, state=State.OPEN).update(
                state=State.BROKEN, broken_at=F("due_at"), updated_at=now
            )
            CommitmentEvent.objects.bulk_create(
                [
                    CommitmentEvent(commitment=c, kind=CommitmentEvent.Kind.BROKEN, at=c.due_at)
                    for c in due
                ],
                batch_size=500,
            )
            items = [
                (c, person, _message(person, "broken", c))
                for c in due
                for person in {*_recipients(c, escalate=False), *_recipients(c, escalate=True)}
            ]
            notice_ids += _notify_many(items, Notification.Level.DANGER, "broken")
            report.broken = len(due)

        warn = _claim(
            base.filter(warn_at__lte=now, due_at__gt=now, warned_at__isnull=True).order_by(
                "warn_at", "pk"
            ),
            batch,
        )
        if warn:
            Commitment.objects.filter(pk__in=[c.pk for c in warn], warned_at__isnull=True).update(
                warned_at=now
            )
            CommitmentEvent.objects.bulk_create(
                [
                    CommitmentEvent(commitment=c, kind=CommitmentEvent.Kind.WARNED, at=now)
                    for c in warn
                ]
            )
            items = [
                (c, person, _message(person, "warned", c))
                for c in warn
                for person in _recipients(c, escalate=False)
            ]
            notice_ids += _notify_many(items, Notification.Level.WARNING, "warned")
            report.warned = len(warn)

        escalate = _claim(
            base.filter(escalate_at__lte=now, due_at__gt=now, escalated_at__isnull=True).order_by(
                "escalate_at", "pk"
            ),
            batch,
        )
        if escalate:
            Commitment.objects.filter(
                pk__in=[c.pk for c in escalate], escalated_at__isnull=True
            ).update(escalated_at=now)
            CommitmentEvent.objects.bulk_create(
                [
                    CommitmentEvent(commitment=c, kind=CommitmentEvent.Kind.ESCALATED, at=now)
                    for c in escalate
                ]
            )
            items = [
                (c, person, _message(person, "escalated", c))
                for c in escalate
                for person in _recipients(c, escalate=True)
            ]
            notice_ids += _notify_many(items, Notification.Level.WARNING, "escalated")
            report.escalated = len(escalate)

        if notice_ids:
            from beachhead.core.tasks import send_notification_emails

            transaction.on_commit(lambda: send_notification_emails.enqueue(notice_ids))
    if report.broken or report.warned or report.escalated:
        logger.info("sweep: %s", report.as_dict())
    return report


# --- Trust figures ---------------------------------------------------------------------------

DECIDED = (State.KEPT, State.KEPT_LATE, State.BROKEN)
GROUPS = {
    "market": ("market__code", "market__name_en"),
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


def _decided(user, period: Period) -> QuerySet[Commitment]:
    return scoped(Commitment, user).filter(
        due_at__gte=period.start, due_at__lt=period.end, state__in=DECIDED
    )


def _rate(kept: int, total: int) -> float | None:
    return round(kept / total, 4) if total else None


def trust_summary(user, period: Period) -> dict:
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


def trust_by(user, period: Period, group: str, limit: int = 50) -> list[dict]:
    """On-time share per market, team, owner, kind or customer (worst first)."""
    if group not in GROUPS:
        raise ValidationError(_("Group by one of: %(groups)s.") % {"groups": ", ".join(GROUPS)})
    key, label = GROUPS[group]
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


def trust_weekly(user, period: Period) -> list[dict]:
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


def broken_list(user, period: Period, limit: int = 50) -> QuerySet[Commitment]:
    return (
        _decided(user, period)
        .filter(state__in=(State.BROKEN, State.KEPT_LATE))
        .select_related("owner", "team", "market")
        .order_by("-due_at")[:limit]
    )
