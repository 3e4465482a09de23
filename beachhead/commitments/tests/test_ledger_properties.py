"""Property-based tests of the ledger's state machine.

Any sequence of create / pause / resume / keep / cancel / reassign / sweep, on an injected
clock that only runs forward, leaves every promise in a consistent state (the model in
``ledger_model.py`` agrees with the database field by field, the invariants of ``check_row``
hold) with a consistent history (``check_history``: its events tell its story, and replaying
them rebuilds its state). An illegal move is refused with ``ValidationError`` and changes
nothing. And outcomes do not depend on when the sweep runs.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from beachhead.commitments import services
from beachhead.commitments.models import Commitment, CommitmentEvent
from beachhead.commitments.tests import ledger_model as lm
from beachhead.core.models import Notification
from beachhead.core.services import do_create_team

pytestmark = pytest.mark.django_db

MAX_PROMISES, MAX_RUNNING = 6, 3
WAITS = st.one_of(
    st.integers(0, 900), st.integers(0, 4 * 3600), st.integers(0, 3 * 24 * 3600)
)  # seconds
MARKS = st.sampled_from(("warn_at", "escalate_at", "due_at"))
OFFSETS = st.sampled_from((-1, 0, 0, 1))  # seconds


@pytest.fixture
def people(make_user, markets):
    owner = make_user("support_agent", ["JP"], language="ja")
    other = make_user("support_agent", ["JP"])
    manager = make_user("regional_manager", ["JP"])
    team = do_create_team(name="Tokyo Support", market_code="JP", manager=manager, members=[owner])
    # Who a promise may be given to: an owner, a team (its manager is alerted), or both.
    hands = ((owner, None), (owner, team), (None, team), (other, team), (other, None))
    return {
        "hands": hands,
        "managers": {team.pk: manager.pk},
        "active": {u.pk for u in (owner, other, manager)},
    }


class LedgerMachine(RuleBasedStateMachine):
    """Drives up to six promises (three unsettled at a time) through the ledger's public
    functions on one clock, and compares the database with the reference model after every
    step."""

    promises = Bundle("promises")

    def __init__(self, people, calendars):
        super().__init__()
        self.hands = people["hands"]
        self.calendars = calendars
        self.model = lm.Ledger(managers=people["managers"], active=people["active"])
        self.first_hands: dict[int, tuple[int | None, int | None]] = {}
        self.clock: datetime | None = None
        self._savepoint = lm.rolled_back()
        self._savepoint.__enter__()

    def teardown(self):
        self._savepoint.__exit__(None, None, None)

    def cal(self, pk: int):
        return self.calendars[self.model.promises[pk].calendar]

    @initialize(start=lm.instants())
    def start_clock(self, start):
        self.clock = start

    # --- the clock -----------------------------------------------------------------------

    @rule(seconds=WAITS)
    def wait(self, seconds):
        self.clock += timedelta(seconds=seconds)

    @rule(
        pk=promises,
        mark=MARKS,
        offset=OFFSETS,
    )
    def wait_until_a_mark(self, pk, mark, offset):
        """Land exactly on (or a second around) a promise's warning, escalation or due time:
        the edges are where the off-by-one mistakes live."""
        self.clock = max(
            self.clock, getattr(self.model.promises[pk], mark) + timedelta(seconds=offset)
        )

    # --- moves ---------------------------------------------------------------------------

    @precondition(
        lambda self: (
            len(self.model.promises) < MAX_PROMISES
            and sum(p.state in lm.UNRESOLVED for p in self.model.promises.values()) < MAX_RUNNING
        )
    )
    @rule(
        target=promises,
        calendar=st.sampled_from(lm.CALENDARS),
        target_time=lm.targets(),
        hands=st.integers(0, 4),
        started_ago=st.sampled_from((0, 0, 60, 3600, 86400, -3600, -86400)),
    )
    def create(self, calendar, target_time, hands, started_ago):
        owner, team = self.hands[hands]
        start = self.clock - timedelta(seconds=started_ago)
        c = services.do_create_commitment(
            kind="follow_up",
            calendar=calendar,
            target=target_time,
            owner=owner,
            team=team,
            start=start,
        )
        owner_id, team_id = (owner.pk if owner else None), (team.pk if team else None)
        self.model.promises[c.pk] = lm.Promise.planned(
            c.pk,
            self.calendars[calendar],
            calendar=calendar,
            start=start,
            target=target_time,
            owner_id=owner_id,
            team_id=team_id,
        )
        self.first_hands[c.pk] = (owner_id, team_id)
        return c.pk

    def _commitment(self, pk: int) -> Commitment:
        # A stale copy, as callers hold them: the ledger must lock and re-read.
        return Commitment.objects.get(pk=pk)

    @rule(pk=promises)
    def pause(self, pk):
        if self.clock < self.model.promises[pk].started_at:
            # Its "created" event stands at the later start, so a pause before it would break
            # the history's time order that the checks read; the due time it leaves is
            # covered by test_a_pause_before_the_clock_starts_does_not_move_the_due_time.
            return
        services.do_pause(self._commitment(pk), at=self.clock)
        self.model.promises[pk].pause(self.clock)

    @rule(pk=promises)
    def resume(self, pk):
        services.do_resume(self._commitment(pk), at=self.clock)
        self.model.promises[pk].resume(self.cal(pk), self.clock)

    @rule(pk=promises, seconds=WAITS)
    def pause_for(self, pk, seconds):
        self.pause(pk)
        self.wait(seconds)
        self.resume(pk)

    @rule(pk=promises, at_due=st.sampled_from((None, None, -1, 0, 1)))
    def keep(self, pk, at_due):
        if at_due is not None:  # at (or a second around) its due time
            self.wait_until_a_mark(pk, "due_at", at_due)
        kept = services.do_keep(self._commitment(pk), at=self.clock)
        outcome = self.model.promises[pk].keep(self.cal(pk), self.clock)
        assert kept.state == self.model.promises[pk].state
        if outcome is None:  # keeping a settled promise again changes nothing
            assert kept.resolved_at == self.model.promises[pk].resolved_at

    @rule(pk=promises, reason=st.sampled_from(("", "duplicate")))
    def cancel(self, pk, reason):
        promise = self.model.promises[pk]
        try:
            cancelled = promise.cancel(self.clock)
        except lm.Illegal:
            self._refused(pk, services.do_cancel, at=self.clock, reason=reason)
        else:
            services.do_cancel(self._commitment(pk), at=self.clock, reason=reason)
            if not cancelled:  # it was overdue: broken at its due time, as a sweep does
                self.model._notify([promise], "broken")

    @rule(pk=promises, hands=st.integers(0, 5))
    def reassign(self, pk, hands):
        if hands == 5:  # to nobody: refused
            self._refused(pk, services.do_reassign, owner=None, team=None)
            return
        owner, team = self.hands[hands]
        services.do_reassign(self._commitment(pk), owner=owner, team=team)
        promise = self.model.promises[pk]
        promise.owner_id, promise.team_id = (
            (owner.pk if owner else None),
            (team.pk if team else None),
        )

    @rule(batch=st.integers(1, 3))
    def sweep(self, batch):
        report = services.sweep(now=self.clock, batch=batch)
        assert report.as_dict() == self.model.sweep(self.clock, batch)

    # The same moves on the edges of a promise's times (a random walk rarely lands there).

    @rule(pk=promises, mark=MARKS, offset=OFFSETS, batch=st.integers(1, 3))
    def sweep_at_a_mark(self, pk, mark, offset, batch):
        self.wait_until_a_mark(pk, mark, offset)
        self.sweep(batch)

    def _refused(self, pk, move, **kwargs):
        """An illegal move raises ValidationError and leaves no trace."""
        before = (lm.stored([pk]), CommitmentEvent.objects.count(), Notification.objects.count())
        with pytest.raises(ValidationError):
            move(self._commitment(pk), **kwargs)
        assert (
            lm.stored([pk]),
            CommitmentEvent.objects.count(),
            Notification.objects.count(),
        ) == before

    # --- what must hold after every step -----------------------------------------------------

    @invariant()
    def the_ledger_is_consistent(self):
        pks = list(self.model.promises)
        if not pks:
            return
        rows, events = lm.stored(pks), lm.histories(pks)
        for pk, promise in self.model.promises.items():
            row = rows[pk]
            assert {k: row[k] for k in lm.FIELDS} == promise.values(), pk
            lm.check_row(
                row, promise.target, self.cal(pk), lm.finished_pauses(events[pk]), self.clock
            )
            lm.check_history(row, events[pk], *self.first_hands[pk], self.cal(pk))
        notices = lm.stored_notices()
        assert len(notices) == len(set(notices))  # nobody is told twice of the same stage
        assert set(notices) == self.model.notices


def test_any_sequence_of_moves_leaves_a_consistent_ledger(people):
    calendars = lm.Calendars()
    run_state_machine_as_test(
        lambda: LedgerMachine(people, calendars),
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


# --- Outcomes do not depend on when the sweep runs ------------------------------------------

# "…@due": first wait until the promise's due time; "due": until a second around it.
MOVE_NAMES = (
    *("wait", "due", "sweep"),
    *("pause", "pause@due", "resume", "keep", "keep@due", "cancel", "cancel@due"),
)
MOVES = st.lists(
    st.tuples(
        st.sampled_from(MOVE_NAMES),
        st.integers(0, 2),  # which promise
        st.one_of(st.integers(0, 1800), st.integers(0, 2 * 24 * 3600)),  # seconds to wait
        st.sampled_from((-1, 0, 1)),  # seconds around the due time
        st.integers(1, 2),  # sweep batch
    ),
    min_size=4,
    max_size=24,
)


def _world(people, start, plans, moves, *, worker: bool) -> list[tuple]:
    """Run ``moves`` on fresh promises. With a ``worker``, the sweep runs (in small batches, so
    it may lag) whenever the clock moves and when a move says so, before anything else
    happens at that instant; without, only once at the end. Returns each promise's outcome
    and its history without the sweep's own marks."""
    owner = people["hands"][1][0]
    with lm.rolled_back():
        pks = [
            services.do_create_commitment(
                kind="follow_up", calendar=calendar, target=target, owner=owner, start=start
            ).pk
            for calendar, target in plans
        ]
        clock = start
        for name, which, seconds, offset, batch in moves:
            pk = pks[which % len(pks)]
            move, _at, at_due = name.partition("@")
            before = clock
            if at_due or move == "due":
                due_at = Commitment.objects.get(pk=pk).due_at
                clock = max(clock, due_at + timedelta(seconds=0 if at_due else offset))
            elif move == "wait":
                clock += timedelta(seconds=seconds)
            if worker and (clock != before or move == "sweep"):
                services.sweep(now=clock, batch=batch)
            c = Commitment.objects.get(pk=pk)
            if move == "pause":
                services.do_pause(c, at=clock)
            elif move == "resume":
                services.do_resume(c, at=clock)
            elif move == "keep":
                services.do_keep(c, at=clock)
            elif move == "cancel":
                with suppress(ValidationError):
                    services.do_cancel(c, at=clock)
        services.sweep(now=clock)
        rows = lm.stored(pks)
        events = lm.histories(pks)
        return [
            (
                rows[pk]["state"],
                rows[pk]["due_at"],
                rows[pk]["broken_at"],
                rows[pk]["resolved_at"],
                rows[pk]["paused_at"],
                [(e.kind, e.at) for e in events[pk] if e.kind not in SWEEP_MARKS],
            )
            for pk in pks
        ]


