"""A pure-Python reference model of the commitment ledger, and the checks the property tests
share (``test_ledger_properties.py``, ``test_sweep_model.py``).

The model mirrors what the ledger promises, on the same business calendars, without the
database: a promise is open until it is kept (on time, or late after its due time), broken by
the sweep at its due time, or cancelled; the sweep warns the owner at 75 % of the target and
alerts the team's manager at 90 %, in batches, oldest first; a pause stops the clock and a
resume moves the due, warning and escalation times by the business time that stood still.

Nothing here reads the wall clock: every instant is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import transaction
from hypothesis import strategies as st

from beachhead.commitments import services
from beachhead.commitments.models import Commitment, CommitmentEvent, State

#: Weeks with holidays and clock changes on the calendars below, so that business time has
#: to skip them: Japan's Coming-of-Age Day (11 January); Good Friday and Easter Monday in
#: Germany around the switch to summer time (26-29 March); Japan's Golden Week (29 April to
#: 5 May); Christmas and New Year everywhere.
WINDOWS = (
    datetime(2027, 1, 7, 0, 0, tzinfo=UTC),
    datetime(2027, 3, 24, 0, 0, tzinfo=UTC),
    datetime(2027, 4, 27, 0, 0, tzinfo=UTC),
    datetime(2027, 12, 22, 0, 0, tzinfo=UTC),
)
CALENDARS = ("24x7", "market:JP", "market:DE", "coverage:JP,DE,US")
WEEK_SECONDS = 7 * 24 * 3600

#: The fields the model and the database must agree on.
FIELDS = (
    "state",
    "due_at",
    "warn_at",
    "escalate_at",
    "paused_at",
    "warned_at",
    "escalated_at",
    "broken_at",
    "resolved_at",
    "owner_id",
    "team_id",
)
TERMINAL = {"kept", "kept_late", "cancelled"}
UNRESOLVED = {State.OPEN, State.BROKEN}


def instants() -> st.SearchStrategy[datetime]:
    """An instant, to the second, in one of the holiday weeks (time-zone aware, UTC)."""
    return st.builds(
        lambda window, seconds: window + timedelta(seconds=seconds),
        st.sampled_from(WINDOWS),
        st.integers(min_value=0, max_value=WEEK_SECONDS),
    )


def targets() -> st.SearchStrategy[timedelta]:
    """A target: mostly minutes to a few hours, sometimes several business days."""
    return st.one_of(
        st.integers(min_value=1, max_value=240), st.integers(min_value=240, max_value=3000)
    ).map(lambda minutes: timedelta(minutes=minutes))


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one Hypothesis example in a savepoint and undo it (examples share the test's
    database)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class Calendars(dict):
    """The ledger's calendars by key, built once per test (the markets fixture writes the
    markets in the test's transaction, so the ledger itself rebuilds them on every call)."""

    def __missing__(self, key: str):
        self[key] = services.calendar_for(key)
        return self[key]


# --- The reference model ----------------------------------------------------------------------


class Illegal(Exception):
    """The model refuses the move (the ledger must raise ``ValidationError``)."""


