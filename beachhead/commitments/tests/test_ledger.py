"""The commitment ledger: due times on the right calendar, outcomes, pausing, the sweep."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beachhead.commitments import services
from beachhead.commitments.models import Commitment, CommitmentEvent, State
from beachhead.core.models import Notification
from beachhead.core.services import do_create_team

TOKYO = ZoneInfo("Asia/Tokyo")
T0 = datetime(2027, 3, 3, 1, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Tokyo


@pytest.fixture
def owner(make_user):
    return make_user("support_agent", ["JP"], language="ja")


@pytest.fixture
def manager(make_user):
    return make_user("regional_manager", ["JP"])


@pytest.fixture
def team(owner, manager):
    return do_create_team(name="Tokyo Support", market_code="JP", manager=manager, members=[owner])


def promise(owner, markets, *, minutes=60, calendar="24x7", start=T0, team=None, kind="follow_up"):
    return services.do_create_commitment(
        kind=kind,
        calendar=calendar,
        target=timedelta(minutes=minutes),
        owner=owner,
        team=team,
        start=start,
        market=markets["JP"],
        subject_label="Ticket #1001",
        customer_label="Sony Group",
    )


# --- Creating -------------------------------------------------------------------------------


def test_due_warn_and_escalation_times_on_24x7(owner, markets):
    c = promise(owner, markets, minutes=60)
    assert c.due_at == T0 + timedelta(minutes=60)
    assert c.warn_at == T0 + timedelta(minutes=45)
    assert c.escalate_at == T0 + timedelta(minutes=54)
    assert c.state == State.OPEN
    assert c.events.get().kind == CommitmentEvent.Kind.CREATED


def test_friday_evening_in_tokyo_before_coming_of_age_day(owner, markets):
    # given Friday 8 January 2027, 17:55 in Tokyo; Monday the 11th is Coming-of-Age Day
    start = datetime(2027, 1, 8, 17, 55, tzinfo=TOKYO)
    # when a normal ticket promises a reply within 15 business minutes
    business = promise(owner, markets, minutes=15, calendar="market:JP", start=start)
    # and an urgent strategic one within 15 minutes round the clock
    urgent = promise(owner, markets, minutes=15, calendar="24x7", start=start)
    # then the first lands on Tuesday morning, the second at 18:10 the same evening
    assert business.due_at.astimezone(TOKYO) == datetime(2027, 1, 12, 9, 10, tzinfo=TOKYO)
    assert urgent.due_at.astimezone(TOKYO) == datetime(2027, 1, 8, 18, 10, tzinfo=TOKYO)


def test_description_is_worded_in_the_readers_language(owner, markets):
    c = services.do_create_commitment(
        kind="first_reply",
        calendar="24x7",
        target=timedelta(minutes=15),
        owner=owner,  # who reads Japanese
        start=T0,
        subject_label="#7",
    )
    with translation.override("en"):
        assert c.title == "First reply to #7"
    with translation.override("ja"):
        assert c.title == "#7への初回返信"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "nonsense"}, "Unknown kind"),
        ({"target": timedelta(0)}, "longer than zero"),
        ({"calendar": "market:XX"}, "Unknown calendar"),
        ({"calendar": "lunar"}, "Unknown calendar"),
        ({"owner": None}, "owner or a team"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(owner, markets, kwargs, message):
    args = {
        "kind": "follow_up",
        "calendar": "24x7",
        "target": timedelta(minutes=30),
        "owner": owner,
        "start": T0,
    } | kwargs
    with pytest.raises(ValidationError, match=message):
        services.do_create_commitment(**args)
    assert not Commitment.objects.exists()
    assert not CommitmentEvent.objects.exists()


def test_naive_times_are_refused(owner, markets):
    with pytest.raises(ValidationError):
        promise(owner, markets, start=datetime(2027, 1, 1, 9, 0))


# --- Outcomes -------------------------------------------------------------------------------


def test_kept_on_time(owner, markets):
    c = promise(owner, markets)
    c = services.do_keep(c, at=T0 + timedelta(minutes=59))
    assert (c.state, c.broken_at) == (State.KEPT, None)
    assert c.resolved_at == T0 + timedelta(minutes=59)


def test_kept_late_records_the_breach_at_the_due_time(owner, markets):
    c = promise(owner, markets)
    c = services.do_keep(c, at=T0 + timedelta(minutes=75))
    assert c.state == State.KEPT_LATE
    assert c.broken_at == c.due_at


def test_a_broken_promise_fulfilled_later_is_kept_late(owner, markets):
    c = promise(owner, markets)
    services.sweep(now=T0 + timedelta(minutes=61))
    c.refresh_from_db()
    assert c.state == State.BROKEN
    c = services.do_keep(c, at=T0 + timedelta(minutes=90))
    assert c.state == State.KEPT_LATE
    assert c.broken_at == c.due_at


def test_keeping_twice_changes_nothing(owner, markets):
    c = services.do_keep(promise(owner, markets), at=T0 + timedelta(minutes=10))
    again = services.do_keep(c, at=T0 + timedelta(minutes=20))
    assert again.resolved_at == T0 + timedelta(minutes=10)
    assert c.events.filter(kind="kept").count() == 1


def test_only_open_promises_can_be_cancelled(owner, markets):
    c = services.do_cancel(promise(owner, markets), at=T0, reason="duplicate")
    assert c.state == State.CANCELLED
    with pytest.raises(ValidationError):
        services.do_cancel(c)


# --- Pausing --------------------------------------------------------------------------------


def test_pausing_moves_the_due_time_by_the_paused_time(owner, markets):
    c = promise(owner, markets, minutes=60)
    services.do_pause(c, at=T0 + timedelta(minutes=20))
    c = services.do_resume(c, at=T0 + timedelta(minutes=50))
    assert c.due_at == T0 + timedelta(minutes=90)
    assert c.warn_at == T0 + timedelta(minutes=75)
    resumed = c.events.get(kind="resumed")
    assert resumed.data["paused_business_seconds"] == 30 * 60


def test_paused_business_time_skips_the_weekend(owner, markets):
    # given a 4-business-hour promise made Friday 15:00 in Tokyo (hours 09:00–18:00)
    start = datetime(2027, 3, 5, 15, 0, tzinfo=TOKYO)
    c = promise(owner, markets, minutes=240, calendar="market:JP", start=start)
    assert c.due_at.astimezone(TOKYO) == datetime(2027, 3, 8, 10, 0, tzinfo=TOKYO)
    # when it waits on the customer from Friday 16:00 to Monday 09:30
    services.do_pause(c, at=datetime(2027, 3, 5, 16, 0, tzinfo=TOKYO))
    c = services.do_resume(c, at=datetime(2027, 3, 8, 9, 30, tzinfo=TOKYO))
    # then the three business hours left run from Monday 09:30
    assert c.due_at.astimezone(TOKYO) == datetime(2027, 3, 8, 12, 30, tzinfo=TOKYO)


def test_a_paused_promise_is_not_broken_by_the_sweep(owner, markets):
    c = promise(owner, markets, minutes=60)
    services.do_pause(c, at=T0 + timedelta(minutes=10))
    report = services.sweep(now=T0 + timedelta(hours=5))
    c.refresh_from_db()
    assert report.broken == 0
    assert c.state == State.OPEN


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    target=st.integers(min_value=15, max_value=3000),
    pause_after=st.integers(min_value=0, max_value=3000),
    pause_for=st.integers(min_value=0, max_value=5000),
)
def test_paused_time_never_counts_against_the_target(
    owner, markets, target, pause_after, pause_for
):
    """Property: open business time from start to due, minus the paused part, is the target."""
    Commitment.objects.all().delete()
    start = datetime(2027, 1, 6, 0, 30, tzinfo=UTC)
    c = promise(owner, markets, minutes=target, calendar="market:JP", start=start)
    pause_at = start + timedelta(minutes=pause_after)
    if pause_at >= c.due_at:
        return
    services.do_pause(c, at=pause_at)
    resume_at = pause_at + timedelta(minutes=pause_for)
    c = services.do_resume(c, at=resume_at)
    cal = services.calendar_for("market:JP")
    worked = cal.elapsed(start, pause_at) + cal.elapsed(resume_at, max(resume_at, c.due_at))
    assert worked == timedelta(minutes=target)


# --- The sweep ------------------------------------------------------------------------------


def test_sweep_warns_escalates_and_breaks_once(owner, manager, team, markets):
    c = promise(owner, markets, minutes=60, team=team)
    assert services.sweep(now=T0 + timedelta(minutes=30)).as_dict() == {
        "broken": 0,
        "warned": 0,
        "escalated": 0,
    }
    assert services.sweep(now=T0 + timedelta(minutes=46)).warned == 1
    assert services.sweep(now=T0 + timedelta(minutes=47)).warned == 0
    assert services.sweep(now=T0 + timedelta(minutes=55)).escalated == 1
    report = services.sweep(now=T0 + timedelta(minutes=61))
    assert report.broken == 1
    assert services.sweep(now=T0 + timedelta(minutes=62)).broken == 0
    c.refresh_from_db()
    assert c.state == State.BROKEN
    assert c.broken_at == c.due_at
    kinds = list(c.events.values_list("kind", flat=True))
    assert kinds == ["created", "warned", "escalated", "broken"]
    # the owner was warned, the manager alerted, both told of the breach — once each
    assert Notification.objects.filter(recipient=owner).count() == 2
    assert Notification.objects.filter(recipient=manager).count() == 2
    assert Notification.objects.filter(recipient=manager, level="danger").count() == 1


def test_breach_notices_are_emailed_once_in_the_owners_language(
    owner, markets, django_capture_on_commit_callbacks
):
    promise(owner, markets, minutes=60)
    with django_capture_on_commit_callbacks(execute=True):
        services.sweep(now=T0 + timedelta(minutes=61))
    with django_capture_on_commit_callbacks(execute=True):
        services.sweep(now=T0 + timedelta(minutes=62))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.email]
    assert "Ticket #1001" in mail.outbox[0].body


def test_sweep_work_is_bounded_by_what_is_due(owner, markets, django_assert_max_num_queries):
    for i in range(30):
        promise(owner, markets, minutes=10 if i < 3 else 10_000)
    with django_assert_max_num_queries(20):
        report = services.sweep(now=T0 + timedelta(minutes=11))
    assert report.broken == 3


def _record():
    return sorted(
        Commitment.objects.values_list("pk", "state", "broken_at", "resolved_at", "due_at")
    )


def test_a_worker_down_for_ten_minutes_yields_the_same_record(owner, markets):
    """Same promises, same replies: one world sweeps every minute, the other is down from
    minute 5 to 15 and catches up. The ledgers must be identical."""

    def world(sweep_minutes):
        Commitment.objects.all().delete()
        ids = [promise(owner, markets, minutes=m).pk for m in (3, 8, 9, 12, 30)]
        replies = {ids[1]: 7, ids[2]: 11, ids[3]: 11}  # on time, late, on time (minutes)
        for minute in range(0, 40):
            now = T0 + timedelta(minutes=minute)
            for pk, at in replies.items():
                if at == minute:
                    services.do_keep(Commitment.objects.get(pk=pk), at=now)
            if minute in sweep_minutes:
                services.sweep(now=now)
        return [(state, broken, resolved) for _pk, state, broken, resolved, _due in _record()]

    always = world(set(range(40)))
    outage = world(set(range(0, 5)) | set(range(15, 40)))
    assert always == outage
    assert [row[0] for row in always] == ["broken", "kept", "kept_late", "kept", "broken"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_never_notify_twice(make_user, markets):
    owner = make_user("support_agent", ["JP"])
    for _ in range(40):
        promise(owner, markets, minutes=5)
    now = T0 + timedelta(minutes=6)
    errors = []

    def run():
        try:
            services.sweep(now=now)
        except Exception as exc:  # pragma: no cover - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Commitment.objects.filter(state=State.BROKEN).count() == 40
    assert CommitmentEvent.objects.filter(kind="broken").count() == 40
    assert Notification.objects.filter(recipient=owner).count() == 40


# --- Trust figures --------------------------------------------------------------------------


def test_trust_figures_by_owner_kind_and_market(make_user, markets):
    admin = make_user("admin")
    alice = make_user("support_agent", ["JP"], username="alice")
    bob = make_user("support_agent", ["JP"], username="bob")
    for who, outcomes in ((alice, [5, 5, 5, 90]), (bob, [5, 90, None, None])):
        for reply in outcomes:
            c = promise(who, markets, minutes=60)
            if reply is not None:
                services.do_keep(c, at=T0 + timedelta(minutes=reply))
    services.sweep(now=T0 + timedelta(hours=2))
    period = services.Period(T0 - timedelta(days=1), T0 + timedelta(days=1))

    summary = services.trust_summary(admin, period)
    assert (summary["kept"], summary["kept_late"], summary["broken"]) == (4, 2, 2)
    assert summary["on_time_rate"] == 0.5

    by_owner = {row["label"]: row for row in services.trust_by(admin, period, "owner")}
    assert by_owner["alice"]["on_time_rate"] == 0.75
    assert by_owner["bob"]["on_time_rate"] == 0.25
    assert services.trust_by(admin, period, "owner")[0]["label"] == "bob"  # worst first

    by_market = services.trust_by(admin, period, "market")
    assert by_market[0]["key"] == "JP"
    assert by_market[0]["total"] == 8
    by_kind = services.trust_by(admin, period, "kind")
    assert by_kind[0]["total"] == 8
    weekly = services.trust_weekly(admin, period)
    assert sum(row["total"] for row in weekly) == 8


def test_trust_figures_respect_the_access_layer(make_user, markets):
    jp = make_user("support_agent", ["JP"])
    de_manager = make_user("regional_manager", ["DE"])
    services.do_keep(promise(jp, markets), at=T0 + timedelta(minutes=1))
    period = services.Period(T0 - timedelta(days=1), T0 + timedelta(days=1))
    assert services.trust_summary(jp, period)["total"] == 1
    assert services.trust_summary(de_manager, period)["total"] == 0


def test_trust_refuses_an_unknown_grouping(make_user):
    with pytest.raises(ValidationError):
        services.trust_by(make_user("admin"), services.Period.last_days(30), "planet")
