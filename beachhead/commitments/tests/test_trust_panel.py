"""The Trust card on Home: the on-time share of the last 30 days with every figure linking to
the promises behind it, and per market a sparkline of the weekly share over 12 weeks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone, translation

from beachhead.commitments import panels, services

pytestmark = pytest.mark.django_db

#: A Wednesday: the current week started on Monday the 1st.
NOW = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def owner(make_user):
    return make_user("regional_manager", ["JP", "DE"], username="haruka")


def _promise(owner, markets, code, due_weeks_ago, kept=True):
    start = NOW - timedelta(weeks=due_weeks_ago, hours=2)
    made = services.do_create_commitment(
        kind="follow_up",
        calendar="24x7",
        target=timedelta(hours=1),
        owner=owner,
        start=start,
        market=markets[code],
        customer_label="Nintendo",
        subject_label="Ticket #42",
    )
    if kept:
        services.do_keep(made, at=start + timedelta(minutes=30))
    return made


def test_weekly_share_per_market(owner, markets):
    for weeks_ago in (0, 1, 1):
        _promise(owner, markets, "JP", weeks_ago)
    _promise(owner, markets, "JP", 1, kept=False)
    _promise(owner, markets, "DE", 11)
    services.sweep(now=NOW)

    rows = services.trust_by_market_weekly(owner, weeks=12, now=NOW)

    assert [r["key"] for r in rows] == ["JP", "DE"]  # most promises first
    japan = rows[0]
    assert (japan["kept"], japan["total"]) == (3, 4)
    assert japan["weekly"][-1] == 1.0  # this week
    assert japan["weekly"][-2] == round(2 / 3, 4)  # last week: two kept, one broken
    assert japan["weekly"][:-2] == [None] * 10
    assert rows[1]["weekly"][0] == 1.0  # eleven weeks ago is the first of twelve


def test_weeks_end_with_the_current_one(db):
    weeks = services.weeks_ending(NOW, 12)
    assert len(weeks) == 12
    assert weeks[-1] == datetime(2027, 3, 1, tzinfo=UTC)
    assert weeks[0] == datetime(2027, 3, 1, tzinfo=UTC) - timedelta(weeks=11)


def test_sparkline_points_skip_empty_weeks():
    assert panels.sparkline([None, 1.0, 0.5, None, 0.0]) == "24.0,2.0 48.0,12.0 96.0,22.0"
    assert panels.sparkline([None, 0.5]) == ""  # one point is no line


def test_every_figure_links_to_the_promises_behind_it(client, owner, markets):
    now = timezone.now()
    start = now - timedelta(days=3)
    made = services.do_create_commitment(
        kind="follow_up",
        calendar="24x7",
        target=timedelta(hours=1),
        owner=owner,
        start=start,
        market=markets["JP"],
        customer_label="Nintendo",
        subject_label="Ticket #42",
    )
    services.do_keep(made, at=start + timedelta(minutes=10))
    context = panels.trust(owner)

    kept = [v for _k, v in parse_qsl(urlsplit(context["trust_links"]["kept"]).query)]
    assert kept[0] == "state:in:kept"
    assert kept[1].startswith("due_at:gte:")
    conditions = [v for _k, v in parse_qsl(urlsplit(context["trust_markets"][0]["url"]).query)]
    assert "market__code:in:JP" in conditions
    assert "state:in:kept,kept_late,broken" in conditions

    client.force_login(owner)
    listed = client.get(context["trust_links"]["kept"]).content.decode()
    assert "Nintendo" in listed
    with translation.override("en"):
        home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert context["trust_links"]["broken"].replace("&", "&amp;") in home


def test_the_trust_page_links_its_figures(client, owner, markets):
    client.force_login(owner)
    html = client.get("/commitments/trust/?days=30").content.decode()
    assert "/lists/commitments/?f=state%3Ain%3Abroken&amp;f=due_at%3Agte%3A" in html
    assert "/lists/commitments/?f=state%3Ain%3Akept_late&amp;f=due_at%3Agte%3A" in html