@dataclass
class Promise:
    """The model's copy of one promise."""

    pk: int
    calendar: str
    started_at: datetime
    target: timedelta
    due_at: datetime
    warn_at: datetime
    escalate_at: datetime
    owner_id: int | None
    team_id: int | None
    state: str = State.OPEN
    paused_at: datetime | None = None
    warned_at: datetime | None = None
    escalated_at: datetime | None = None
    broken_at: datetime | None = None
    resolved_at: datetime | None = None
    pauses: list[tuple[datetime, datetime]] = field(default_factory=list)

    @classmethod
    def planned(cls, pk, cal, *, calendar, start, target, owner_id, team_id) -> Promise:
        """A new promise: due, warning and escalation times computed on its calendar."""
        return cls(
            pk=pk,
            calendar=calendar,
            started_at=start,
            target=target,
            due_at=cal.add(start, target),
            warn_at=cal.add(start, target * services.WARN_RATIO),
            escalate_at=cal.add(start, target * services.ESCALATE_RATIO),
            owner_id=owner_id,
            team_id=team_id,
        )

    def values(self) -> dict:
        return {name: getattr(self, name) for name in FIELDS}

    # The moves, as the ledger's public functions make them.

    def pause(self, at: datetime) -> bool:
        if self.state != State.OPEN or self.paused_at is not None or at >= self.due_at:
            return False
        self.paused_at = at
        return True

    def resume(self, cal, at: datetime) -> bool:
        if self.state != State.OPEN or self.paused_at is None:
            return False
        # The clock stands still from the pause, or from its start if paused before it ran.
        paused = max(self.paused_at, self.started_at)
        at = max(at, paused)

        def shift(point: datetime) -> datetime:
            # The business time that was left before the point is left again after resuming.
            return point if point <= paused else cal.add(at, cal.elapsed(paused, point))

        self.due_at, self.warn_at = shift(self.due_at), shift(self.warn_at)
        self.escalate_at = shift(self.escalate_at)
        self.paused_at = None
        self.pauses.append((paused, at))
        return True

    def keep(self, cal, at: datetime) -> str | None:
        """The outcome recorded, or None when the promise was already settled."""
        if self.paused_at is not None:
            self.resume(cal, at)
        if self.state not in UNRESOLVED:
            return None
        if self.state == State.OPEN and at <= self.due_at:
            self.state = State.KEPT
        else:
            self.state, self.broken_at = State.KEPT_LATE, self.due_at
        self.resolved_at = at
        return self.state

    def cancel(self, at: datetime) -> bool:
        """Cancelled, or (False) broken at its due time when it was running past it, as the
        sweep would have broken it: a broken promise is not cancelled."""
        if self.state == State.OPEN and self.paused_at is None and at > self.due_at:
            self.state, self.broken_at = State.BROKEN, self.due_at
            return False
        if self.state != State.OPEN:
            raise Illegal
        self.state, self.resolved_at, self.paused_at = State.CANCELLED, at, None
        return True


def recipients(owner_id: int | None, manager_id: int | None, stage: str) -> set[int]:
    """Who hears of a stage: the owner is warned, the team's manager is alerted on escalation
    (each stands in for the other when missing), both hear of a breach. Inactive people are
    filtered out afterwards, they do not hand the notice on."""
    first, second = (manager_id, owner_id) if stage == "escalated" else (owner_id, manager_id)
    people = {first} if first else ({second} if second else set())
    if stage == "broken":
        people |= {manager_id} if manager_id else ({owner_id} if owner_id else set())
    return people


LEVELS = {"broken": "danger", "warned": "warning", "escalated": "warning"}


@dataclass
class Ledger:
    """The model of the whole ledger: promises, and the notices the sweep has written."""

    managers: dict[int, int | None]  # team → its manager
    active: set[int]  # the people who still receive notices
    promises: dict[int, Promise] = field(default_factory=dict)
    notices: set[tuple[int, str, str]] = field(default_factory=set)  # (recipient, key, level)
    swept: set[int] = field(default_factory=set)  # the promises the sweep broke

    def _notify(self, rows: Iterable[Promise], stage: str) -> None:
        for p in rows:
            manager = self.managers.get(p.team_id) if p.team_id else None
            for person in recipients(p.owner_id, manager, stage) & self.active:
                self.notices.add((person, f"commitment:{p.pk}:{stage}", LEVELS[stage]))

    def sweep(self, now: datetime, batch: int) -> dict[str, int]:
        """Break what is due (at its due time), then warn and escalate what is at risk and
        still ahead, each step taking at most ``batch`` promises, the oldest first."""
        running = [p for p in self.promises.values() if p.state == State.OPEN and not p.paused_at]
        # Kept at the due time is kept on time: the breach is after it.
        due = sorted((p for p in running if p.due_at < now), key=lambda p: (p.due_at, p.pk))
        due = due[:batch]
        for p in due:
            p.state, p.broken_at = State.BROKEN, p.due_at
            self.swept.add(p.pk)
        self._notify(due, "broken")
        report = {"broken": len(due)}
        ahead = [p for p in running if p.due_at >= now]
        for stage, time_field, mark_field in (
            ("warned", "warn_at", "warned_at"),
            ("escalated", "escalate_at", "escalated_at"),
        ):
            rows = sorted(
                (
                    p
                    for p in ahead
                    if getattr(p, time_field) <= now and getattr(p, mark_field) is None
                ),
                key=lambda p, f=time_field: (getattr(p, f), p.pk),
            )[:batch]
            for p in rows:
                setattr(p, mark_field, now)
            self._notify(rows, stage)
            report[stage] = len(rows)
        return report


