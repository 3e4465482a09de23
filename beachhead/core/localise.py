"""Data that people name in several languages: pick the reader's variant.

A record users name (a team, an SLA policy, a reply template's title, a deal stage) keeps its
main ``name`` and, in ``names``, the variants by language key — ``{"zh-hans": "…", "ja": "…"}``
(an ``"en"`` entry may override the main name for English readers). Pages, the API and notices
show ``local_name(record)``: the reader's variant when there is one, the main name otherwise.
Markets keep their names in three columns and their notes in the same ``{en, zh-hans, ja}``
mappings; ``pick`` reads those too.

Our own, small: django-modeltranslation adds a column per language and field and rewrites
queries, which is heavy for a handful of names edited in the product's settings pages.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_timedelta, get_timezone_location
from babel.lists import format_list
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

#: The interface languages, as the keys of a localised mapping.
LANGUAGE_KEYS = ("en", "zh-hans", "ja")


def language_key(language: str | None = None) -> str:
    """The mapping key of ``language`` (default: the active one): ``en``, ``zh-hans`` or ``ja``."""
    language = (language or translation.get_language() or "en").lower()
    if language.startswith("zh"):
        return "zh-hans"
    if language.startswith("ja"):
        return "ja"
    return "en"


def pick(mapping: dict[str, Any] | None, fallback: str = "", language: str | None = None) -> str:
    """The text of a ``{en, zh-hans, ja}`` mapping in ``language`` (default: the active one),
    else its English text, else ``fallback``."""
    mapping = mapping or {}
    return str(mapping.get(language_key(language)) or mapping.get("en") or fallback)


def local_name(record: Any, language: str | None = None) -> str:
    """The name of ``record`` in the reader's language when it has a variant (``names``)."""
    name = str(getattr(record, "name", "") or "")
    return pick(getattr(record, "names", None), name, language)


class NamedInLanguages(models.Model):
    """Mixin for a model with a ``name``: adds ``names``, its variants by language key."""

    names = models.JSONField(
        _("names in other languages"),
        default=dict,
        blank=True,
        help_text=_("The name as readers of each language see it, by language code."),
    )

    class Meta:
        abstract = True

    @property
    def local_name(self) -> str:
        return local_name(self)


# --- Names Babel knows: time zones, cities, languages, countries; relative times -------------

#: The Babel (CLDR) locale of each interface language key.
_BABEL_LOCALES = {"en": "en", "zh-hans": "zh_Hans", "ja": "ja"}


def babel_locale(language: str | None = None) -> Locale:
    """The Babel locale of ``language`` (default: the active interface language)."""
    return Locale.parse(_BABEL_LOCALES[language_key(language)])


def zone_city(tz_name: str | None, language: str | None = None) -> str:
    """The city a time zone is named after, as the reader names it: ``Asia/Tokyo`` → Tokyo,
    東京, 东京 (CLDR's exemplar cities). ``UTC`` stays ``UTC``; an unknown name comes back as
    its last part with spaces."""
    name = (tz_name or "").strip()
    if not name:
        return ""
    if name in ("UTC", "Etc/UTC", "GMT", "Etc/GMT"):
        return "UTC"
    try:
        return str(get_timezone_location(name, locale=babel_locale(language), return_city=True))
    except (LookupError, ValueError):
        return name.rsplit("/", 1)[-1].replace("_", " ")


def zone_name(tz_name: str | None, language: str | None = None) -> str:
    """The time zone as the reader names it: ``Asia/Tokyo`` → "Japan Time", 日本時間, 日本时间;
    ``America/New_York`` → "United States (New York) Time". ``UTC`` stays ``UTC``."""
    name = (tz_name or "").strip()
    if not name:
        return ""
    if name in ("UTC", "Etc/UTC", "GMT", "Etc/GMT"):
        return "UTC"
    try:
        return str(get_timezone_location(name, locale=babel_locale(language)))
    except (LookupError, ValueError):
        return name


