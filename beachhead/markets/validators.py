"""Checks for the values of a playbook, shared by the file loader, the edit form and the API.

Each ``check_*`` function takes a raw value (from TOML, a form or JSON), returns it normalised,
or raises :class:`django.core.exceptions.ValidationError` with a message a person can act on.
They read no database, so the data migration can use them too.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from beachhead.markets import vocabulary
from beachhead.markets.calendar import parse_weekly_hours

CODE_RE = re.compile(r"^[A-Z]{2}$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
# language[-Script][-REGION]: enough of BCP 47 for customer languages.
LANGUAGE_TAG_RE = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-(?:[A-Z]{2}|[0-9]{3}))?$")
WALL_TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _json(value: Any) -> Any:
    """Accept JSON text (from a textarea) as well as already parsed values."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("This is not valid JSON: %(error)s (line %(line)s, column %(column)s).")
                % {"error": exc.msg, "line": exc.lineno, "column": exc.colno}
            ) from None
    return value


def _string_list(value: Any, what: str, empty: str = "") -> list[str]:
    """A list of texts, stripped, none twice; with ``empty``, that error when there is none."""
    value = _json(value)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("%(what)s must be a list of texts.") % {"what": what})
    items = [item.strip() for item in value]
    duplicates = sorted({item for item in items if items.count(item) > 1})
    if duplicates:
        raise ValidationError(
            _("%(what)s lists %(items)s more than once.")
            % {"what": what, "items": ", ".join(duplicates)}
        )
    if empty and not items:
        raise ValidationError(empty)
    return items


def _unknown(codes: list[str], known: dict, what: str) -> None:
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(
            _("Unknown %(what)s: %(codes)s. Known: %(known)s.")
            % {"what": what, "codes": ", ".join(unknown), "known": ", ".join(known)}
        )


def _upper_code(value: Any, pattern: re.Pattern, error: str, placeholder: str) -> str:
    """``value`` stripped and in upper case when it matches ``pattern``; otherwise ``error``
    (with ``value`` in its ``placeholder``)."""
    code = str(value or "").strip().upper()
    if not pattern.match(code):
        raise ValidationError(error % {placeholder: value})
    return code


def check_code(value: Any) -> str:
    """A market code: ISO 3166-1 alpha-2, upper case (``jp`` → ``JP``)."""
    error = _("“%(code)s” is not a two-letter market code such as JP.")
    return _upper_code(value, CODE_RE, error, "code")


def check_countries(value: Any) -> list[str]:
    codes = _string_list(value, _("Countries"), empty=_("List at least one country."))
    return [check_code(code) for code in codes]


def check_currency(value: Any) -> str:
    error = _("“%(value)s” is not an ISO 4217 currency code such as JPY.")
    return _upper_code(value, CURRENCY_RE, error, "value")


def check_timezones(value: Any) -> list[str]:
    empty = _("List at least one time zone; the first is the market's own.")
    zones = _string_list(value, _("Time zones"), empty=empty)
    for name in zones:
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                _("“%(zone)s” is not an IANA time zone such as Asia/Tokyo.") % {"zone": name}
            ) from None
    return zones


def check_languages(value: Any) -> list[str]:
    tags = _string_list(
        value, _("Languages"), empty=_("List at least one language, such as ja or en-US.")
    )
    for tag in tags:
        if not LANGUAGE_TAG_RE.match(tag):
            raise ValidationError(
                _("“%(tag)s” is not a language tag such as ja, en-US or zh-Hans-CN.") % {"tag": tag}
            )
    return tags


def check_region(value: Any) -> str:
    region = str(value or "").strip().lower()
    _unknown([region], vocabulary.DATA_RESIDENCY_REGIONS, _("data-residency region"))
    return region


def check_residency_by_industry(value: Any, default_region: str | None = None) -> dict[str, str]:
    value = _json(value) or {}
    if not isinstance(value, dict):
        raise ValidationError(_('Give a mapping of industry to region, such as {"finance": "id"}.'))
    result = {}
    for industry, region in value.items():
        _unknown([industry], vocabulary.INDUSTRIES, _("industry"))
        region = check_region(region)
        if region == default_region:
            raise ValidationError(
                _("%(industry)s repeats the market's default region %(region)s; leave it out.")
                % {"industry": industry, "region": region}
            )
        result[industry] = region
    return result


