"""Services of the markets pillar: load and edit playbooks, resolve business calendars.

- ``load_playbook_files`` / ``do_sync_markets``: the files in ``playbooks/`` into the database.
- ``check_market_changes`` / ``do_edit_market``: a person changes a playbook; the fields they
  change are remembered so that a later sync does not overwrite them.
- ``calendar_for``: the business calendar a key names ("24x7", "market:JP",
  "coverage:JP,DE,US"), cached in the process.
- ``market_status``, ``market_holidays``, ``compute_due``, ``compute_elapsed``: what pages, the
  API and the commands show about a market's time.
"""

from __future__ import annotations

import threading
import time as monotonic
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from babel.dates import format_interval, format_skeleton
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beachhead.core.access import Action, require
from beachhead.core.audit import audit_actor
from beachhead.core.changes import assign, changed, clean_changes
from beachhead.core.localise import (
    babel_locale,
    country_label,
    language_label,
    name_list,
    pick,
    zone_city,
)
from beachhead.core.progress import Progress, silent
from beachhead.core.refcache import RefCache
from beachhead.markets import validators, vocabulary
from beachhead.markets.calendar import (
    SUPPORTED_YEARS,
    AlwaysOpen,
    BusinessCalendar,
    CoverageCalendar,
    MarketCalendar,
    NoOpenTimeError,
    holiday_names,
    parse_weekly_hours,
)
from beachhead.markets.loader import (
    Playbook,
    PlaybookError,
    SyncReport,
    apply_playbooks,
    read_playbooks,
)
from beachhead.markets.models import EDITABLE_FIELDS, Market

if TYPE_CHECKING:
    from beachhead.core.models import User

__all__ = [
    "CALENDAR_CHOICES",
    "HOLIDAY_LANGUAGES",
    "MarketStatus",
    "PlaybookError",
    "SyncReport",
    "UnknownCalendar",
    "calendar_for",
    "calendar_for_market",
    "calendar_label",
    "check_market_changes",
    "clear_calendar_cache",
    "compute_due",
    "compute_elapsed",
    "do_edit_market",
    "do_reset_market",
    "do_sync_markets",
    "holiday_category_list",
    "holiday_label",
    "load_playbook_files",
    "market_document",
    "market_holidays",
    "market_labels",
    "market_status",
    "parse_instant",
]

#: The interface language → the language the ``holidays`` library names holidays in.
HOLIDAY_LANGUAGES = {"en": "en_US", "zh-hans": "zh_CN", "ja": "ja"}

#: Calendars a due time or an elapsed time can be computed on for one market.
CALENDAR_CHOICES = ("business", "24x7")


# --- Playbook files --------------------------------------------------------------------------


def load_playbook_files() -> list[Playbook]:
    """Parse and validate every playbook file.

    Raises:
        PlaybookError: naming each file and key that is wrong (all problems, not the first).
    """
    playbooks, errors = read_playbooks()
    if errors:
        raise PlaybookError(errors)
    return playbooks


def do_sync_markets(force: bool = False, progress: Progress = silent) -> SyncReport:
    """Create or update the markets from the playbook files, in one transaction.

    Fields a person edited are left alone unless ``force``, which also forgets the edits.
    Every change goes through ``save()``, so the audit log records it. ``progress`` wraps the
    markets as they are applied (the command's bar).
    """
    playbooks = load_playbook_files()
    with transaction.atomic():
        report = apply_playbooks(
            Market, playbooks, now=timezone.now(), force=force, progress=progress
        )
        transaction.on_commit(clear_calendar_cache)
    clear_calendar_cache()
    return report


# --- Editing ---------------------------------------------------------------------------------

_FIELD_CHECKS = {
    "name_en": validators.check_name,
    "name_zh_hans": validators.check_name,
    "name_ja": validators.check_name,
    "currency": validators.check_currency,
    "timezones": validators.check_timezones,
    "languages": validators.check_languages,
    "data_residency": validators.check_region,
    "data_residency_note": lambda value: validators.check_localised(value, required=()),
    "weekly_hours": validators.check_weekly_hours,
    "hours_note": lambda value: validators.check_localised(value, required=()),
    "support_channels": validators.check_channels,
    "tone": validators.check_localised,
    "payment_methods": validators.check_payment_methods,
    "contract_practice": validators.check_localised,
    "compliance": validators.check_compliance,
}


