"""The desk names languages and the customer's city in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone, translation

from beachhead.support.templatetags.support import language_name, local_clock


def test_a_language_is_named_in_the_readers_language():
    with translation.override("en"):
        assert language_name("ja") == "Japanese"
    with translation.override("zh-hans"):
        assert language_name("ja") == "日语"
        assert language_name("") == "—"
    with translation.override("ja"):
        assert language_name("zh-hans") == "簡体中国語"


def test_the_customers_clock_names_their_city_in_the_readers_language():
    now = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
    with translation.override("ja"), timezone.override("Europe/Berlin"):
        assert "東京" in local_clock(now, "Asia/Tokyo")
    with translation.override("zh-hans"), timezone.override("Europe/Berlin"):
        assert "东京" in local_clock(now, "Asia/Tokyo")
    with translation.override("en"), timezone.override("Europe/Berlin"):
        html = local_clock(now, "America/Sao_Paulo")
        assert "São Paulo" in html
        assert "Sao_Paulo" not in html


def test_list_cells_name_languages_and_zones():
    from beachhead.accounts.lists import _zone
    from beachhead.support.lists import _language

    with translation.override("zh-hans"):
        assert _language("ja", None) == ("日语", "日语")
        assert _zone("Asia/Tokyo", None)[0] == "东京"
    assert _language("", None)[0] == "—"