# --- Reading the database back -----------------------------------------------------------------


def stored(pks: Iterable[int]) -> dict[int, dict]:
    rows = Commitment.objects.filter(pk__in=list(pks)).values("pk", "started_at", *FIELDS)
    return {row.pop("pk"): row for row in rows}


def histories(pks: Iterable[int]) -> dict[int, list[CommitmentEvent]]:
    """Each promise's events in the order they were written."""
    found: dict[int, list[CommitmentEvent]] = {pk: [] for pk in pks}
    for event in CommitmentEvent.objects.filter(commitment_id__in=list(found)).order_by("pk"):
        found[event.commitment_id].append(event)
    return found


def stored_notices() -> list[tuple[int, str, str]]:
    from beachhead.core.models import Notification

    return sorted(
        Notification.objects.filter(key__startswith="commitment:").values_list(
            "recipient_id", "key", "level"
        )
    )


# --- Checks -------------------------------------------------------------------------------------


def replay(events: Sequence[CommitmentEvent], owner_id, team_id) -> dict:
    """The state of a promise rebuilt from its events alone (and who it was first given to)."""
    s = dict.fromkeys(
        ("paused_at", "warned_at", "escalated_at", "broken_at", "resolved_at", "due_at")
    )
    s |= {"state": State.OPEN, "owner_id": owner_id, "team_id": team_id}
    for e in events:
        if e.kind in ("created", "resumed"):
            s["due_at"] = datetime.fromisoformat(e.data["due_at"])
        if e.kind == "resumed":
            s["paused_at"] = None
        elif e.kind in ("paused", "warned", "escalated"):
            s[f"{e.kind}_at"] = e.at
        elif e.kind == "broken":
            s |= {"state": State.BROKEN, "broken_at": e.at}
        elif e.kind in TERMINAL:
            s |= {"state": e.kind, "resolved_at": e.at}
            if e.kind == "kept_late":
                s["broken_at"] = s["due_at"]
            if e.kind == "cancelled":
                s["paused_at"] = None  # a cancelled promise is settled, not paused
        elif e.kind == "reassigned":
            s["owner_id"], s["team_id"] = e.data["after"]["owner"], e.data["after"]["team"]
    return s


def unpaused_business_time(cal, start, point, pauses) -> timedelta:
    """Open time on ``cal`` from ``start`` to ``point``, without the finished pauses (a pause
    may begin before the clock starts: a promise can be made for a later start)."""
    total, running_from = timedelta(0), start
    for paused, resumed in [*pauses, (point, point)]:
        a, b = max(running_from, start), min(paused, point)
        if a < b:
            total += cal.elapsed(a, b)
        running_from = resumed
    return total