def check_market_changes(market: Market, changes: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise proposed changes to a market's playbook.

    Returns only the fields whose value really changes. Raises ``ValidationError`` keyed by
    field name.
    """

    def together(cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
        # Fields validated together: residency by industry against the residency, and the
        # holiday calendar as one.
        residency = cleaned.get("data_residency", market.data_residency)
        if "data_residency_by_industry" in changes or "data_residency" in cleaned:
            try:
                cleaned["data_residency_by_industry"] = validators.check_residency_by_industry(
                    changes.get("data_residency_by_industry", market.data_residency_by_industry),
                    residency,
                )
            except ValidationError as exc:
                errors["data_residency_by_industry"] = exc.messages
        if {"holiday_country", "holiday_subdiv", "holiday_categories"} & set(changes):
            try:
                country, subdiv, categories = validators.check_holiday_calendar(
                    changes.get("holiday_country", market.holiday_country),
                    changes.get("holiday_subdiv", market.holiday_subdiv),
                    changes.get("holiday_categories", market.holiday_categories),
                )
                cleaned["holiday_country"] = country
                cleaned["holiday_subdiv"] = subdiv
                cleaned["holiday_categories"] = [c for c in categories if c != "public"]
            except ValidationError as exc:
                errors["holiday_country"] = exc.messages

    cleaned = clean_changes(
        changes,
        # In the order of the change, so its errors come in that order.
        {name: _FIELD_CHECKS[name] for name in changes if name in _FIELD_CHECKS},
        editable=EDITABLE_FIELDS,
        unknown_message=_("This field cannot be edited; it comes from the playbook file only."),
        then=together,
    )
    return changed(market, cleaned)


def do_edit_market(market: Market, user: User, changes: dict[str, Any]) -> list[str]:
    """Change a market's playbook on behalf of ``user``; returns the names of changed fields.

    The changed fields are added to ``edited_fields`` so a later sync keeps them. The audit log
    records the change with ``user`` as the actor. Raises ``PermissionDenied`` when the user
    may not change this market (the access layer decides) and ``ValidationError`` for bad
    values.
    """
    require(user, market, Action.CHANGE, _("You may not change this market."))
    cleaned = check_market_changes(market, changes)
    if not cleaned:
        return []
    with transaction.atomic(), audit_actor(user):
        locked = Market.objects.select_for_update().get(pk=market.pk)
        columns = assign(locked, cleaned)
        locked.edited_fields = sorted(set(locked.edited_fields or []) | set(cleaned))
        locked.save(update_fields=[*columns, "edited_fields", "updated_at"])
        transaction.on_commit(clear_calendar_cache)
    for name in [*cleaned, "edited_fields", "updated_at"]:
        setattr(market, name, getattr(locked, name))
    clear_calendar_cache()
    return sorted(cleaned)


def do_reset_market(market: Market, user: User) -> list[str]:
    """Discard the local edits of ``market`` and apply its playbook file again.

    Returns the fields that changed. Raises ``ValidationError`` when the market has no valid
    file, ``PermissionDenied`` when ``user`` may not change it.
    """
    require(user, market, Action.CHANGE, _("You may not change this market."))
    playbooks, errors = read_playbooks()
    playbook = next((p for p in playbooks if p.code == market.code), None)
    if playbook is None:
        problems = [e for e in errors if e.startswith(f"{market.code.lower()}.toml")]
        raise ValidationError(
            _("There is no valid playbook file for %(code)s. %(problems)s")
            % {"code": market.code, "problems": " ".join(problems)}
        )
    with transaction.atomic(), audit_actor(user):
        report = apply_playbooks(Market, [playbook], now=timezone.now(), force=True)
        transaction.on_commit(clear_calendar_cache)
    clear_calendar_cache()
    market.refresh_from_db()
    return report.updated.get(market.code, [])


# --- Business calendars ----------------------------------------------------------------------


class UnknownCalendar(ValueError):
    """A calendar key that names no calendar (a typo, or a market that does not exist)."""


class _CategorisedMarketCalendar(MarketCalendar):
    """A market calendar that also closes on the holidays of extra ``holidays`` categories,
    such as Japan's "bank" days (31 Dec–3 Jan), when companies close. Looked up lazily per
    year, like the public holidays."""

    def __init__(self, *args: Any, categories: tuple[str, ...], **kwargs: Any) -> None:
        import holidays as holidays_lib

        super().__init__(*args, **kwargs)
        self.categories = categories
        self._extra = holidays_lib.country_holidays(
            self.country, subdiv=self.subdiv, categories=categories, expand=True
        )
        self._extra_years: dict[int, tuple[frozenset[date], frozenset[date]]] = {}

    def _day_sets(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        cached = self._extra_years.get(year)
        if cached is None:
            closed, extra = super()._day_sets(year)
            _ = date(year, 6, 1) in self._extra  # populate the year
            more = frozenset(d for d in dict.keys(self._extra) if d.year == year)
            cached = (frozenset(closed) | more, frozenset(extra))
            self._extra_years[year] = cached
        return cached


def _build_market_calendar(market: Market) -> BusinessCalendar:
    weekly = parse_weekly_hours(market.weekly_hours)
    args = (market.timezone, weekly, market.holiday_country, market.holiday_subdiv or None)
    categories = tuple(c for c in market.holiday_categories or () if c != "public")
    if categories:
        return _CategorisedMarketCalendar(*args, categories=categories)
    return MarketCalendar(*args)


#: How long a cached market calendar is trusted before its row is looked at again; another
#: process (a web worker, the sweep) may have edited the market meanwhile.
CALENDAR_RECHECK_SECONDS = 10.0

_ALWAYS_OPEN = AlwaysOpen()
_lock = threading.RLock()
# code → (calendar, the row's updated_at, when it was last checked against the database)
_market_cache: dict[str, tuple[BusinessCalendar, datetime, float]] = {}
_coverage_cache: dict[tuple[str, ...], tuple[CoverageCalendar, tuple[int, ...]]] = {}
# Per thread: the outermost atomic block of a transaction that wrote a market. Nothing that
# thread reads inside it is cached: a rollback would leave the cache describing rows that never
# existed (other threads only see committed rows, which are safe to cache).
_writes = threading.local()


def clear_calendar_cache() -> None:
    """Forget every cached calendar (called when markets are edited or synced)."""
    with _lock:
        _market_cache.clear()
        _coverage_cache.clear()


def _may_cache() -> bool:
    dirty = getattr(_writes, "transaction", None)
    if dirty is None:
        return True
    blocks = getattr(connections[DEFAULT_DB_ALIAS], "atomic_blocks", [])
    if blocks and blocks[0] is dirty:
        return False
    _writes.transaction = None  # that transaction has ended, committed or rolled back
    clear_calendar_cache()
    return True


@receiver([post_save, post_delete], sender=Market, dispatch_uid="markets_calendar_cache")
def _market_written(sender, instance: Market, **kwargs: Any) -> None:
    clear_calendar_cache()
    connection = connections[kwargs.get("using") or DEFAULT_DB_ALIAS]
    if connection.in_atomic_block and connection.atomic_blocks:
        _writes.transaction = connection.atomic_blocks[0]
        transaction.on_commit(clear_calendar_cache, using=connection.alias)


def _load_markets() -> tuple[dict[str, Market], dict[int, Market]]:
    rows = list(Market.objects.all())
    return {m.code: m for m in rows}, {m.pk: m for m in rows}


# (by code, by id): one table, looked up both ways.
_markets: RefCache[tuple[dict[str, Market], dict[int, Market]]] = RefCache(
    "markets", _load_markets, watch=("markets.Market",)
)


def market_by_code(code: str) -> Market | None:
    """The market with this code, from the in-memory table (``core.refcache``): every new
    ticket asks. The instance is shared: do not change it."""
    return _markets.get()[0].get((code or "").upper())


def market_by_id(market_id: int | None) -> Market | None:
    """The market with this id, from memory (shared instance, see ``market_by_code``)."""
    if market_id is None:
        return None
    market = _markets.get()[1].get(market_id)
    return market or Market.objects.filter(pk=market_id).first()


def market_code_of(market_id: int | None) -> str | None:
    """The code of the market with this id, from memory (list rows carry only the id)."""
    market = market_by_id(market_id)
    return market.code if market else None


def all_markets() -> list[Market]:
    """Every market by code (shared instances, see ``market_by_code``)."""
    return sorted(_markets.get()[0].values(), key=lambda m: m.code)


def calendar_for_market(market: Market) -> BusinessCalendar:
    """The business calendar of ``market`` (first time zone, weekly hours, holidays), built
    from the row in hand: no query. Cached until the row changes."""
    with _lock:
        cached = _market_cache.get(market.code)
        if cached and cached[1] == market.updated_at:
            return cached[0]
        calendar = _build_market_calendar(market)
        # Never replace a newer row's calendar with the one of a stale instance.
        if _may_cache() and (cached is None or market.updated_at > cached[1]):
            _market_cache[market.code] = (calendar, market.updated_at, monotonic.monotonic())
        return calendar


def _market_calendar_by_code(codes: list[str]) -> dict[str, BusinessCalendar]:
    """Calendars of the markets ``codes``, reading the rows only when the cache is stale."""
    now = monotonic.monotonic()
    result: dict[str, BusinessCalendar] = {}
    stale = []
    with _lock:
        for code in codes:
            cached = _market_cache.get(code)
            if cached and now - cached[2] < CALENDAR_RECHECK_SECONDS:
                result[code] = cached[0]
            else:
                stale.append(code)
    if stale:
        rows = {m.code: m for m in Market.objects.filter(code__in=stale)}
        missing = [code for code in stale if code not in rows]
        if missing:
            raise UnknownCalendar(
                _("No market with the code %(codes)s.") % {"codes": ", ".join(missing)}
            )
        for code in stale:
            result[code] = calendar_for_market(rows[code])
            with _lock:
                entry = _market_cache.get(code)
                if entry is not None:
                    _market_cache[code] = (entry[0], entry[1], now)
    return result


def _codes(text: str, key: str) -> list[str]:
    codes = []
    for part in text.split(","):
        code = part.strip().upper()
        if len(code) != 2 or not code.isalpha():
            raise UnknownCalendar(
                _("“%(key)s” is not a calendar key: “%(part)s” is not a market code such as JP.")
                % {"key": key, "part": part.strip()}
            )
        if code not in codes:
            codes.append(code)
    return codes


def calendar_for(key: str) -> BusinessCalendar:
    """The business calendar a key names.

    - ``"24x7"``: always open.
    - ``"market:JP"``: the market's business calendar (its first time zone, weekly hours and
      public holidays, plus any extra holiday categories of its playbook).
    - ``"coverage:JP,DE,US"``: the union of those markets' calendars (follow the sun).

    Calendars are cached in the process and rebuilt when a market is edited or synced (here
    at once; in other processes within ``CALENDAR_RECHECK_SECONDS``). This is a system
    service: it reads markets without a user's scope.

    Raises:
        UnknownCalendar (a ``ValueError``): a malformed key or an unknown market.
    """
    if not isinstance(key, str):
        raise UnknownCalendar(_("A calendar key is a text such as market:JP."))
    text = key.strip()
    kind, sep, rest = text.partition(":")
    kind = kind.lower()
    if not sep and kind in ("24x7", "24/7"):
        return _ALWAYS_OPEN
    if sep and kind == "market" and rest.strip():
        codes = _codes(rest, key)
        if len(codes) == 1:
            return _market_calendar_by_code(codes)[codes[0]]
    elif sep and kind == "coverage" and rest.strip():
        codes = sorted(_codes(rest, key))
        calendars = _market_calendar_by_code(codes)
        fingerprint = tuple(id(calendars[code]) for code in codes)
        with _lock:
            cached = _coverage_cache.get(tuple(codes))
            if cached and cached[1] == fingerprint:
                return cached[0]
            coverage = CoverageCalendar(calendars[code] for code in codes)
            if _may_cache():
                _coverage_cache[tuple(codes)] = (coverage, fingerprint)
            return coverage
    raise UnknownCalendar(
        _("“%(key)s” is not a calendar key; use 24x7, market:JP or coverage:JP,DE,US.")
        % {"key": key}
    )


# --- Time in a market ------------------------------------------------------------------------


@dataclass(frozen=True)
class MarketStatus:
    """Whether a market is at work now, in its own time."""

    timezone: str
    #: the moment asked about, in the market's time zone
    local_time: datetime
    is_open: bool
    #: when closed: the next opening, in the market's time zone (None if it never opens)
    next_open: datetime | None
    #: when open: when the current stretch of working time ends, in the market's time zone
    closes_at: datetime | None
    #: today's public holiday in the market, named in the active language ("" if none)
    holiday: str

    @property
    def utc_offset(self) -> str:
        """The market's UTC offset now, e.g. ``+09:00``."""
        text = self.local_time.strftime("%z")
        return f"{text[:3]}:{text[3:]}"


