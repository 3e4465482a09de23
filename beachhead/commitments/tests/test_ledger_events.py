"""The ledger on the event stream: each CommitmentEvent is emitted too; the sweep's breaches,
warnings and escalations become notices through the one notify service; keep_owed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from beachhead.commitments import services
from beachhead.commitments.models import FLOW, Commitment, CommitmentEvent, State
from beachhead.core import events
from beachhead.core.models import Delivery, Event, Notification
from beachhead.core.services import do_create_team

T0 = datetime(2027, 3, 3, 1, 0, tzinfo=UTC)


@pytest.fixture
def owner(make_user):
    return make_user("support_agent", ["JP"], language="ja", username="aoi")


@pytest.fixture
def manager(make_user):
    return make_user("regional_manager", ["JP"], username="kenji")


@pytest.fixture
def team(owner, manager):
    return do_create_team(name="Tokyo Support", market_code="JP", manager=manager, members=[owner])


def promise(owner, markets, team=None, minutes=60, subject=None, kind="follow_up"):
    return services.do_create_commitment(
        kind=kind,
        calendar="24x7",
        target=timedelta(minutes=minutes),
        owner=owner,
        team=team,
        start=T0,
        market=markets["JP"],
        subject=subject,
        subject_label="Ticket #1001",
    )


def stream(commitment):
    return list(
        Event.objects.filter(events.about(commitment)).order_by("pk").values_list("kind", flat=True)
    )


def ledger(commitment):
    return list(commitment.events.order_by("pk").values_list("kind", flat=True))


@pytest.mark.django_db
def test_every_ledger_event_is_on_the_stream_in_the_same_order(owner, manager, markets):
    c = promise(owner, markets)
    services.do_pause(c, at=T0 + timedelta(minutes=10))
    services.do_resume(c, at=T0 + timedelta(minutes=20))
    services.do_reassign(c, owner=manager, team=None)
    services.do_keep(c, at=T0 + timedelta(minutes=30))

    assert (
        stream(c)
        == [f"commitments.{k}" for k in ledger(c)]
        == [
            "commitments.created",
            "commitments.paused",
            "commitments.resumed",
            "commitments.reassigned",
            "commitments.kept",
        ]
    )
    assert Event.objects.filter(events.about(c)).first().market_code == "JP"


@pytest.mark.django_db
def test_the_sweep_notifies_through_events_once_and_e_mails_after_commit(
    owner, manager, team, markets, django_capture_on_commit_callbacks
):
    c = promise(owner, markets, team=team)

    with django_capture_on_commit_callbacks(execute=True):
        services.sweep(now=T0 + timedelta(minutes=46))  # warned
        services.sweep(now=T0 + timedelta(minutes=55))  # escalated
        services.sweep(now=T0 + timedelta(minutes=61))  # broken
        services.sweep(now=T0 + timedelta(minutes=62))  # nothing new

    assert stream(c) == [
        "commitments.created",
        "commitments.warned",
        "commitments.escalated",
        "commitments.broken",
    ]
    notices = {(n.recipient.username, n.key, n.level) for n in Notification.objects.all()}
    assert notices == {
        ("aoi", f"commitment:{c.pk}:warned", "warning"),
        ("kenji", f"commitment:{c.pk}:escalated", "warning"),
        ("aoi", f"commitment:{c.pk}:broken", "danger"),
        ("kenji", f"commitment:{c.pk}:broken", "danger"),
    }
    # The owner reads Japanese.
    titles = {n.recipient_id: n.title for n in Notification.objects.filter(key__endswith="broken")}
    assert titles[owner.pk].startswith("不履行：")
    assert titles[manager.pk].startswith("Broken: ")
    assert len(mail.outbox) == 4
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.DONE}
    broken = Event.objects.get(kind="commitments.broken")
    assert broken.at == c.due_at  # broken at its due time, whenever the sweep saw it
    assert broken.data["owner"] == owner.pk


@pytest.mark.django_db
def test_keep_owed_keeps_open_and_broken_promises_of_the_kinds_named(owner, markets, team):
    subject = team  # any saved record can be a promise's subject
    on_time = promise(owner, markets, minutes=120, subject=subject, kind="first_reply")
    broken = promise(owner, markets, minutes=30, subject=subject, kind="next_reply")
    other_kind = promise(owner, markets, minutes=120, subject=subject, kind="resolution")
    paused = promise(owner, markets, minutes=120, subject=subject, kind="periodic_update")
    services.do_pause(paused, at=T0 + timedelta(minutes=5))
    services.sweep(now=T0 + timedelta(minutes=31))
    at = T0 + timedelta(minutes=60)

    kept = services.keep_owed(
        subject, ("first_reply", "next_reply", "periodic_update"), at=at, actor=owner
    )

    states = {c.pk: c.state for c in Commitment.objects.all()}
    assert {c.pk for c in kept} == {on_time.pk, broken.pk, paused.pk}
    assert states[on_time.pk] == State.KEPT
    assert states[broken.pk] == State.KEPT_LATE
    assert states[paused.pk] == State.KEPT
    assert states[other_kind.pk] == State.OPEN
    assert ledger(Commitment.objects.get(pk=paused.pk))[-2:] == [
        CommitmentEvent.Kind.RESUMED,
        CommitmentEvent.Kind.KEPT,
    ]
    # Nothing left to keep: a second call changes nothing.
    assert services.keep_owed(subject, ("first_reply", "next_reply"), at=at) == []


@pytest.mark.django_db
def test_the_flow_refuses_to_cancel_a_kept_promise(owner, markets):
    c = services.do_keep(promise(owner, markets), at=T0)
    with pytest.raises(ValidationError):
        services.do_cancel(c, at=T0)
    assert not FLOW.allows(State.KEPT, State.CANCELLED)
    assert FLOW.sources(State.BROKEN) == frozenset({State.OPEN})
