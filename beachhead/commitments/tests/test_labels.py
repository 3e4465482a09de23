"""Promises show their calendar, market, state and health as words, never as codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from beachhead.commitments import services


@pytest.fixture
def agent(make_user):
    return make_user("support_agent", ["JP"], username="aoi", language="ja")


def make(owner, markets, calendar):
    return services.do_create_commitment(
        kind="follow_up",
        calendar=calendar,
        target=timedelta(minutes=60),
        owner=owner,
        start=datetime.now(UTC),
        market=markets["JP"],
        customer_label="Nintendo",
        subject_label="Ticket #42",
    )


def test_the_api_adds_labels_beside_the_codes(api, agent, markets):
    make(agent, markets, "coverage:JP,DE,US")
    make(agent, markets, "market:JP")
    rows = api(agent).get("/api/v1/commitments/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    by_calendar = {row["calendar"]: row for row in rows}
    row = by_calendar["coverage:JP,DE,US"]
    assert row["calendar_label"] == "Follow-the-sun: Japan, Germany, United States"
    assert by_calendar["market:JP"]["calendar_label"] == "Japan business hours"
    assert (row["market"], row["market_label"]) == ("JP", "Japan")
    assert (row["state"], row["state_label"]) == ("open", "Open")
    assert (row["health"], row["health_label"]) == ("on_track", "On track")


def test_the_promise_page_names_its_calendar(client, agent, markets):
    promise = make(agent, markets, "24x7")
    client.force_login(agent)
    html = client.get(promise.get_absolute_url()).content.decode()
    assert "24時間365日" in html
    assert "24x7" not in html


def test_the_list_shows_market_names_and_calendars_in_words(client, agent, markets):
    make(agent, markets, "market:JP")
    client.force_login(agent)
    html = client.get(
        "/lists/commitments/", {"cols": "title,market__code,calendar"}, follow=True
    ).content.decode()
    assert "日本の営業時間" in html
    assert "market:JP" not in html
    grouped = client.get(
        "/lists/commitments/", {"cols": "title,calendar", "group": "calendar"}, follow=True
    ).content.decode()
    assert "日本の営業時間" in grouped
    assert "market:JP" not in grouped


def test_market_choices_follow_the_readers_language(markets):
    from beachhead.commitments.lists import MARKET_CHOICES

    with translation.override("zh-hans"):
        assert dict(MARKET_CHOICES)["DE"] == "德国"
    with translation.override("en"):
        assert dict(MARKET_CHOICES)["DE"] == "Germany"