def check_localised(value: Any, *, required: tuple[str, ...] = ("en",)) -> dict[str, str]:
    """A text per interface language: ``{"en": …, "zh-hans": …, "ja": …}``.

    ``required`` languages must be filled in; the others may be empty, and the interface then
    shows the English text.
    """
    value = _json(value)
    if value in (None, ""):
        value = {}
    if not isinstance(value, dict):
        raise ValidationError(
            _("Give one text per language: keys %(keys)s.")
            % {"keys": ", ".join(vocabulary.UI_LANGUAGES)}
        )
    unknown = sorted(set(value) - set(vocabulary.UI_LANGUAGES))
    if unknown:
        raise ValidationError(
            _("Unknown language keys %(keys)s; use %(known)s.")
            % {"keys": ", ".join(unknown), "known": ", ".join(vocabulary.UI_LANGUAGES)}
        )
    result = {}
    for language in vocabulary.UI_LANGUAGES:
        text = value.get(language, "")
        if not isinstance(text, str):
            raise ValidationError(
                _("The %(language)s text must be a text.") % {"language": language}
            )
        text = text.strip()
        if not text and language in required:
            raise ValidationError(_("The %(language)s text is missing.") % {"language": language})
        if text:
            result[language] = text
    return result


def _minutes(text: Any, *, is_end: bool) -> int:
    if is_end and text == "24:00":
        return 24 * 60
    if not isinstance(text, str) or not WALL_TIME_RE.match(text):
        raise ValidationError(
            _("“%(value)s” is not a time of day in 24-hour HH:MM form, such as 09:00.")
            % {"value": text}
        )
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _check_day_hours(day: str, intervals: Any) -> list[list[str]]:
    """One weekday's intervals: ``[start, end]`` pairs, in order, none overlapping."""
    if not isinstance(intervals, list):
        raise ValidationError(_("%(day)s: give a list of [start, end] pairs.") % {"day": day})
    previous_end = -1
    cleaned = []
    for interval in intervals:
        if not isinstance(interval, list | tuple) or len(interval) != 2:
            raise ValidationError(
                _('%(day)s: “%(value)s” is not a [start, end] pair such as ["09:00", "18:00"].')
                % {"day": day, "value": json.dumps(interval, ensure_ascii=False)}
            )
        start_text, end_text = interval
        if start_text == "24:00":
            raise ValidationError(_("%(day)s: 24:00 can only end an interval.") % {"day": day})
        start = _minutes(start_text, is_end=False)
        end = _minutes(end_text, is_end=True)
        if end <= start:
            raise ValidationError(
                _("%(day)s: %(start)s–%(end)s ends before it starts.")
                % {"day": day, "start": start_text, "end": end_text}
            )
        if start < previous_end:
            raise ValidationError(
                _("%(day)s: the intervals overlap or are out of order.") % {"day": day}
            )
        previous_end = end
        cleaned.append([start_text, end_text])
    return cleaned


def check_weekly_hours(value: Any) -> dict[str, list[list[str]]]:
    """Weekly working hours: ``{"mon": [["09:00", "18:00"]], …, "sun": []}``.

    Times are local ``HH:MM``; ``24:00`` may end a day. Intervals are in order and do not
    overlap; a missing day is closed. At least one day must have hours, or nothing could ever
    fall due on this calendar.
    """
    value = _json(value)
    if not isinstance(value, dict):
        raise ValidationError(
            _('Give the hours per weekday, e.g. {"mon": [["09:00", "18:00"]], "sat": []}.')
        )
    unknown = sorted(str(day) for day in set(value) - set(vocabulary.WEEKDAYS))
    if unknown:
        raise ValidationError(
            _("Unknown weekday keys %(keys)s; use %(known)s.")
            % {"keys": ", ".join(unknown), "known": ", ".join(vocabulary.WEEKDAYS)}
        )
    result: dict[str, list[list[str]]] = {}
    for day in vocabulary.WEEKDAYS:
        intervals = value.get(day) or []
        result[day] = _check_day_hours(day, intervals)
    if not any(result.values()):
        raise ValidationError(_("Give working hours for at least one day of the week."))
    try:
        parse_weekly_hours(result)  # the calendar engine must read what we store
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    return result


