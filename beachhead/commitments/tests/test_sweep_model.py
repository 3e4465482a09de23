"""The sweep against a reference model.

Promises on several calendars (some paused, some resumed, some kept along the way) are swept
at increasing instants in small batches, some exactly at a promise's warning, escalation or
due time. After every sweep the database must agree with the pure-Python model of
``ledger_model.py``: the report's counts, which promises are broken (at their due time),
warned and escalated (at the sweep's instant), the events written, and who was told what (the
owner is warned, the team's manager alerted, both hear of a breach, inactive people hear
nothing, and nobody hears twice of the same stage).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beachhead.commitments import services
from beachhead.commitments.models import Commitment
from beachhead.commitments.tests import ledger_model as lm
from beachhead.core.models import User
from beachhead.core.services import do_create_team

DAY = 24 * 3600


@pytest.fixture
def cast(make_user, markets):
    """People and teams a promise can be given to: an active owner, a team whose manager is
    alerted, a team without a manager, and an owner who has left."""
    ja = make_user("support_agent", ["JP"], language="ja")
    en = make_user("support_agent", ["DE"])
    gone = make_user("support_agent", ["JP"])
    User.objects.filter(pk=gone.pk).update(is_active=False)
    manager = make_user("regional_manager", ["JP", "DE"])
    staffed = do_create_team(name="Tokyo Support", market_code="JP", manager=manager)
    unstaffed = do_create_team(name="Berlin Nights", market_code="DE")
    return {
        "hands": (
            (ja, None),
            (ja, staffed),
            (None, staffed),
            (en, unstaffed),
            (None, unstaffed),
            (gone, staffed),
            (gone, None),
        ),
        "managers": {staffed.pk: manager.pk, unstaffed.pk: None},
        "active": {ja.pk, en.pk, manager.pk},
    }


PROMISES = st.lists(
    st.fixed_dictionaries(
        {
            "start_after": st.integers(0, 2 * DAY),
            "target": lm.targets(),
            "calendar": st.sampled_from(lm.CALENDARS),
            "hands": st.integers(0, 6),
            # paused this long after its start (and resumed this long after), or never
            "pause": st.none()
            | st.tuples(st.integers(0, 3 * DAY), st.none() | st.integers(0, 2 * DAY)),
            # kept this long after its start, or never
            "keep": st.none() | st.integers(0, 6 * DAY),
        }
    ),
    min_size=1,
    max_size=8,
)
SWEEPS = st.lists(
    st.tuples(st.integers(0, DAY), st.integers(1, 3)),  # (seconds after the last, batch)
    min_size=2,
    max_size=10,
)
MARK_SWEEPS = st.lists(  # sweeps at a promise's (first) warning, escalation or due time
    st.tuples(
        st.integers(0, 7),
        st.sampled_from(("warn_at", "escalate_at", "due_at")),
        st.sampled_from((-1, 0, 0, 1)),
        st.integers(1, 3),
    ),
    max_size=6,
)


def _agrees(model: lm.Ledger) -> None:
    """The database says what the model says, promise by promise and notice by notice."""
    rows = lm.stored(model.promises)
    for pk, promise in model.promises.items():
        assert {k: rows[pk][k] for k in lm.FIELDS} == promise.values(), pk
    notices = lm.stored_notices()
    assert len(notices) == len(set(notices))  # nobody is told twice of the same stage
    assert set(notices) == model.notices


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    window=st.sampled_from(lm.WINDOWS),
    specs=PROMISES,
    sweeps=SWEEPS,
    mark_sweeps=MARK_SWEEPS,
)
def test_the_sweep_matches_the_reference_model(cast, window, specs, sweeps, mark_sweeps):
    calendars = lm.Calendars()
    with lm.rolled_back():
        model = lm.Ledger(managers=cast["managers"], active=cast["active"])
        timeline = []  # (instant, order, what, promise or batch)
        for spec in specs:
            owner, team = cast["hands"][spec["hands"]]
            start = window + timedelta(seconds=spec["start_after"])
            c = services.do_create_commitment(
                kind="first_reply",
                calendar=spec["calendar"],
                target=spec["target"],
                owner=owner,
                team=team,
                start=start,
            )
            model.promises[c.pk] = lm.Promise.planned(
                c.pk,
                calendars[spec["calendar"]],
                calendar=spec["calendar"],
                start=start,
                target=spec["target"],
                owner_id=owner.pk if owner else None,
                team_id=team.pk if team else None,
            )
            if spec["pause"] is not None:
                paused, resumed = spec["pause"]
                timeline.append((start + timedelta(seconds=paused), 0, "pause", c.pk))
                if resumed is not None:
                    at = start + timedelta(seconds=paused + resumed)
                    timeline.append((at, 1, "resume", c.pk))
            if spec["keep"] is not None:
                timeline.append((start + timedelta(seconds=spec["keep"]), 2, "keep", c.pk))
        _agrees(model)  # due, warning and escalation times on each calendar

        promises = list(model.promises.values())
        instant = window
        for seconds, batch in sweeps:
            instant += timedelta(seconds=seconds)
            timeline.append((instant, 3, "sweep", batch))
        for which, mark, offset, batch in mark_sweeps:
            at = getattr(promises[which % len(promises)], mark) + timedelta(seconds=offset)
            timeline.append((at, 3, "sweep", batch))

        for at, _order, what, arg in sorted(timeline, key=lambda step: step[:2]):
            if what == "sweep":
                report = services.sweep(now=at, batch=arg)
                assert report.as_dict() == model.sweep(at, arg), at
                _agrees(model)
                continue
            promise = model.promises[arg]
            commitment = Commitment.objects.get(pk=arg)
            cal = calendars[promise.calendar]
            if what == "pause":
                services.do_pause(commitment, at=at)
                promise.pause(at)
            elif what == "resume":
                services.do_resume(commitment, at=at)
                promise.resume(cal, at)
            else:
                services.do_keep(commitment, at=at)
                promise.keep(cal, at)

        # A worker back after an outage catches up batch by batch, and then finds nothing.
        last = max(at for at, *_ in timeline) + timedelta(days=30)
        while True:
            report = services.sweep(now=last, batch=2)
            assert report.as_dict() == model.sweep(last, 2)
            _agrees(model)
            if not any(report.as_dict().values()):
                break

        events = lm.histories(model.promises)
        for pk, promise in model.promises.items():
            kinds = [e.kind for e in events[pk]]
            assert ("broken" in kinds) == (pk in model.swept)
            for stage in ("warned", "escalated"):
                marked = [e.at for e in events[pk] if e.kind == stage]
                expected = getattr(promise, f"{stage}_at")
                assert marked == ([expected] if expected else [])
            row = lm.stored([pk])[pk]
            lm.check_row(row, promise.target, calendars[promise.calendar], promise.pauses, last)
            lm.check_history(
                row, events[pk], promise.owner_id, promise.team_id, calendars[promise.calendar]
            )
