"""The flagship promise: urgent incidents of strategic accounts get a first human reply within
15 minutes. The figure (kept N of M, median minutes, per market), its access and its cards on
Home and on the Trust page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from beachhead.commitments.services import sweep
from beachhead.support.services import flagship, tickets

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
#: A Monday night in Tokyo: the clock is pinned, the desk's shifts play no part (24x7 target).
NOW = dt.datetime(2027, 3, 1, 23, 30, tzinfo=TOKYO)
EMAIL = "yamada@yamato-seiki.co.jp"


def _incident(subject: str, at: dt.datetime, priority: str = "urgent", email=EMAIL, **fields):
    return tickets.do_create_ticket(
        subject=subject,
        body_text="本番環境が停止しています。",
        requester_email=email,
        priority=priority,
        at=at,
        **fields,
    )


def _reply(ticket, user, at: dt.datetime):
    tickets.do_reply(ticket, user, "確認しています。", at=at)


@pytest.fixture
def incidents(customer, growth_customer, admin):
    """Answered after 5, 9 and 40 minutes, one never answered (broken by the sweep), plus
    tickets the figure leaves out: a growth account's urgent one, a normal one, an old one."""
    day = NOW - dt.timedelta(days=3)
    for minutes, hour in ((5, 2), (9, 3), (40, 4)):
        at = day.replace(hour=hour)
        _reply(_incident(f"停止 {hour}", at), admin, at + dt.timedelta(minutes=minutes))
    _incident("応答なし", day.replace(hour=5))
    growth = _incident("Growth outage", day, account=growth_customer, email="")
    _reply(growth, admin, day + dt.timedelta(minutes=3))
    normal = _incident("質問", day, priority="normal")
    _reply(normal, admin, day + dt.timedelta(minutes=2))
    old = NOW - dt.timedelta(days=flagship.WINDOW_DAYS + 5)
    _reply(_incident("昔の停止", old), admin, old + dt.timedelta(minutes=1))
    sweep(now=NOW)


def test_the_figure_counts_urgent_strategic_first_replies_in_the_window(incidents, admin):
    figure = flagship.fifteen_minutes(admin, now=NOW)

    overall = figure.overall
    assert (overall.kept, overall.kept_late, overall.broken) == (2, 1, 1)
    assert overall.total == 4
    assert overall.on_time_rate == 0.5
    assert overall.median_minutes == 9.0  # of 5, 9 and 40: the broken one has no reply
    assert [m.code for m in figure.markets] == ["JP"]
    assert figure.markets[0].total == 4
    assert figure.as_dict()["target_minutes"] == 15


def test_a_reply_after_the_breach_is_late_and_counts_in_the_median(incidents, admin):
    from beachhead.support.models import Ticket

    late = Ticket.objects.get(subject="応答なし")
    _reply(late, admin, late.created_at + dt.timedelta(minutes=120))

    figure = flagship.fifteen_minutes(admin, now=NOW)
    # The ledger records a broken promise answered later as kept late.
    assert (figure.overall.kept, figure.overall.kept_late, figure.overall.broken) == (2, 2, 0)
    assert figure.overall.median_minutes == 24.5  # of 5, 9, 40 and 120


def test_people_see_the_figure_of_their_markets_only(incidents, make_user):
    berlin = make_user("regional_manager", ["DE"], username="lena")
    tokyo = make_user("regional_manager", ["JP"], username="haruka")

    assert flagship.fifteen_minutes(berlin, now=NOW).overall.total == 0
    assert flagship.fifteen_minutes(tokyo, now=NOW).overall.total == 4


def test_the_figure_links_to_the_tickets_behind_it(incidents, admin, client):
    figure = flagship.fifteen_minutes(admin, now=NOW)
    url = figure.markets[0].url
    assert sorted(value for key, value in parse_qsl(urlsplit(url).query) if key == "f") == sorted(
        [
            "priority:in:urgent",
            "account__tier:in:strategic",
            f"created_at:gte:{timezone.localdate(figure.start).isoformat()}",
            "market__code:in:JP",
        ]
    )
    client.force_login(admin)
    page = client.get(url).content.decode()
    assert "停止 2" in page
    assert "応答なし" in page
    assert "Growth outage" not in page
    assert "質問" not in page


def test_home_and_trust_show_the_card(customer, admin, client, django_assert_max_num_queries):
    now = timezone.now()
    for minutes, days in ((4, 2), (30, 1)):
        at = now - dt.timedelta(days=days)
        _reply(_incident(f"停止 {days}", at), admin, at + dt.timedelta(minutes=minutes))
    client.force_login(admin)

    with translation.override("en"):
        home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        trust = client.get("/commitments/trust/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for page in (home, trust):
        assert "The 15-minute promise" in page
        assert "kept 1 of 2" in page
        assert "median 17 min" in page
        assert "/lists/tickets/?f=priority%3Ain%3Aurgent" in page

    with django_assert_max_num_queries(40):
        client.get("/commitments/trust/")


def test_the_card_says_so_when_there_is_nothing_yet(admin, client, markets):
    client.force_login(admin)
    with translation.override("en"):
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No urgent incident yet" in page


def test_the_api_gives_the_figure_in_the_callers_markets(customer, api, admin, make_user):
    at = timezone.now() - dt.timedelta(days=2)
    _reply(_incident("停止", at), admin, at + dt.timedelta(minutes=5))

    body = api(admin).get("/api/v1/fifteen-minutes/?days=30").json()

    assert body["target_minutes"] == 15
    assert (body["overall"]["kept"], body["overall"]["total"]) == (1, 1)
    assert body["overall"]["median_minutes"] == 5.0
    assert body["markets"][0]["market"] == "JP"
    berlin = make_user("regional_manager", ["DE"], username="lena")
    assert api(berlin).get("/api/v1/fifteen-minutes/").json()["overall"]["total"] == 0
    assert api(admin).get("/api/v1/fifteen-minutes/?days=abc").status_code == 400
    assert api().get("/api/v1/fifteen-minutes/").status_code == 401
