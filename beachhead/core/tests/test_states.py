"""State machines (core.states): allowed moves, a clear refusal, one write and its event."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from beachhead.core import events
from beachhead.core.models import Delivery, Event, Team
from beachhead.core.states import IllegalTransition, Machine, transition

AT = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)

# Team.kind stands in for a status field: in-house work may be outsourced, not back.
FLOW = Machine(
    "kind",
    {Team.Kind.IN_HOUSE: {Team.Kind.OUTSOURCED}},
    event="tests.team_kind_changed",
    market_code=lambda team: team.market_code,
)


@pytest.fixture(autouse=True)
def kind():
    events.register_kind(
        "tests.team_kind_changed", "Team kind changed", fields=("from", "to", "why")
    )


@pytest.fixture
def team(db):
    return Team.objects.create(name="Osaka desk", market_code="JP")


def test_an_allowed_move_writes_the_state_and_emits_its_event(team, make_user):
    actor = make_user("admin")

    # when
    moved = transition(
        team, Team.Kind.OUTSOURCED, machine=FLOW, actor=actor, at=AT, data={"why": "night shift"}
    )

    # then
    team.refresh_from_db()
    assert moved.kind == team.kind == Team.Kind.OUTSOURCED
    event = Event.objects.get()
    assert (event.kind, event.actor, event.at, event.market_code) == (
        "tests.team_kind_changed",
        actor,
        AT,
        "JP",
    )
    assert event.data == {"from": "in_house", "to": "outsourced", "why": "night shift"}
    assert event.subject_id == str(team.pk)
    assert event.subject_label == "Osaka desk"


def test_a_move_the_machine_does_not_allow_is_refused_and_changes_nothing(team):
    transition(team, Team.Kind.OUTSOURCED, machine=FLOW, at=AT)

    # when
    with translation.override("en"), pytest.raises(IllegalTransition) as refused:
        transition(team, Team.Kind.IN_HOUSE, machine=FLOW, at=AT)

    # then
    assert isinstance(refused.value, ValidationError)
    assert refused.value.messages == ["Team cannot go from “Outsourced” to “In-house”."]
    team.refresh_from_db()
    assert team.kind == Team.Kind.OUTSOURCED
    assert Event.objects.count() == 1


def test_the_move_is_checked_against_the_row_as_stored_not_a_stale_copy(team):
    stale = Team.objects.get(pk=team.pk)
    transition(team, Team.Kind.OUTSOURCED, machine=FLOW, at=AT)

    # when / then: the stale copy still says in-house, the locked row does not
    with pytest.raises(IllegalTransition):
        transition(stale, Team.Kind.OUTSOURCED, machine=FLOW, at=AT)


def test_a_rolled_back_move_leaves_no_event(team):
    def step_that_fails():
        with transaction.atomic():
            transition(team, Team.Kind.OUTSOURCED, machine=FLOW, at=AT)
            raise RuntimeError("the rest of the step fails")

    with pytest.raises(RuntimeError, match="the rest of the step fails"):
        step_that_fails()

    team.refresh_from_db()
    assert team.kind == Team.Kind.IN_HOUSE
    assert not Event.objects.exists()
    assert not Delivery.objects.exists()


def test_the_machine_answers_questions_about_moves():
    assert FLOW.allows("in_house", "outsourced")
    assert not FLOW.allows("outsourced", "in_house")
    assert FLOW.targets("outsourced") == frozenset()
    assert FLOW.sources("outsourced") == frozenset({"in_house"})