def check_channels(value: Any) -> list[str]:
    channels = _string_list(value, _("Support channels"))
    if not channels:
        raise ValidationError(_("List at least one support channel, most preferred first."))
    _unknown(channels, vocabulary.SUPPORT_CHANNELS, _("support channel"))
    return channels


def check_payment_methods(value: Any) -> list[dict]:
    value = _json(value)
    if not isinstance(value, list) or not value:
        raise ValidationError(
            _('Give a list of payment methods, e.g. [{"code": "card", "timing": "prepay"}].')
        )
    result, seen = [], set()
    for method in value:
        if not isinstance(method, dict) or not set(method) <= {"code", "timing", "note"}:
            raise ValidationError(
                _("Each payment method has a code, a timing and optionally a note.")
            )
        code, timing = method.get("code"), method.get("timing")
        if not isinstance(code, str) or not isinstance(timing, str):
            raise ValidationError(
                _("Each payment method has a code, a timing and optionally a note.")
            )
        _unknown([code], vocabulary.PAYMENT_METHODS, _("payment method"))
        _unknown([timing], vocabulary.PAYMENT_TIMINGS, _("payment timing"))
        if code in seen:
            raise ValidationError(
                _("The payment method %(code)s is listed twice.") % {"code": code}
            )
        seen.add(code)
        cleaned: dict[str, Any] = {"code": code, "timing": timing}
        if method.get("note"):
            cleaned["note"] = check_localised(method["note"])
        result.append(cleaned)
    return result


def check_compliance(value: Any) -> dict[str, list[str]]:
    """Compliance proofs by industry; ``all`` applies to every industry, others add to it."""
    value = _json(value)
    if not isinstance(value, dict) or "all" not in value:
        raise ValidationError(
            _('Give the requirements by industry, with an “all” list: {"all": ["gdpr"]}.')
        )
    _unknown(list(value), vocabulary.INDUSTRIES, _("industry"))
    result = {}
    common = set()
    for industry in ["all", *[key for key in value if key != "all"]]:
        codes = _string_list(value[industry], industry)
        _unknown(codes, vocabulary.COMPLIANCE, _("compliance requirement"))
        if industry == "all":
            common = set(codes)
        else:
            repeated = sorted(common & set(codes))
            if repeated:
                raise ValidationError(
                    _("%(industry)s repeats what “all” already requires: %(codes)s.")
                    % {"industry": industry, "codes": ", ".join(repeated)}
                )
            if not codes:
                continue  # an empty industry adds nothing: drop it
        result[industry] = codes
    return result


@cache
def _supported_countries() -> dict[str, list[str]]:
    import holidays

    return holidays.list_supported_countries()


def check_holiday_calendar(
    country: Any, subdiv: Any = "", categories: Any = None
) -> tuple[str, str, list[str]]:
    """A calendar the ``holidays`` library knows: country, subdivision ("" = national only) and
    categories (empty = public holidays only)."""
    import holidays

    country = str(country or "").strip().upper()
    supported = _supported_countries()
    if country not in supported:
        raise ValidationError(
            _("The holidays library has no calendar for “%(country)s”.") % {"country": country}
        )
    subdiv = str(subdiv or "").strip()
    if subdiv and subdiv not in supported[country]:
        raise ValidationError(
            _("“%(subdiv)s” is not a subdivision of %(country)s; known: %(known)s.")
            % {"subdiv": subdiv, "country": country, "known": ", ".join(supported[country])}
        )
    categories = _string_list(categories or [], _("Holiday categories"))
    if categories:
        probe = holidays.country_holidays(country, subdiv=subdiv or None, years=())
        unsupported = sorted(set(categories) - set(probe.supported_categories))
        if unsupported:
            raise ValidationError(
                _("%(country)s has no holiday categories %(categories)s; known: %(known)s.")
                % {
                    "country": country,
                    "categories": ", ".join(unsupported),
                    "known": ", ".join(sorted(probe.supported_categories)),
                }
            )
    return country, subdiv, categories


def check_name(value: Any) -> str:
    name = str(value or "").strip()
    if not name:
        raise ValidationError(_("The name is missing."))
    if len(name) > 80:
        raise ValidationError(_("Keep the name under 80 characters."))
    return name