def language_label(code: str | None, language: str | None = None) -> str:
    """A language tag as the reader names it: ``ja`` → Japanese, 日语, 日本語; ``zh-hans`` →
    Simplified Chinese, 简体中文, 簡体中国語 (CLDR's ``Locale.languages``). An unknown tag comes
    back unchanged."""
    tag = (code or "").strip()
    if not tag:
        return ""
    reader = babel_locale(language)
    try:
        parsed = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return str(reader.languages.get(tag.split("-")[0].lower(), tag))
    for key in (str(parsed), f"{parsed.language}_{parsed.script}" if parsed.script else ""):
        if key and key in reader.languages:
            return str(reader.languages[key])
    return str(parsed.get_display_name(reader) or tag)


def country_label(code: str | None, language: str | None = None) -> str:
    """A country (ISO 3166) code as the reader names it: ``DE`` → Germany, 德国, ドイツ."""
    text = (code or "").strip().upper()
    return str(babel_locale(language).territories.get(text, text))


#: The units of a relative time, largest first (Babel's and Django's lengths).
_UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("week", 7 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
)
# A space CLDR puts between a number and a Chinese or Japanese unit ("3 日", "12 分前").
_CJK_SPACE = re.compile(r"(?<=\d)\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+(?=\d)")


def _unit_text(seconds: int, locale: Locale) -> str:
    return str(format_timedelta(timedelta(seconds=seconds), threshold=1, locale=locale))


def duration_text(delta: timedelta, language: str | None = None) -> str:
    """A length of time in the reader's words, to two adjacent units like Django's
    ``timesince``: "3 days, 4 hours", "3日4時間", "3天4小时" (never an ASCII comma in Chinese
    or Japanese). Under a minute reads as seconds. The sign is ignored."""
    locale = babel_locale(language)
    seconds = abs(int(delta.total_seconds()))
    if seconds < 60:
        text = _unit_text(max(seconds, 1), locale)
    else:
        parts: list[str] = []
        for index, (_unit, length) in enumerate(_UNITS):
            count = seconds // length
            if count:
                parts.append(_unit_text(count * length, locale))
                if index + 1 < len(_UNITS):
                    smaller = _UNITS[index + 1][1]
                    rest = (seconds - count * length) // smaller
                    if rest:
                        parts.append(_unit_text(rest * smaller, locale))
                break
        text = str(format_list(parts, style="unit", locale=locale))
    if language_key(language) != "en":
        text = _CJK_SPACE.sub("", text)
    return text


def relative_time(value: datetime, now: datetime | None = None, language: str | None = None) -> str:
    """How far ``value`` is from ``now``, in the reader's words: "in 2 hours, 3 minutes",
    "2時間3分後", "2小时3分钟后"; "3 days ago", "3日前", "3天前"."""
    now = now or timezone.now()
    delta = value - now
    with translation.override(language_key(language) if language else translation.get_language()):
        if abs(delta) < timedelta(seconds=1):
            return str(pgettext("relative time", "now"))
        text = duration_text(delta, language)
        if delta > timedelta(0):
            return str(pgettext("relative time", "in %(time)s") % {"time": text})
        return str(pgettext("relative time", "%(time)s ago") % {"time": text})


def name_list(names: list[str], language: str | None = None) -> str:
    """Names joined as the reader lists them: "Japan, Germany, United States", 日本、德国和美国,
    日本、ドイツ、アメリカ合衆国."""
    locale = babel_locale(language)
    if language_key(language) == "en":
        return str(format_list([str(n) for n in names], style="unit", locale=locale))
    return str(format_list([str(n) for n in names], style="standard", locale=locale))


def zone_choice_label(tz_name: str, language: str | None = None) -> str:
    """A time zone as a picker lists it: "Japan · Tokyo", 日本 · 東京, 美国 · 纽约."""
    from babel.core import get_global

    territory = get_global("zone_territories").get(tz_name, "")
    city = zone_city(tz_name, language)
    if not territory or territory == "001":
        return city
    return f"{country_label(territory, language)} · {city}"
