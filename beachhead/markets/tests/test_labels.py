"""Calendars, holiday calendars and markets named in the reader's language, never as codes;
and a market's document is enough for an outside tool to rebuild its calendar."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation

from beachhead.markets import services

pytestmark = pytest.mark.django_db

THIN = "\u2009"


@pytest.mark.parametrize(
    ("language", "around", "market", "coverage"),
    [
        ("en", "Around the clock", "Malaysia business hours", "Follow-the-sun: Japan, Germany, United States"),
        ("ja", "24時間365日", "マレーシアの営業時間", "フォロー・ザ・サン：日本、ドイツ、アメリカ合衆国"),
        ("zh-hans", "全天候（7×24 小时）", "马来西亚工作时间", "日不落接力：日本、德国和美国"),
    ],
)  # fmt: skip
def test_calendar_keys_read_as_words(language, around, market, coverage):
    with translation.override(language):
        assert services.calendar_label("24x7") == around
        assert services.calendar_label("market:MY") == market
        assert services.calendar_label("coverage:JP,DE,US") == coverage
    # The reader's language may also be given, whatever is active.
    with translation.override("en"):
        assert services.calendar_label("market:MY", language) == market


def test_a_key_that_names_no_calendar_comes_back_as_it_is():
    assert services.calendar_label("weekdays") == "weekdays"
    assert services.calendar_label("") == ""


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", f"Japan national holidays + bank holidays (Dec 31{THIN}–{THIN}Jan 3)"),
        ("ja", "日本の祝日＋銀行休業日（12月31日～1月3日）"),
        ("zh-hans", "日本全国性假日＋银行休息日（12月31日至1月3日）"),
    ],
)
def test_the_holiday_calendar_reads_as_words(jp, language, text):
    with translation.override(language):
        assert services.holiday_label(jp, year=2026) == text


def test_a_subdivision_is_named(markets):
    with translation.override("en"):
        assert (
            services.holiday_label(markets["AU"]) == "Australia public holidays (New South Wales)"
        )
    with translation.override("ja"):
        assert (
            services.holiday_label(markets["AU"])
            == "オーストラリアの祝日（ニューサウスウェールズ州）"
        )


def test_the_market_page_and_filters_speak_the_readers_language(jp):
    template = Template(
        "{% load markets %}{{ 'market:JP'|calendar_label }}|{{ 'Asia/Tokyo'|zone_city }}|"
        "{{ 'JP'|market_name }}|{{ cats|holiday_category_list }}"
    )
    with translation.override("zh-hans"):
        assert (
            template.render(Context({"cats": ["public", "bank"]}))
            == "日本工作时间|东京|日本|银行休息日"
        )
    with translation.override("en"):
        assert (
            template.render(Context({"cats": ["bank"]}))
            == "Japan business hours|Tokyo|Japan|bank holidays"
        )


def test_the_api_adds_labels_in_the_readers_language(api, make_user, jp):
    reader = make_user("admin", language="ja")
    body = api(reader).get("/api/v1/markets/JP/", HTTP_ACCEPT_LANGUAGE="ja").json()
    assert body["timezone"] == "Asia/Tokyo"  # the codes stay
    assert body["holiday_categories"] == ["public", "bank"]
    assert body["name_label"] == "日本"
    assert body["timezone_label"] == "東京"
    assert body["languages_label"] == "日本語"
    assert body["holidays_label"].startswith("日本の祝日＋銀行休業日")


def _closed_days(calendar, tz: str, first: date, last: date) -> set[date]:
    """The days in [first, last] with no open time on ``calendar``."""
    closed = set()
    zone = ZoneInfo(tz)
    day = first
    while day <= last:
        start = datetime.combine(day, time(0), zone)
        if not list(calendar.open_intervals(start, start + timedelta(days=1))):
            closed.add(day)
        day += timedelta(days=1)
    return closed


def test_an_outside_tool_rebuilds_japans_year_end_from_the_document(jp):
    out = StringIO()
    call_command("markets", "show", "JP", "--json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["holiday_categories"] == ["public", "bank"]
    assert document["holidays"] == {"country": "JP", "subdiv": None}

    # What another tool does with the document alone: the holidays library and the hours.
    theirs = holidays.country_holidays(
        document["holidays"]["country"],
        subdiv=document["holidays"]["subdiv"],
        years=(2026, 2027),
        categories=tuple(document["holiday_categories"]),
    )
    weekdays = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    first, last = date(2026, 12, 28), date(2027, 1, 8)
    rebuilt = {
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if first + timedelta(days=n) in theirs
        or not document["weekly_hours"][weekdays[(first + timedelta(days=n)).weekday()]]
    }
    ours = _closed_days(services.calendar_for("market:JP"), document["timezone"], first, last)
    assert ours == rebuilt
    assert {date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)} <= ours
    assert date(2027, 1, 4) not in ours  # back to work on Monday


def test_extra_holidays_the_library_leaves_in_english_get_the_categorys_name(jp):
    days = dict(services.market_holidays(jp, 2026, "zh-hans"))
    assert days[date(2026, 12, 31)] == "银行休息日"
    assert dict(services.market_holidays(jp, 2026, "ja"))[date(2026, 12, 31)] == "銀行休業日"
    assert dict(services.market_holidays(jp, 2026, "en"))[date(2026, 12, 31)] == "Bank Holiday"