def market_status(market: Market, now: datetime | None = None) -> MarketStatus:
    """Local time in ``market`` at ``now``, whether it is open, and its next opening."""
    now = now or timezone.now()
    zone = ZoneInfo(market.timezone)
    calendar = calendar_for_market(market)
    is_open = calendar.is_open(now)
    next_open = closes_at = None
    try:
        if is_open:
            for _start, end in calendar.open_intervals(now, now + timedelta(days=8)):
                if end < now + timedelta(days=8):
                    closes_at = end.astimezone(zone)
                break
        else:
            next_open = calendar.next_open(now).astimezone(zone)
    except NoOpenTimeError:
        pass
    local = now.astimezone(zone)
    names = dict(_holiday_names_cached(market, local.year, _active_holiday_language()))
    return MarketStatus(
        timezone=market.timezone,
        local_time=local,
        is_open=is_open,
        next_open=next_open,
        closes_at=closes_at,
        holiday=names.get(local.date(), ""),
    )


def _active_holiday_language() -> str:
    from django.utils import translation

    language = translation.get_language() or "en"
    if language.startswith("zh"):
        return HOLIDAY_LANGUAGES["zh-hans"]
    if language.startswith("ja"):
        return HOLIDAY_LANGUAGES["ja"]
    return HOLIDAY_LANGUAGES["en"]