def check_row(row: dict, target: timedelta, cal, pauses, now: datetime) -> None:
    """What must hold of any promise, whatever happened to it."""
    state = row["state"]
    assert state in State.values
    assert (row["resolved_at"] is None) == (state in UNRESOLVED)
    assert row["started_at"] <= row["warn_at"] <= row["escalate_at"] <= row["due_at"]
    if state == State.KEPT:
        assert row["broken_at"] is None
        assert row["resolved_at"] <= row["due_at"]
    elif state in (State.KEPT_LATE, State.BROKEN):
        assert row["broken_at"] == row["due_at"] <= now
        if state == State.KEPT_LATE:
            assert row["resolved_at"] >= row["due_at"]
    else:
        assert row["broken_at"] is None
    if row["paused_at"] is not None:
        # Only an open promise is paused (a cancelled one keeps its pause: see
        # test_a_promise_cancelled_while_paused_keeps_no_pause).
        assert state in (State.OPEN, State.CANCELLED)
        assert row["paused_at"] < row["due_at"]
        assert row["paused_at"] <= now
    for mark, since in (("warned_at", "warn_at"), ("escalated_at", "escalate_at")):
        if row[mark] is not None:
            # Set by the sweep while the promise was open, past the mark and not yet due.
            assert row[since] <= row[mark] <= row["due_at"]
            assert row[mark] <= now
            if row["resolved_at"] is not None:
                assert row[mark] <= row["resolved_at"]
    # Paused time never counts: the open business time up to each mark is its share of the
    # target, however often the promise was paused.
    for name, share in (
        ("due_at", target),
        ("warn_at", target * services.WARN_RATIO),
        ("escalate_at", target * services.ESCALATE_RATIO),
    ):
        assert unpaused_business_time(cal, row["started_at"], row[name], pauses) == share, name


def finished_pauses(events: Sequence[CommitmentEvent]) -> list[tuple[datetime, datetime]]:
    marks = [e for e in events if e.kind in ("paused", "resumed")]
    return [(p.at, r.at) for p, r in zip(marks[::2], marks[1::2], strict=False)]


def check_history(row: dict, events: Sequence[CommitmentEvent], owner_id, team_id, cal) -> None:
    """What must hold of a promise's events: they tell its story, and its state follows."""
    kinds = [e.kind for e in events]
    assert set(kinds) <= set(CommitmentEvent.Kind.values), kinds
    assert kinds[0] == "created", kinds
    assert kinds.count("created") == 1, kinds
    assert events[0].at == row["started_at"]
    for once in ("broken", "warned", "escalated"):
        assert kinds.count(once) <= 1, kinds
    settled = [i for i, k in enumerate(kinds) if k in TERMINAL]
    assert len(settled) <= 1, kinds
    if settled:
        # Nothing happens to a settled promise but a change of hands.
        assert set(kinds[settled[0] + 1 :]) <= {"reassigned"}, kinds
    if "broken" in kinds:
        after = set(kinds[kinds.index("broken") + 1 :])
        assert after <= {"kept_late", "reassigned"}, kinds
        assert events[kinds.index("broken")].at == row["due_at"]  # broken at its due time
    marks = [e for e in events if e.kind in ("paused", "resumed")]
    assert [e.kind for e in marks] == ["paused", "resumed"] * (len(marks) // 2) + ["paused"] * (
        len(marks) % 2
    ), kinds
    for paused, resumed in zip(marks[::2], marks[1::2], strict=False):
        # The clock stands still from the pause, or from its start when paused before it ran.
        stood = cal.elapsed(min(max(paused.at, row["started_at"]), resumed.at), resumed.at)
        assert resumed.data["paused_business_seconds"] == int(stood.total_seconds())
    # The ledger's own clock runs forward (a reassignment carries the wall clock: skip it;
    # "created" carries the start of the clock, which may come later).
    times = [e.at for e in events[1:] if e.kind != "reassigned"]
    assert times == sorted(times), kinds
    reassigned = [e for e in events if e.kind == "reassigned"]
    for before, after in zip(
        [{"owner": owner_id, "team": team_id}] + [e.data["after"] for e in reassigned],
        [e.data["before"] for e in reassigned],
        strict=False,
    ):
        assert before == after
    rebuilt = replay(events, owner_id, team_id)
    assert rebuilt == {k: row[k] for k in rebuilt}, (rebuilt, row)
