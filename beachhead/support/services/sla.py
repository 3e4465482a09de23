"""SLA policies as commitments in the ledger.

A ticket's policy is the first active ``SlaPolicy`` (by order) whose tiers, priorities and
markets all match. Each target of the policy becomes a commitment about the ticket
(``first_reply``, ``next_reply``, ``periodic_update``, ``resolution``), owned by the assignee
(or the team when nobody is assigned), on the policy's calendar: the customer's market hours,
a follow-the-sun coverage calendar or 24x7. Replying keeps the reply promises; missing them
breaks them (the ledger's sweep); the team manager is alerted before a breach (the sweep's
escalation). While the ticket is pending on the customer its clocks are paused.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from beachhead.commitments import services as ledger
from beachhead.commitments.models import Commitment, State
from beachhead.core.localise import local_name
from beachhead.core.refcache import RefCache
from beachhead.support.models import CalendarChoice, Priority, SlaPolicy, Status, Ticket

REPLY_KINDS = ("first_reply", "next_reply", "periodic_update")
SLA_KINDS = (*REPLY_KINDS, "resolution")


#: Every policy in order (a handful of rows every new ticket reads): kept in memory.
_policies: RefCache[list[SlaPolicy]] = RefCache(
    "support.sla_policies",
    lambda: list(SlaPolicy.objects.order_by("order", "pk")),
    watch=("support.SlaPolicy",),
)


def policy_name(policy_id: int | None) -> str | None:
    """The name of a policy by id in the reader's language, from memory (list rows carry only
    the id)."""
    if policy_id is None:
        return None
    return next((local_name(p) for p in _policies.get() if p.pk == policy_id), None)


def policy_for(ticket: Ticket) -> SlaPolicy | None:
    tier = ticket.account.tier if ticket.account_id and ticket.account is not None else ""
    code = ticket.market.code
    for policy in _policies.get():
        if not policy.is_active:
            continue
        if policy.tiers and tier not in policy.tiers:
            continue
        if policy.priorities and ticket.priority not in policy.priorities:
            continue
        if policy.market_codes and code not in policy.market_codes:
            continue
        return policy
    return None


def calendar_key(policy: SlaPolicy, ticket: Ticket) -> str:
    if policy.calendar == CalendarChoice.ALWAYS:
        return "24x7"
    if policy.calendar == CalendarChoice.COVERAGE:
        codes = policy.coverage_markets or settings.BEACHHEAD_SUPPORT_COVERAGE
        return "coverage:" + ",".join(c.strip().upper() for c in codes.split(",") if c.strip())
    return f"market:{ticket.market.code}"


def promise_about(
    ticket: Ticket, kind: str, *, calendar: str, target: timedelta, owner, at: datetime, actor=None
):
    """A commitment about ``ticket``, made to its account, in its market (SLA and follow-up)."""
    return ledger.do_create_commitment(
        kind=kind, calendar=calendar, target=target, owner=owner, actor=actor, **_about(ticket, at)
    )


def _about(ticket: Ticket, at: datetime) -> dict:
    """What every promise about ``ticket`` shares: its team, start, subject, customer, market."""
    return {
        "team": ticket.team,
        "start": at,
        "subject": ticket,
        "subject_label": f"#{ticket.pk} {ticket.subject}"[:200],
        "customer": ticket.account,
        "market": ticket.market,
    }


def promise(ticket: Ticket, kind: str, minutes: int | None, at: datetime, actor=None):
    """The policy's target of ``kind`` as a commitment (None when the policy sets none)."""
    if not minutes or ticket.sla_policy is None:
        return None
    return promise_about(
        ticket,
        kind,
        calendar=calendar_key(ticket.sla_policy, ticket),
        target=timedelta(minutes=minutes),
        owner=ticket.assignee,
        at=at,
        actor=actor,
    )


def open_commitments(ticket: Ticket, kinds=SLA_KINDS):
    return ledger.for_subject(ticket).filter(kind__in=kinds, state=State.OPEN)


def owed(ticket: Ticket, kinds=SLA_KINDS):
    """What the desk still owes: running promises, and broken ones not yet made good (an
    answer after the breach keeps them late)."""
    return ledger.for_subject(ticket).filter(kind__in=kinds, state__in=[State.OPEN, State.BROKEN])