@lru_cache(maxsize=1024)
def _holidays(
    country: str, subdiv: str, categories: tuple[str, ...], year: int, language: str
) -> tuple[tuple[date, str], ...]:
    names = dict(holiday_names(country, subdiv or None, year, language))
    for category in categories:
        for day, name in _category_names(country, subdiv, category, year, language):
            names.setdefault(day, name)
    return tuple(sorted(names.items()))


def _category_names(
    country: str, subdiv: str, category: str, year: int, language: str
) -> list[tuple[date, str]]:
    """The days of an extra holiday category in ``year``, named in ``language`` (a library
    language); where the library has no name in it (Japan's bank holidays in Chinese), the
    category's own label in the reader's language."""
    import holidays as holidays_lib

    probe = holidays_lib.country_holidays(country, subdiv=subdiv or None, years=())
    supported = tuple(probe.supported_languages)
    wanted = language if language in supported else None
    if wanted is None:
        primary = language.split("_")[0].lower()
        wanted = next((s for s in supported if s.split("_")[0].lower() == primary), None)

    def named(in_language: str | None) -> dict[date, str]:
        days = holidays_lib.country_holidays(
            country, subdiv=subdiv or None, years=year, categories=(category,), language=in_language
        )
        return {day: name for day, name in days.items() if day.year == year}

    names = named(wanted)
    interface = next((k for k, v in HOLIDAY_LANGUAGES.items() if v == language), "en")
    if interface == "en":
        return list(names.items())
    english = named("en_US") if "en_US" in supported else {}
    with translation.override(interface):
        label = _category_name(category)
    return [
        (day, label if name == english.get(day) and category != "public" else name)
        for day, name in names.items()
    ]


