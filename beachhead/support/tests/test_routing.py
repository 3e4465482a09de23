"""Follow-the-sun routing, escalation to the team manager before a breach, and the alerts of
outsourced teams."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from beachhead.commitments.models import State
from beachhead.commitments.services import for_subject, sweep
from beachhead.core.models import Notification, Team
from beachhead.support.models import Shift, Survey, TeamAlert, TeamThreshold
from beachhead.support.services import alerts, routing, tickets

TOKYO = ZoneInfo("Asia/Tokyo")
# Tuesday 19 January 2027.
TUESDAY_10_TOKYO = dt.datetime(2027, 1, 19, 10, 0, tzinfo=TOKYO)  # 02:00 in Berlin
TUESDAY_22_TOKYO = dt.datetime(2027, 1, 19, 22, 0, tzinfo=TOKYO)  # 14:00 in Berlin


@pytest.fixture
def desk(make_agent, tokyo_team, make_user):
    berlin_team = Team.objects.create(
        name="Berlin support", market_code="DE", timezone="Europe/Berlin"
    )
    return {
        "aiko": make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja", "en"], team=tokyo_team),
        "ren": make_agent("ren", ["JP"], "Asia/Tokyo", ["ja"], team=tokyo_team),
        "jonas": make_agent("jonas", ["DE"], "Europe/Berlin", ["de", "en"], team=berlin_team),
        "mia": make_agent("mia", ["DE", "JP"], "Europe/Berlin", ["ja", "de"], team=berlin_team),
        "berlin_team": berlin_team,
    }


def _ticket(at, language="ja", **kw):
    return tickets.do_create_ticket(
        subject="件名",
        body_text="本文",
        requester_email="yamada@yamato-seiki.co.jp",
        language=language,
        at=at,
        **kw,
    )


@pytest.mark.django_db
def test_on_shift_speaker_with_least_load(customer, desk):
    first = _ticket(TUESDAY_10_TOKYO)
    second = _ticket(TUESDAY_10_TOKYO + dt.timedelta(minutes=1))
    # Both Tokyo agents are on shift and speak Japanese; the load spreads.
    assert {first.assignee.username, second.assignee.username} == {"aiko", "ren"}
    assert "least open" in first.routing_note


@pytest.mark.django_db
def test_night_in_tokyo_goes_to_the_coverage_team(customer, desk):
    ticket = _ticket(TUESDAY_22_TOKYO)
    # Tokyo sleeps; in Berlin it is 14:00 and Mia speaks Japanese and covers JP.
    assert ticket.assignee == desk["mia"]
    assert ticket.team == desk["berlin_team"]
    # Her promises are hers: the SLA commitments follow the routing.
    assert for_subject(ticket).get(kind="first_reply").owner == desk["mia"]


@pytest.mark.django_db
def test_coverage_of_another_time_zone_when_nobody_of_the_market_speaks(customer, desk):
    Shift.objects.filter(user=desk["mia"]).delete()
    ticket = _ticket(TUESDAY_22_TOKYO, language="de")
    # Nobody covering Japan is on shift; Jonas in Berlin speaks German.
    assert ticket.assignee == desk["jonas"]
    assert "coverage team" in ticket.routing_note


@pytest.mark.django_db
def test_nobody_on_shift_leaves_it_with_the_market_team(customer, desk, tokyo_team):
    sunday = dt.datetime(2027, 1, 24, 3, 0, tzinfo=TOKYO)
    ticket = _ticket(sunday)
    assert ticket.assignee is None
    assert ticket.team == tokyo_team


def test_overnight_shift():
    shift = Shift(weekday=0, start=dt.time(22, 0), end=dt.time(6, 0))
    monday_23 = dt.datetime(2027, 1, 18, 23, 0, tzinfo=TOKYO)

    def on_shift(local):
        return routing._within(shift.weekday, shift.start, shift.end, local)

    assert on_shift(monday_23)
    assert on_shift(monday_23 + dt.timedelta(hours=6))  # Tuesday 05:00
    assert not on_shift(monday_23 + dt.timedelta(hours=8))  # Tuesday 07:00
    assert not on_shift(monday_23 - dt.timedelta(hours=2))  # Monday 21:00


@pytest.mark.django_db
def test_team_manager_is_alerted_before_the_breach(customer, tokyo_team):
    at = dt.datetime(2027, 1, 24, 3, 0, tzinfo=TOKYO)  # nobody on shift: the team holds it
    ticket = _ticket(at, priority="urgent")
    first = for_subject(ticket).get(kind="first_reply")
    assert first.due_at == at + dt.timedelta(minutes=15)
    sweep(now=first.escalate_at)
    notices = Notification.objects.filter(recipient=tokyo_team.manager)
    assert notices.filter(key__contains="escalated").exists(), list(notices.values("key"))
    sweep(now=first.due_at + dt.timedelta(seconds=1))
    first.refresh_from_db()
    assert first.state == State.BROKEN
    assert first.broken_at == first.due_at


@pytest.mark.django_db
def test_outsourced_team_over_its_breach_rate_raises_one_alert(customer, make_user):
    manager = make_user("regional_manager", ["JP"], username="partner-lead")
    partner = Team.objects.create(
        name="Manila partner desk", market_code="JP", kind="outsourced", manager=manager
    )
    TeamThreshold.objects.create(
        team=partner, max_breach_rate=Decimal(10), min_satisfaction=Decimal(85), min_sample=4
    )
    now = timezone.now()
    start = now - dt.timedelta(days=3)
    made = []
    for i in range(4):
        ticket = tickets.do_create_ticket(
            subject=f"件名 {i}",
            body_text="本文",
            requester_email="yamada@yamato-seiki.co.jp",
            priority="low",
            at=start,
        )
        tickets.do_assign(ticket, make_user("admin", username=f"a{i}"), assignee=None, team=partner)
        made.append(ticket)
    # Two of the four solved with a bad rating: satisfaction 50 %, and the due first replies
    # in the window were all missed.
    for ticket in made[:2]:
        Survey.objects.create(
            ticket=ticket, token=f"t{ticket.pk}", sent_at=now, rating="bad", answered_at=now
        )
    for ticket in made[2:]:
        Survey.objects.create(
            ticket=ticket, token=f"t{ticket.pk}", sent_at=now, rating="good", answered_at=now
        )
    figures = alerts.team_figures([partner], now - dt.timedelta(days=30), now)[partner.pk]
    assert figures.satisfaction == Decimal("50.00")
    raised = alerts.do_check_thresholds(now)
    assert {a.metric for a in raised} >= {TeamAlert.Metric.SATISFACTION}
    assert Notification.objects.filter(recipient=manager, key__startswith="team-alert").exists()
    assert alerts.do_check_thresholds(now) == []  # once per week
