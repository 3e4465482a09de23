"""A ticket's history on the event stream: opened, status moves (through TICKET_FLOW),
assignment, field changes; replies keep what is owed in one step."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from beachhead.commitments.models import State
from beachhead.commitments.services import for_subject
from beachhead.core import events
from beachhead.core.models import Event
from beachhead.support.models import TICKET_FLOW, Status
from beachhead.support.services import tickets

TOKYO = ZoneInfo("Asia/Tokyo")
MONDAY = dt.datetime(2027, 3, 1, 10, 0, tzinfo=TOKYO)


def _history(ticket):
    return list(
        Event.objects.filter(events.about(ticket)).order_by("pk").values_list("kind", "data")
    )


@pytest.fixture
def ticket(customer, tokyo_team, mailed_ticket):
    return mailed_ticket(
        customer,
        "yamada@yamato-seiki.co.jp",
        "本番ノードが停止",
        "至急確認してください。",
        priority="urgent",
        at=MONDAY,
    )


@pytest.mark.django_db
def test_a_ticket_is_opened_on_the_stream_for_its_customer(ticket, customer):
    event = Event.objects.get(events.about(ticket), kind="support.ticket_created")
    assert event.at == MONDAY
    assert event.market_code == "JP"
    assert Event.objects.filter(events.for_customer(customer), pk=event.pk).exists()
    assert event.data["channel"] == "email"
    assert event.data["priority"] == "urgent"
    # Its SLA promises were made on the stream too, about each promise, for the same customer.
    made = Event.objects.filter(events.for_customer(customer), kind="commitments.created")
    assert made.count() == for_subject(ticket).count() >= 2


@pytest.mark.django_db
def test_status_moves_are_events_with_who_and_when(ticket, admin):
    later = MONDAY + dt.timedelta(hours=1)
    tickets.do_set_status(ticket, admin, Status.PENDING, at=later)
    tickets.do_set_status(ticket, admin, Status.SOLVED, at=later + dt.timedelta(hours=1))

    moves = Event.objects.filter(events.about(ticket), kind="support.ticket_status_changed")
    assert [(e.data["from"], e.data["to"], e.actor) for e in moves.order_by("pk")] == [
        ("new", "pending", admin),
        ("pending", "solved", admin),
    ]
    assert moves.order_by("pk").last().at == later + dt.timedelta(hours=1)


@pytest.mark.django_db
def test_a_closed_ticket_refuses_every_move_and_records_none(ticket, admin):
    tickets.do_set_status(ticket, admin, Status.CLOSED, at=MONDAY)
    before = Event.objects.count()

    with translation.override("en"):  # the refusal is read in the reader's language
        with pytest.raises(ValidationError, match="closed ticket cannot change"):
            tickets.do_set_status(ticket, admin, Status.OPEN, at=MONDAY)
        with pytest.raises(ValidationError, match="closed ticket cannot change"):
            tickets.do_add_customer_message(ticket, text="まだ直っていません", at=MONDAY)

    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert Event.objects.count() == before
    assert TICKET_FLOW.targets(Status.CLOSED) == frozenset()


@pytest.mark.django_db
def test_the_customer_reopening_a_solved_ticket_is_a_move_without_an_actor(ticket, admin):
    tickets.do_set_status(ticket, admin, Status.SOLVED, at=MONDAY)

    tickets.do_add_customer_message(ticket, text="再発しました", at=MONDAY + dt.timedelta(days=1))

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.solved_at is None
    reopened = Event.objects.filter(events.about(ticket), kind="support.ticket_status_changed")
    last = reopened.order_by("pk").last()
    assert (last.data, last.actor) == ({"from": "solved", "to": "open"}, None)


@pytest.mark.django_db
def test_assignment_and_field_changes_are_history(ticket, admin, make_user):
    other = make_user("support_agent", ["JP"], username="hana")
    before = ticket.assignee_id

    tickets.do_assign(ticket, admin, assignee=other)
    tickets.do_update_ticket(ticket, admin, {"subject": "本番ノード停止 (3台)", "tags": "outage"})

    history = dict(_history(ticket))
    assert history["support.ticket_assigned"]["before"]["assignee"] == before
    assert history["support.ticket_assigned"]["after"]["assignee"] == other.pk
    assert history["support.ticket_updated"] == {"fields": ["subject", "tags"]}


@pytest.mark.django_db
def test_a_reply_keeps_every_owed_reply_promise_in_one_step(ticket, admin):
    late = MONDAY + dt.timedelta(hours=3)  # past the first reply's target

    tickets.do_reply(ticket, admin, "確認しています。", at=late)

    first = for_subject(ticket).get(kind="first_reply")
    assert first.state == State.KEPT_LATE
    assert first.resolved_at == late
    kept = Event.objects.filter(kind="commitments.kept_late", subject_id=str(first.pk))
    assert kept.count() == 1