def _holiday_names_cached(market: Market, year: int, language: str) -> tuple[tuple[date, str], ...]:
    categories = tuple(c for c in market.holiday_categories or () if c != "public")
    return _holidays(market.holiday_country, market.holiday_subdiv, categories, year, language)


def market_holidays(
    market: Market, year: int, language: str | None = None
) -> list[tuple[date, str]]:
    """The days ``market`` closes for in ``year``: public holidays (and the extra categories of
    its playbook), sorted, named in ``language`` (an interface language such as ``"ja"``; the
    active one by default) where the library has names in it."""
    if not 1900 <= year <= 2200:
        raise ValidationError(_("Choose a year between 1900 and 2200."))
    if language is None:
        holiday_language = _active_holiday_language()
    else:
        if language not in HOLIDAY_LANGUAGES:
            raise ValidationError(
                _("Unknown language “%(language)s”; use %(known)s.")
                % {"language": language, "known": ", ".join(HOLIDAY_LANGUAGES)}
            )
        holiday_language = HOLIDAY_LANGUAGES[language]
    return list(_holiday_names_cached(market, year, holiday_language))


def parse_instant(text: str, market: Market, *, what: str = "start") -> datetime:
    """Read an ISO 8601 date-time; one without an offset is read in the market's time zone.

    Raises ``ValidationError`` with a message that names ``what`` and shows an example.
    """
    value = (text or "").strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _(
                "%(what)s: “%(value)s” is not an ISO 8601 date and time such as 2027-01-08T17:55:00+09:00."
            )
            % {"what": what, "value": value}
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(market.timezone))
    return parsed


