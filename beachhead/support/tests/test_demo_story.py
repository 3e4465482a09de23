"""The demo tells the seeds' story: history generated as history at a pinned instant, promises
about things that exist, the 15-minute promise kept around the clock, deep users growing
about nine-fold, and no data that contradicts itself.

The demo runs at a pinned ``now`` (injected, not the wall clock) and the ledger is swept at
that instant, so the outcome is the same at any hour the tests run; what is read back is what
an English-reading admin reads through ``GET /api/v1/commitments/``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import F
from django.utils import translation

from beachhead.accounts.models import Account, Lifecycle, Tier
from beachhead.accounts.panels import strategic_and_deep
from beachhead.accounts.services.deployments import deep_users_by_month, yearly_growth
from beachhead.commitments import services as ledger
from beachhead.commitments.models import Commitment, CommitmentEvent, State
from beachhead.core import demo
from beachhead.core.models import Notification, User
from beachhead.support.models import Message, Survey, Ticket

#: A Monday early in the morning (UTC): Tokyo's afternoon, New York's night.
NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
ACCOUNTS = 40


def commitments_read_by_admin(api) -> list[dict]:
    admin = User.objects.get(username="admin")
    assert admin.language == "en"
    client = api(admin)
    rows: list[dict] = []
    page = 1
    with translation.override("en"):
        while True:
            response = client.get("/api/v1/commitments/", {"page_size": 500, "page": page})
            assert response.status_code == 200
            body = response.json()
            rows += body["results"]
            if not body["next"]:
                return rows
            page += 1


def at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@pytest.mark.django_db
def test_the_demo_tells_the_seeds_story(markets, api):
    # given: the demo, generated at a pinned instant, then the worker's first sweep
    demo.load(demo.DemoContext(seed=2026, accounts=ACCOUNTS, now=NOW))
    ledger.sweep(now=NOW)

    # when: an English-reading admin reads the ledger
    rows = commitments_read_by_admin(api)

    # then
    assert len(rows) == Commitment.objects.count() > 100
    history_has_no_cliff(rows)
    promises_are_about_real_things(rows)
    the_fifteen_minute_promise_is_kept_around_the_clock(rows)
    nothing_contradicts_itself()


def history_has_no_cliff(rows: list[dict]) -> None:
    # No cliff: broken promises broke across the past, not all at the first sweep.
    broke = [at(r["broken_at"]) for r in rows if r["broken_at"]]
    assert broke
    recent = [b for b in broke if b is not None and b > NOW - timedelta(hours=24)]
    assert len(recent) <= 0.1 * len(broke)
    assert all(b is not None and b <= NOW for b in broke)
    # What is still open is due after now (or its clock stands still, waiting on the
    # customer); what was settled was settled before now.
    running = [r for r in rows if r["state"] == State.OPEN and not r["paused_at"]]
    assert running
    assert all(at(r["due_at"]) > NOW for r in running)
    assert all(at(r["resolved_at"]) <= NOW for r in rows if r["resolved_at"])


def promises_are_about_real_things(rows: list[dict]) -> None:
    # Every promise is made to a customer and is about something that exists.
    assert all(r["customer_label"] for r in rows)
    for commitment in Commitment.objects.all():
        assert commitment.customer is not None, commitment.title
        assert commitment.subject is not None, commitment.title


def the_fifteen_minute_promise_is_kept_around_the_clock(rows: list[dict]) -> None:
    # The flagship: 15-minute first replies on strategic customers' real tickets.
    fifteen = [r for r in rows if r["kind"] == "first_reply" and r["target_seconds"] == 900]
    assert len(fifteen) >= 20
    for row in fifteen:
        ticket = Commitment.objects.get(pk=row["id"]).subject
        assert isinstance(ticket, Ticket)
        assert ticket.account.tier == Tier.STRATEGIC
        assert ticket.account.lifecycle == Lifecycle.CUSTOMER
        assert row["customer_label"] == ticket.account.name
        assert ticket.first_replied_at is not None
        assert ticket.messages.filter(kind=Message.Kind.REPLY, created_at=ticket.first_replied_at)
    kept = sum(r["state"] == State.KEPT for r in fifteen)
    assert 0.7 <= kept / len(fifteen) <= 0.98
    hours = {at(r["started_at"]).hour for r in fifteen}
    assert len(hours) >= 8  # around the clock


def nothing_contradicts_itself() -> None:
    admin = User.objects.get(username="admin")

    # Deep users grow about nine-fold over the year, replayed from the deployments' history.
    growth = yearly_growth(deep_users_by_month(admin, 13, now=NOW))
    assert growth is not None
    assert 7 <= growth <= 11

    # No churned account among the top strategic accounts.
    panel = strategic_and_deep(admin)
    assert panel["strategic_top"]
    assert all(a.lifecycle != Lifecycle.CHURNED for a in panel["strategic_top"])

    # Nothing happened after now: tickets' last updates (the portal's), messages, surveys.
    assert not Ticket.objects.filter(updated_at__gt=NOW).exists()
    assert not Ticket.objects.filter(created_at__gt=NOW).exists()
    assert not Message.objects.filter(created_at__gt=NOW).exists()
    assert not Message.objects.filter(sent_at__gt=NOW).exists()
    assert not Survey.objects.filter(answered_at__gt=NOW).exists()
    assert not Account.objects.filter(updated_at__lt=F("created_at")).exists()

    # No warning, escalation or reassignment after a promise was settled.
    assert not Commitment.objects.filter(warned_at__gt=F("resolved_at")).exists()
    assert not Commitment.objects.filter(escalated_at__gt=F("resolved_at")).exists()
    assert not CommitmentEvent.objects.filter(
        kind__in=["warned", "escalated", "reassigned", "paused", "resumed"],
        at__gt=F("commitment__resolved_at"),
    ).exists()
    assert not CommitmentEvent.objects.filter(at__gt=NOW).exists()
    assert not Commitment.objects.filter(created_at__gt=NOW).exists()

    # Inboxes tell of what happened when it happened; old notices were read long ago.
    assert not Notification.objects.filter(created_at__gt=NOW).exists()
    assert not Notification.objects.filter(
        read_at__isnull=True, created_at__lt=NOW - timedelta(days=demo.UNREAD_DAYS)
    ).exists()


def fingerprint() -> list[tuple]:
    return list(
        Commitment.objects.order_by("pk").values_list(
            "kind", "state", "started_at", "due_at", "resolved_at", "customer_label"
        )
    )


@pytest.mark.django_db
def test_the_demo_is_the_same_for_a_seed_and_an_instant(markets):
    from django.db import transaction

    runs = []
    for _i in range(2):
        with transaction.atomic():
            demo.load(demo.DemoContext(seed=7, accounts=6, now=NOW))
            runs.append(fingerprint())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0]