def plan(ticket: Ticket, at: datetime) -> list[Commitment]:
    """The promises a new ticket starts with (first reply, resolution and, for urgent tickets,
    periodic updates), timed but not saved, so the ticket is written once with its policy and
    next due time; ``start`` stores them once the ticket has its id."""
    policy = policy_for(ticket)
    ticket.sla_policy = policy
    ticket.sla_due_at = ticket.sla_warn_at = None
    if policy is None:
        return []
    targets = [
        ("first_reply", policy.first_reply_minutes),
        ("resolution", policy.resolution_minutes),
    ]
    if ticket.priority == Priority.URGENT:
        targets.append(("periodic_update", policy.periodic_update_minutes))
    calendar = calendar_key(policy, ticket)
    planned = [
        ledger.prepare_commitment(
            kind=kind,
            calendar=calendar,
            target=timedelta(minutes=minutes),
            owner=ticket.assignee,
            **_about(ticket, at),
        )
        for kind, minutes in targets
        if minutes
    ]
    if planned:
        first = min(planned, key=lambda c: c.due_at)
        ticket.sla_due_at, ticket.sla_warn_at = first.due_at, first.warn_at
    return planned


def start(ticket: Ticket, planned: list[Commitment], actor=None) -> list[Commitment]:
    """Store the promises ``plan`` made for ``ticket`` (now saved: the labels get its number)."""
    label = f"#{ticket.pk} {ticket.subject}"[:200]
    for commitment in planned:
        # Their titles are worded from kind and label when read: only the label changes.
        commitment.subject_label = label
    return ledger.do_create_commitments(planned, actor=actor)


def on_public_reply(ticket: Ticket, at: datetime, actor=None) -> None:
    """A public reply keeps the reply promises; an urgent ticket promises its next update."""
    ledger.keep_owed(ticket, REPLY_KINDS, at=at, actor=actor)
    if ticket.is_unsolved and ticket.priority == Priority.URGENT and ticket.sla_policy:
        made = promise(
            ticket, "periodic_update", ticket.sla_policy.periodic_update_minutes, at, actor
        )
        if made is not None and ticket.status == Status.PENDING:
            # Still waiting on the customer: the next update's clock starts when they answer.
            ledger.do_pause(made, at=at, actor=actor)


def on_customer_message(ticket: Ticket, at: datetime) -> Commitment | None:
    """The customer wrote again: the desk owes the next reply (unless a reply is owed already).
    Returns the new promise, if any."""
    if owed(ticket, ("first_reply", "next_reply")).exists():
        return None
    if ticket.sla_policy:
        return promise(ticket, "next_reply", ticket.sla_policy.next_reply_minutes, at)
    return None


def pause(ticket: Ticket, at: datetime, actor=None) -> None:
    for commitment in open_commitments(ticket).filter(paused_at__isnull=True):
        ledger.do_pause(commitment, at=at, actor=actor)


def resume(ticket: Ticket, at: datetime, actor=None) -> None:
    for commitment in open_commitments(ticket).filter(paused_at__isnull=False):
        ledger.do_resume(commitment, at=at, actor=actor)


def on_solved(ticket: Ticket, at: datetime, actor=None) -> None:
    """Solving keeps the resolution promise; promises of further updates no longer apply. A
    reply owed when solving is answered by the solving reply itself (kept), or the ticket was
    solved without an answer: kept late or on time as the clock says (never silently
    dropped); a broken one is made good, late."""
    for commitment in open_commitments(ticket, ("periodic_update",)):
        ledger.do_cancel(commitment, at=at, actor=actor, reason="ticket solved")
    ledger.keep_owed(ticket, SLA_KINDS, at=at, actor=actor)


def on_reassigned(ticket: Ticket, actor=None, at: datetime | None = None) -> None:
    """Open promises follow the ticket to its new owner (from ``at``, now by default)."""
    if ticket.assignee_id is None and ticket.team_id is None:
        return
    for commitment in open_commitments(ticket):
        if commitment.owner_id != ticket.assignee_id or commitment.team_id != ticket.team_id:
            ledger.do_reassign(
                commitment, owner=ticket.assignee, team=ticket.team, actor=actor, at=at
            )


def refresh_due(ticket: Ticket) -> None:
    """Mirror the earliest due time of what the desk still owes on the ticket (lists sort by
    it; an overdue one shows in red)."""
    due, warn = (
        owed(ticket)
        .filter(paused_at__isnull=True)
        .order_by("due_at", "pk")
        .values_list("due_at", "warn_at")
        .first()
    ) or (None, None)
    if (due, warn) != (ticket.sla_due_at, ticket.sla_warn_at):
        ticket.sla_due_at, ticket.sla_warn_at = due, warn
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due, sla_warn_at=warn)