def _calendar(market: Market, calendar: str) -> BusinessCalendar:
    if calendar == "business":
        return calendar_for_market(market)
    if calendar == "24x7":
        return _ALWAYS_OPEN
    raise ValidationError(
        _("Unknown calendar “%(calendar)s”; use %(known)s.")
        % {"calendar": calendar, "known": " or ".join(CALENDAR_CHOICES)}
    )


#: Ten years of minutes: a longer target is a typo, and would make the engine search far.
MAX_MINUTES = 10 * 366 * 24 * 60


def compute_due(
    market: Market, start: datetime, minutes: int, calendar: str = "business"
) -> datetime:
    """When ``minutes`` of working time after ``start`` have passed on the market's
    ``calendar`` ("business" or "24x7"); returned in the market's time zone."""
    if not 0 <= minutes <= MAX_MINUTES:
        raise ValidationError(
            _("Give a whole number of minutes between 0 and %(max)s.") % {"max": MAX_MINUTES}
        )
    try:
        due = _calendar(market, calendar).add(start, timedelta(minutes=minutes))
        return due.astimezone(ZoneInfo(market.timezone))
    except NoOpenTimeError:
        raise ValidationError(_("This market's calendar has no working time.")) from None
    except OverflowError:
        raise _outside_calendar() from None


