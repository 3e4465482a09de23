"""Names in the reader's language: the variant when there is one, the main name otherwise."""

from types import SimpleNamespace

from django.utils import translation

from beachhead.core.localise import language_key, local_name, pick


def test_language_keys_cover_the_interface_languages():
    assert language_key("zh-hans") == "zh-hans"
    assert language_key("zh-Hans") == "zh-hans"
    assert language_key("ja") == "ja"
    assert language_key("de") == "en"


def test_pick_reads_the_active_language_then_english_then_the_fallback():
    mapping = {"en": "Tokyo desk", "ja": "東京デスク"}
    with translation.override("ja"):
        assert pick(mapping) == "東京デスク"
    with translation.override("zh-hans"):
        assert pick(mapping) == "Tokyo desk"
        assert pick({}, "fallback") == "fallback"


def test_a_record_shows_its_variant_or_its_name():
    team = SimpleNamespace(name="Tokyo desk", names={"zh-hans": "东京服务台"})
    with translation.override("zh-hans"):
        assert local_name(team) == "东京服务台"
    with translation.override("ja"):
        assert local_name(team) == "Tokyo desk"
    assert local_name(SimpleNamespace(name="Plain"), "ja") == "Plain"