SWEEP_MARKS = {"warned", "escalated", "broken"}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=lm.instants(),
    plans=st.lists(st.tuples(st.sampled_from(lm.CALENDARS), lm.targets()), min_size=1, max_size=3),
    moves=MOVES,
)
def test_outcomes_do_not_depend_on_when_the_sweep_runs(people, start, plans, moves):
    """A worker that sweeps all the time and one that sweeps only at the end leave the same
    record: the same outcomes, the same breach times, the same history."""
    assert _world(people, start, plans, moves, worker=True) == _world(
        people, start, plans, moves, worker=False
    )


# --- Illegal moves ----------------------------------------------------------------------------

T0 = datetime(2027, 3, 3, 1, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Tokyo


def _promise(people, *, minutes=60, start=T0, calendar="24x7"):
    owner = people["hands"][0][0]
    return services.do_create_commitment(
        kind="follow_up",
        calendar=calendar,
        target=timedelta(minutes=minutes),
        owner=owner,
        start=start,
    )


def _trace(c: Commitment) -> tuple:
    return (
        lm.stored([c.pk]),
        list(c.events.values_list("kind", "at", "data")),
        Notification.objects.count(),
    )


@pytest.mark.parametrize("outcome", ["kept", "kept_late", "broken", "cancelled"])
def test_cancelling_a_settled_promise_is_refused_and_changes_nothing(people, outcome):
    c = _promise(people)
    if outcome == "kept":
        services.do_keep(c, at=T0 + timedelta(minutes=30))
    elif outcome == "kept_late":
        services.do_keep(c, at=T0 + timedelta(minutes=90))
    elif outcome == "broken":
        services.sweep(now=T0 + timedelta(minutes=61))
    else:
        services.do_cancel(c, at=T0 + timedelta(minutes=5))
    before = _trace(c)
    with pytest.raises(ValidationError):
        services.do_cancel(c, at=T0 + timedelta(minutes=120), reason="too late")
    assert _trace(c) == before
    assert lm.stored([c.pk])[c.pk]["state"] == outcome


def test_settled_promises_ignore_keep_pause_and_resume(people):
    c = services.do_keep(_promise(people), at=T0 + timedelta(minutes=30))
    before = _trace(c)
    services.do_keep(c, at=T0 + timedelta(minutes=40))
    services.do_pause(c, at=T0 + timedelta(minutes=41))
    services.do_resume(c, at=T0 + timedelta(minutes=42))
    services.sweep(now=T0 + timedelta(hours=2))
    assert _trace(c) == before


# --- Bugs the properties above found, fixed; each kept as a minimal reproduction -------------


def _outcome_with_and_without_a_sweep(people, act, sweep_at) -> tuple[tuple, tuple]:
    results = []
    for sweeping in (False, True):
        with lm.rolled_back():
            c = _promise(people)
            if sweeping:
                services.sweep(now=sweep_at(c))
            with suppress(ValidationError):
                act(c)
            row = lm.stored([c.pk])[c.pk]
            results.append((row["state"], row["broken_at"], row["resolved_at"]))
    return results[0], results[1]


def test_cancelling_once_due_does_not_depend_on_the_sweep(people):
    unswept, swept = _outcome_with_and_without_a_sweep(
        people,
        act=lambda c: services.do_cancel(c, at=c.due_at + timedelta(minutes=2)),
        sweep_at=lambda c: c.due_at + timedelta(minutes=1),
    )
    assert unswept == swept  # was ("cancelled", …) without the sweep, ("broken", …) with it


def test_keeping_at_the_due_time_does_not_depend_on_the_sweep(people):
    unswept, swept = _outcome_with_and_without_a_sweep(
        people,
        act=lambda c: services.do_keep(c, at=c.due_at),
        sweep_at=lambda c: c.due_at,
    )
    assert unswept == swept  # was ("kept", None, due) against ("kept_late", due, due)


def test_a_pause_before_the_clock_starts_does_not_move_the_due_time(people):
    c = _promise(people, start=T0 + timedelta(hours=1))  # due at T0 + 2 h
    services.do_pause(c, at=T0)
    c = services.do_resume(c, at=T0 + timedelta(minutes=10))
    assert c.due_at == T0 + timedelta(hours=2)  # was T0 + 2 h 10 min


def test_a_promise_cancelled_while_paused_keeps_no_pause(people):
    c = _promise(people)
    services.do_pause(c, at=T0 + timedelta(minutes=10))
    c = services.do_cancel(c, at=T0 + timedelta(minutes=20))
    assert c.paused_at is None
