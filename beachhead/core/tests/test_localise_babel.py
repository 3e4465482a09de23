"""Names Babel knows, in the reader's language: time zones and their cities, languages,
countries; and relative times that read naturally in Japanese and Chinese."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from beachhead.core.localise import (
    country_label,
    duration_text,
    language_label,
    name_list,
    relative_time,
    zone_choice_label,
    zone_city,
    zone_name,
)

NOW = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "tokyo", "new_york", "japan_time"),
    [("en", "Tokyo", "New York", "Japan Time"), ("ja", "東京", "ニューヨーク", "日本時間"),
     ("zh-hans", "东京", "纽约", "日本时间")],
)  # fmt: skip
def test_zones_are_named_by_their_city_in_the_readers_language(
    language, tokyo, new_york, japan_time
):
    with translation.override(language):
        assert zone_city("Asia/Tokyo") == tokyo
        assert zone_city("America/New_York") == new_york
        assert zone_name("Asia/Tokyo") == japan_time
    assert zone_city("Asia/Tokyo", language) == tokyo


def test_odd_zones_stay_readable():
    assert zone_city("UTC", "ja") == "UTC"
    assert zone_city("", "ja") == ""
    assert zone_city("Nowhere/Some_Place", "ja") == "Some Place"
    assert zone_choice_label("Asia/Tokyo", "ja") == "日本 · 東京"


@pytest.mark.parametrize(
    ("language", "names"),
    [("en", ["Japanese", "Simplified Chinese", "English"]), ("ja", ["日本語", "簡体中国語", "英語"]),
     ("zh-hans", ["日语", "简体中文", "英语"])],
)  # fmt: skip
def test_language_codes_are_named_in_the_readers_language(language, names):
    with translation.override(language):
        assert [language_label(code) for code in ("ja", "zh-hans", "en")] == names
    assert language_label("xx-yy", language) == "xx-yy"


def test_countries_and_lists():
    assert country_label("DE", "ja") == "ドイツ"
    assert country_label("DE", "zh-hans") == "德国"
    assert name_list(["日本", "德国", "美国"], "zh-hans") == "日本、德国和美国"
    assert name_list(["Japan", "Germany"], "en") == "Japan, Germany"


@pytest.mark.parametrize(
    ("language", "ahead", "behind", "soon"),
    [
        ("en", "in 2 hours, 3 minutes", "3 days, 4 hours ago", "in 12 minutes"),
        ("ja", "2時間3分後", "3日4時間前", "12分後"),
        ("zh-hans", "2小时3分钟后", "3天4小时前", "12分钟后"),
    ],
)
def test_relative_times_read_naturally(language, ahead, behind, soon):
    with translation.override(language):
        assert relative_time(NOW + timedelta(hours=2, minutes=3, seconds=5), NOW) == ahead
        assert relative_time(NOW - timedelta(days=3, hours=4), NOW) == behind
        assert relative_time(NOW + timedelta(minutes=12), NOW) == soon
        if language != "en":
            for delta in (timedelta(days=3, hours=4), timedelta(hours=26), timedelta(days=40)):
                text = relative_time(NOW - delta, NOW)
                assert "," not in text, text
                assert " " not in text, text


def test_durations_and_now():
    assert duration_text(timedelta(hours=26), "ja") == "1日2時間"
    assert duration_text(timedelta(seconds=-30), "en") == "30 seconds"
    with translation.override("en"):
        assert relative_time(NOW, NOW) == "now"


def test_the_when_tag_names_the_customers_city_and_the_time_in_the_readers_words():
    template = Template("{% load beachhead %}{% when value 'Asia/Tokyo' %}|{{ value|timespan }}")
    value = timezone.now() + timedelta(hours=2, minutes=3, seconds=30)
    with translation.override("ja"), timezone.override("Europe/Berlin"):
        html = template.render(Context({"value": value}))
    assert "東京" in html
    assert "2時間3分後" in html
    assert html.endswith("|2時間3分")


def test_zone_and_language_filters():
    template = Template(
        "{% load beachhead %}{{ 'Asia/Shanghai'|zone_city }} {{ 'ja'|language_label }} "
        "{{ codes|language_list }}"
    )
    with translation.override("zh-hans"):
        assert template.render(Context({"codes": ["ja", "en"]})) == "上海 日语 日语和英语"