def compute_elapsed(
    market: Market, start: datetime, end: datetime, calendar: str = "business"
) -> int:
    """Whole minutes of working time between ``start`` and ``end`` on the market's calendar."""
    if end < start:
        raise ValidationError(_("The end is before the start."))
    try:
        elapsed = _calendar(market, calendar).elapsed(start, end)
    except OverflowError:
        raise _outside_calendar() from None
    return int(elapsed // timedelta(minutes=1))


def _outside_calendar() -> ValidationError:
    return ValidationError(
        _("Business calendars cover the years %(first)s to %(last)s.")
        % {"first": SUPPORTED_YEARS[0], "last": SUPPORTED_YEARS[1]}
    )


# --- The playbook as a document --------------------------------------------------------------


def market_document(market: Market) -> dict[str, Any]:
    """The playbook of ``market`` as plain JSON data (what ``markets show --json`` prints)."""
    return {
        "code": market.code,
        "name": {"en": market.name_en, "zh-hans": market.name_zh_hans, "ja": market.name_ja},
        "countries": list(market.countries),
        "currency": market.currency,
        "timezone": market.timezone,
        "timezones": list(market.timezones),
        "languages": list(market.languages),
        "weekly_hours": {day: market.weekly_hours.get(day, []) for day in _WEEKDAYS},
        "hours_note": market.hours_note or {},
        "holidays": {
            "country": market.holiday_country,
            "subdiv": market.holiday_subdiv or None,
        },
        "holiday_categories": ["public", *market.holiday_categories],
        "support_channels": list(market.support_channels),
        "tone": market.tone,
        "payment_methods": list(market.payment_methods),
        "contract_practice": market.contract_practice,
        "compliance": market.compliance,
        "data_residency": market.data_residency,
        "data_residency_by_industry": market.data_residency_by_industry or {},
        "data_residency_note": market.data_residency_note or {},
        "edited_fields": list(market.edited_fields or []),
    }


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def utc(value: datetime) -> datetime:
    """``value`` in UTC."""
    return value.astimezone(UTC)


# --- Labels: calendars and holiday calendars in the reader's words -------------------------


def market_labels(market: Market, language: str | None = None) -> dict[str, str]:
    """What a person reads about ``market``'s codes, in ``language`` (default: the active one):
    the API's ``*_label`` fields."""
    return {
        "name_label": pick(
            {"en": market.name_en, "zh-hans": market.name_zh_hans, "ja": market.name_ja},
            market.code,
            language,
        ),
        "timezone_label": zone_city(market.timezone, language),
        "languages_label": name_list(
            [language_label(code, language) for code in market.languages], language
        ),
        "holidays_label": holiday_label(market, language),
    }


def _market_name(code: str, language: str | None) -> str:
    market = market_by_code(code)
    if market is None:
        return country_label(code, language)
    return pick(
        {"en": market.name_en, "zh-hans": market.name_zh_hans, "ja": market.name_ja},
        country_label(code, language),
        language,
    )


def calendar_label(key: str | None, language: str | None = None) -> str:
    """A calendar key as the reader says it: ``24x7`` → "Around the clock", ``market:MY`` →
    "Malaysia business hours", ``coverage:JP,DE,US`` → "Follow-the-sun: Japan, Germany,
    United States" (in ``language``, default the active one). A key that names no calendar
    comes back unchanged."""
    text = (key or "").strip()
    kind, sep, rest = text.partition(":")
    kind = kind.lower()
    with translation.override(language or translation.get_language()):
        if not sep and kind in ("24x7", "24/7"):
            return _("Around the clock")
        codes = [c.strip().upper() for c in rest.split(",") if c.strip()] if sep else []
        if kind == "market" and len(codes) == 1:
            return _("%(market)s business hours") % {"market": _market_name(codes[0], language)}
        if kind == "coverage" and codes:
            names = name_list([_market_name(code, language) for code in codes], language)
            return _("Follow-the-sun: %(markets)s") % {"markets": names}
    return text


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) runs."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _category_dates(market: Market, category: str, year: int, language: str | None) -> str:
    """The days an extra category closes in ``year`` ("31 Dec–3 Jan"), when they are few."""
    import holidays as holidays_lib

    days = holidays_lib.country_holidays(
        market.holiday_country,
        subdiv=market.holiday_subdiv or None,
        years=(year - 1, year, year + 1),
        categories=(category,),
    )
    runs = [run for run in _runs(list(days)) if run[0].year == year]
    if not runs or len(runs) > 2:
        return ""
    locale = babel_locale(language)
    texts = [
        format_skeleton("MMMd", first, locale=locale)
        if first == last
        else format_interval(first, last, "MMMd", locale=locale)
        for first, last in runs
    ]
    return name_list(texts, language)


def _category_name(category: str) -> str:
    return str(vocabulary.HOLIDAY_CATEGORIES.get(category, category.replace("_", " ")))


def holiday_category_list(categories: Iterable[str], language: str | None = None) -> str:
    """Holiday categories as the reader names them: ``["bank"]`` → "bank holidays"."""
    with translation.override(language or translation.get_language()):
        return name_list([_category_name(c) for c in categories if c != "public"], language)


def holiday_label(market: Market, language: str | None = None, year: int | None = None) -> str:
    """The holidays ``market`` closes for, in the reader's words: "Japan national holidays +
    bank holidays (Dec 31 – Jan 3)", "Australia public holidays (New South Wales)". The days of
    an extra category are those of ``year`` (default: this year), when there are few."""
    year = year or timezone.now().year
    country = country_label(market.holiday_country, language)
    with translation.override(language or translation.get_language()):
        subdiv = market.holiday_subdiv
        if subdiv:
            key = f"{market.holiday_country}-{subdiv}"
            region = str(vocabulary.HOLIDAY_SUBDIVISIONS.get(key, subdiv))
            text = _("%(country)s public holidays (%(region)s)") % {
                "country": country,
                "region": region,
            }
        else:
            text = _("%(country)s national holidays") % {"country": country}
        for category in market.holiday_categories or ():
            if category == "public":
                continue
            name = _category_name(category)
            dates = _category_dates(market, category, year, language)
            if dates:
                name = _("%(category)s (%(dates)s)") % {"category": name, "dates": dates}
            text = _("%(holidays)s + %(more)s") % {"holidays": text, "more": name}
    return text
