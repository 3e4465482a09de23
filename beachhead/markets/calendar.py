"""Business calendars: exact business-time arithmetic on time-zone-aware instants.

Why our own engine
------------------
No maintained library does what the commitment ledger needs. ``businesstimedelta`` only
understands ``pytz`` time zones and has not been maintained for years; ``workalendar`` (and the
``holidays`` library itself) count *days*, not open seconds within working hours. We need
several open intervals per day, shifts that cross midnight, make-up working days, DST-exact
arithmetic, the union of teams in several time zones, and ~20 µs per ``add``. This module is
that engine: pure Python, standard library only (``holidays`` is imported lazily, and only by
:func:`market_calendar` and :func:`holiday_names`). It imports nothing from Django.

Model and rules
---------------
* Every public method takes timezone-aware :class:`~datetime.datetime` values (a naive one
  raises :class:`ValueError`) and returns instants in UTC. Arithmetic is exact to the
  microsecond (so exact to the second for whole-second inputs): instants are integer
  microseconds since the Unix epoch internally.
* A :class:`WorkingCalendar` has a time zone and, per weekday (0 = Monday … 6 = Sunday), a list
  of open intervals ``(start, end)`` of naive local wall times. An interval whose ``end <=
  start`` crosses midnight and ends on the *next* local day: ``22:00–06:00`` is a night shift,
  ``18:00–00:00`` means "until midnight", ``00:00–00:00`` is the whole day (24 h, or 23/25 h on
  DST days). Overlapping or touching intervals are merged.
* An interval belongs to the local day it **starts** on. A holiday removes the intervals that
  *start* on it: a 22:00–06:00 shift starting the evening before a holiday still runs into the
  holiday morning, while the shift that would start on the holiday evening does not happen.
* A make-up working day (``workdays``, e.g. the weekend days China's State Council turns into
  working days, which the ``holidays`` library lists in ``weekend_workdays``) takes the hours of
  weekday ``workday_hours_from`` (Monday by default) instead of its own weekday's hours. A date
  that is both a holiday and a make-up working day is a holiday.
* Local wall times become instants exactly as :mod:`zoneinfo` reads them by default, i.e. with
  ``fold=0`` -- what ``datetime(y, m, d, H, M, tzinfo=ZoneInfo(tz)).astimezone(UTC)`` does:
  a repeated wall time (DST fall-back) means its *first* occurrence; a skipped wall time (DST
  spring-forward gap) is read with the UTC offset in force *before* the jump (02:30 on the
  New York spring-forward day is 07:30 UTC, i.e. 03:30 EDT). Consequently an interval
  ``00:00–06:00`` on a spring-forward day holds 5 h of open time, one that contains a repeated
  hour holds one hour more, and an interval whose end instant is not after its start instant
  (e.g. ``02:30–03:00`` inside the gap) is empty.
* Intervals are half open: ``is_open`` is true at an interval's start and false at its end.
* :meth:`BusinessCalendar.add` with a zero duration returns ``start`` itself (in UTC); for a
  positive duration it returns the earliest instant ``t`` with ``elapsed(start, t) ==
  duration``, so a result is never strictly inside a closed stretch: it is the end of the
  last open second consumed (e.g. 18:00 on a 09:00–18:00 day, not the next morning).
* :meth:`BusinessCalendar.elapsed` counts open time in ``[start, end)`` and raises
  :class:`ValueError` if ``end < start``; negative durations given to ``add`` raise too.
* A calendar that has no open time at all must not loop forever: ``add`` and ``next_open``
  raise :class:`NoOpenTimeError` after :data:`SEARCH_HORIZON_YEARS` consecutive calendar years
  without any open time.
* Supported instants: UTC years 2 to 9998 (the limits of :mod:`datetime`, with a margin).

Design for speed
----------------
Open time is precomputed lazily per UTC calendar year ("block"): the merged open intervals of
the year as sorted arrays of epoch microseconds plus a prefix sum of open time, so ``add``,
``elapsed``, ``is_open`` and ``next_open`` are a couple of ``bisect`` calls. Blocks are cut at
UTC year boundaries (intervals crossing one are split, and re-joined by ``open_intervals``), so
every calendar -- whatever its time zone -- shares the same block grid and a
:class:`CoverageCalendar` is simply the per-block union of its members. Blocks are cached per
calendar; no year has to be declared in advance.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "SEARCH_HORIZON_YEARS",
    "AlwaysOpen",
    "BusinessCalendar",
    "CoverageCalendar",
    "MarketCalendar",
    "NoOpenTimeError",
    "WorkingCalendar",
    "holiday_names",
    "market_calendar",
    "parse_weekly_hours",
]

SEARCH_HORIZON_YEARS = 3
"""``add``/``next_open`` give up after this many consecutive UTC years without open time."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_ONE_DAY = timedelta(days=1)
_MIN_YEAR = 2
_MAX_YEAR = 9998
#: The years the calendars compute in (an OverflowError outside them).
SUPPORTED_YEARS = (_MIN_YEAR, _MAX_YEAR)

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

WeeklyHours = Mapping[int, Sequence[tuple[time, time]]]


class NoOpenTimeError(Exception):
    """Raised when a calendar has no open time within the search horizon."""


def _to_us(value: datetime, name: str = "datetime") -> int:
    """Epoch microseconds of an aware datetime; reject naive ones."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    try:
        return (value - _EPOCH) // _US
    except TypeError:  # a tzinfo whose utcoffset() is None: naive in disguise
        raise ValueError(f"{name} must be timezone-aware, got {value!r}") from None


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(0, 0, us)


def _duration_us(duration: timedelta) -> int:
    if not isinstance(duration, timedelta):
        raise TypeError(f"duration must be a timedelta, got {type(duration).__name__}")
    us = duration // _US
    if us < 0:
        raise ValueError(f"duration must not be negative, got {duration!r}")
    return us


def _year_bounds(year: int) -> tuple[int, int]:
    lo = (datetime(year, 1, 1, tzinfo=UTC) - _EPOCH) // _US
    hi = (datetime(year + 1, 1, 1, tzinfo=UTC) - _EPOCH) // _US
    return lo, hi


class _Block:
    """The merged open intervals of one UTC year, clipped to ``[lo, hi)``.

    ``cum[i]`` is the open time before interval ``i`` (``len(cum) == len(starts) + 1``).
    """

    __slots__ = ("cum", "ends", "hi", "lo", "starts", "total", "year")

    def __init__(self, year: int, raw: Iterable[tuple[int, int]]) -> None:
        lo, hi = _year_bounds(year)
        self.year = year
        self.lo = lo
        self.hi = hi
        clipped = sorted(
            (s if s > lo else lo, e if e < hi else hi)
            for s, e in raw
            if e > s and e > lo and s < hi
        )
        starts: list[int] = []
        ends: list[int] = []
        for s, e in clipped:
            if ends and s <= ends[-1]:
                if e > ends[-1]:
                    ends[-1] = e
            else:
                starts.append(s)
                ends.append(e)
        cum = [0]
        acc = 0
        for s, e in zip(starts, ends, strict=True):
            acc += e - s
            cum.append(acc)
        self.starts = starts
        self.ends = ends
        self.cum = cum
        self.total = acc

    def open_before(self, t: int) -> int:
        """Open time in ``[lo, t)`` for ``lo <= t <= hi``."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        end = self.ends[i]
        return self.cum[i] + (t if t < end else end) - self.starts[i]

    def intervals(self) -> Iterator[tuple[int, int]]:
        return zip(self.starts, self.ends, strict=True)


class BusinessCalendar:
    """Base class of all calendars: exact business-time arithmetic over cached yearly blocks.

    Subclasses implement :meth:`_raw_intervals`, returning (possibly overlapping, possibly
    unclipped) open intervals in epoch microseconds that cover at least the UTC year asked for.
    """

    def __init__(self) -> None:
        self._blocks: dict[int, _Block] = {}
        self._last: _Block | None = None

    # -- to implement -------------------------------------------------------------------------
    def _raw_intervals(self, year: int) -> Iterable[tuple[int, int]]:  # pragma: no cover
        raise NotImplementedError

    # -- block cache --------------------------------------------------------------------------
    def _block(self, year: int) -> _Block:
        block = self._blocks.get(year)
        if block is None:
            if not _MIN_YEAR <= year <= _MAX_YEAR:
                raise OverflowError(
                    f"year {year} is outside the supported range {_MIN_YEAR}..{_MAX_YEAR}"
                )
            block = _Block(year, self._raw_intervals(year))
            self._blocks[year] = block
        return block

    def _block_at(self, t: int) -> _Block:
        block = self._last
        if block is not None and block.lo <= t < block.hi:
            return block
        block = self._block(_from_us(t).year)
        self._last = block
        return block

    # -- public API ---------------------------------------------------------------------------
    def add(self, start: datetime, duration: timedelta) -> datetime:
        """Return the earliest instant by which ``duration`` of open time has elapsed.

        ``duration == 0`` returns ``start`` (in UTC) whether or not it is open; otherwise the
        result is the earliest ``t`` with ``elapsed(start, t) == duration``.

        Raises:
            ValueError: naive ``start`` or negative ``duration``.
            NoOpenTimeError: no open time within the search horizon.
        """
        # Hot path (see bench/calendar_add.py): helpers inlined.
        try:
            t = (start - _EPOCH) // _US
        except TypeError:
            t = _to_us(start, "start")  # raises the right error for naive/non-datetimes
        d = duration // _US if type(duration) is timedelta else -1
        if d <= 0:
            d = _duration_us(duration)  # raises for bad types / negative durations
            if d == 0:
                return _EPOCH + timedelta(0, 0, t)
        block = self._last
        if block is None or not block.lo <= t < block.hi:
            block = self._block_at(t)
        starts = block.starts
        i = bisect_right(starts, t) - 1
        if i < 0:
            target = d
        else:
            end = block.ends[i]
            target = block.cum[i] + (t if t < end else end) - starts[i] + d
        empty_years = 0
        while target > block.total:
            target -= block.total
            block = self._block(block.year + 1)
            if block.total:
                empty_years = 0
            else:
                empty_years += 1
                if empty_years >= SEARCH_HORIZON_YEARS:
                    raise NoOpenTimeError(
                        f"{self!r}: no open time in {SEARCH_HORIZON_YEARS} consecutive years "
                        f"(searching from {start.isoformat()} to add {duration})"
                    )
        cum = block.cum
        j = bisect_left(cum, target, 1) - 1
        return _EPOCH + timedelta(0, 0, block.starts[j] + target - cum[j])

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Return the open time in ``[start, end)``.

        Raises:
            ValueError: naive arguments, or ``end < start``.
        """
        a = _to_us(start, "start")
        z = _to_us(end, "end")
        if z < a:
            raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
        if z == a:
            return timedelta(0)
        first = self._block_at(a)
        if z < first.hi:
            return timedelta(microseconds=first.open_before(z) - first.open_before(a))
        last = self._block_at(z)
        total = first.total - first.open_before(a) + last.open_before(z)
        for year in range(first.year + 1, last.year):
            total += self._block(year).total
        return timedelta(microseconds=total)

    def is_open(self, at: datetime) -> bool:
        """Return whether ``at`` lies in an open interval (start inclusive, end exclusive)."""
        t = _to_us(at, "at")
        block = self._block_at(t)
        i = bisect_right(block.starts, t) - 1
        return i >= 0 and t < block.ends[i]

    def next_open(self, at: datetime) -> datetime:
        """Return ``at`` (in UTC) if open, otherwise the start of the next open interval.

        Raises:
            NoOpenTimeError: no open time within the search horizon.
        """
        t = _to_us(at, "at")
        block = self._block_at(t)
        i = bisect_right(block.starts, t)
        if i > 0 and t < block.ends[i - 1]:
            return _from_us(t)
        if i < len(block.starts):
            return _from_us(block.starts[i])
        for _ in range(SEARCH_HORIZON_YEARS):
            block = self._block(block.year + 1)
            if block.starts:
                return _from_us(block.starts[0])
        raise NoOpenTimeError(
            f"{self!r}: no open time in {SEARCH_HORIZON_YEARS} years after {at.isoformat()}"
        )

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Iterate over the merged open intervals within ``[start, end)``, clipped, in UTC.

        Adjacent intervals are merged, so consecutive results are separated by closed time.

        Raises:
            ValueError: naive arguments, or ``end < start`` (raised at call time).
        """
        a = _to_us(start, "start")
        z = _to_us(end, "end")
        if z < a:
            raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
        return self._iter_intervals(a, z)

    def _iter_intervals(self, a: int, z: int) -> Iterator[tuple[datetime, datetime]]:
        if z == a:
            return
        block = self._block_at(a)
        last_year = self._block_at(z - 1).year
        pending: tuple[int, int] | None = None
        while True:
            i = max(bisect_right(block.starts, a) - 1, 0)
            starts, ends = block.starts, block.ends
            for k in range(i, len(starts)):
                s, e = starts[k], ends[k]
                if s >= z:
                    break
                if e <= a:
                    continue
                s, e = max(s, a), min(e, z)
                if pending is not None:
                    if s == pending[1]:
                        pending = (pending[0], e)
                        continue
                    yield _from_us(pending[0]), _from_us(pending[1])
                pending = (s, e)
            if block.year >= last_year:
                break
            block = self._block(block.year + 1)
        if pending is not None:
            yield _from_us(pending[0]), _from_us(pending[1])


class AlwaysOpen(BusinessCalendar):
    """A calendar that is open 24×7."""

    def _raw_intervals(self, year: int) -> Iterable[tuple[int, int]]:
        return [_year_bounds(year)]

    def __repr__(self) -> str:
        return "AlwaysOpen()"


def _normalize_time(value: time, what: str) -> time:
    if not isinstance(value, time):
        raise TypeError(f"{what} must be a datetime.time, got {value!r}")
    if value.tzinfo is not None:
        raise ValueError(f"{what} must be a naive local wall time, got {value!r}")
    return time(value.hour, value.minute, value.second, value.microsecond)


class WorkingCalendar(BusinessCalendar):
    """Weekly local working hours in one time zone, minus holidays, plus make-up working days.

    Args:
        tz: an IANA time zone name, e.g. ``"Asia/Tokyo"``.
        weekly: weekday (0 = Monday … 6 = Sunday) → list of ``(start, end)`` naive local
            times; ``end <= start`` crosses midnight (see the module docstring). Missing
            weekdays are closed.
        holidays: local dates on which no interval starts.
        workdays: local make-up working days; they take the hours of ``workday_hours_from``.
        workday_hours_from: the weekday whose hours make-up working days use (Monday).
    """

    def __init__(
        self,
        tz: str,
        weekly: WeeklyHours,
        holidays: Collection[date] = (),
        workdays: Collection[date] = (),
        workday_hours_from: int = 0,
    ) -> None:
        super().__init__()
        self.tz = tz
        self.zone = ZoneInfo(tz)
        hours: list[tuple[tuple[time, time, bool], ...]] = [() for _ in range(7)]
        for weekday, intervals in weekly.items():
            if not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValueError(f"weekday keys must be integers 0..6, got {weekday!r}")
            parsed = []
            for interval in intervals:
                start, end = interval
                s = _normalize_time(start, f"start of {interval!r}")
                e = _normalize_time(end, f"end of {interval!r}")
                parsed.append((s, e, e <= s))
            hours[weekday] = tuple(sorted(parsed))
        if not 0 <= workday_hours_from <= 6:
            raise ValueError(f"workday_hours_from must be 0..6, got {workday_hours_from!r}")
        self._hours = tuple(hours)
        self.workday_hours_from = workday_hours_from
        self.holidays = frozenset(_as_date(d) for d in holidays)
        self.workdays = frozenset(_as_date(d) for d in workdays)

    @property
    def weekly(self) -> dict[int, list[tuple[time, time]]]:
        """The weekly hours, weekday → sorted ``[(start, end), …]`` (a copy)."""
        return {wd: [(s, e) for s, e, _ in iv] for wd, iv in enumerate(self._hours) if iv}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(tz={self.tz!r})"

    def _day_sets(self, year: int) -> tuple[Collection[date], Collection[date]]:
        """Holidays and make-up working days to consult for local dates in ``year``."""
        return self.holidays, self.workdays

    def _raw_intervals(self, year: int) -> list[tuple[int, int]]:
        # Intervals of local date d lie within [d 00:00, d+2 00:00) local time, and UTC offsets
        # are within -12 h..+14 h, so local dates Dec 30 (year-1) .. Jan 1 (year+1) can reach
        # the UTC year; two extra days on each side are a cheap safety margin.
        zone = self.zone
        hours = self._hours
        makeup = hours[self.workday_hours_from]
        day_sets = {y: self._day_sets(y) for y in (year - 1, year, year + 1)}
        combine = datetime.combine
        epoch, us, one_day = _EPOCH, _US, _ONE_DAY
        out: list[tuple[int, int]] = []
        d = date(year - 1, 12, 28)
        last = date(year + 1, 1, 3)
        while d <= last:
            closed, extra = day_sets[d.year]
            if d not in closed:
                spec = makeup if d in extra else hours[d.weekday()]
                for s, e, cross in spec:
                    s_us = (combine(d, s, zone) - epoch) // us
                    e_us = (combine(d + one_day if cross else d, e, zone) - epoch) // us
                    if e_us > s_us:
                        out.append((s_us, e_us))
            d += one_day
        return out


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        raise TypeError(f"holidays/workdays must be dates, got datetime {value!r}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    raise TypeError(f"holidays/workdays must be dates, got {value!r}")


class MarketCalendar(WorkingCalendar):
    """A :class:`WorkingCalendar` whose holidays and make-up working days come, lazily and per
    year, from the ``holidays`` library for ``country`` (and ``subdiv``).

    Extra ``holidays``/``workdays`` given here are added to the library's. Build it with
    :func:`market_calendar`.
    """

    def __init__(
        self,
        tz: str,
        weekly: WeeklyHours,
        country: str,
        subdiv: str | None = None,
        years: Iterable[int] | None = None,
        holidays: Collection[date] = (),
        workdays: Collection[date] = (),
        workday_hours_from: int = 0,
    ) -> None:
        super().__init__(tz, weekly, holidays, workdays, workday_hours_from)
        import holidays as holidays_lib

        self.country = country
        self.subdiv = subdiv
        # One library object; with expand=True it populates each year the first time a date of
        # that year is looked up, so the calendar works for any year without declaring it.
        self._library = holidays_lib.country_holidays(country, subdiv=subdiv, expand=True)
        self._per_year: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
        for year in years or ():
            self._day_sets(year)

    def __repr__(self) -> str:
        sub = f", subdiv={self.subdiv!r}" if self.subdiv else ""
        return f"MarketCalendar(tz={self.tz!r}, country={self.country!r}{sub})"

    def _day_sets(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        cached = self._per_year.get(year)
        if cached is None:
            lib = self._library
            # Neighbouring years too: an observed holiday or a cross-year substitution can be
            # declared in the adjacent year's data.
            for y in (year - 1, year, year + 1):
                _ = date(y, 6, 1) in lib
            closed = frozenset(d for d in dict.keys(lib) if d.year == year) | {
                d for d in self.holidays if d.year == year
            }
            extra = frozenset(d for d in lib.weekend_workdays if d.year == year) | {
                d for d in self.workdays if d.year == year
            }
            cached = (closed, extra)
            self._per_year[year] = cached
        return cached


class CoverageCalendar(BusinessCalendar):
    """The union of several calendars' open time ("follow the sun"); members may be nested
    coverage calendars. With no members it is never open."""

    def __init__(self, calendars: Iterable[BusinessCalendar]) -> None:
        super().__init__()
        members = tuple(calendars)
        for member in members:
            if not isinstance(member, BusinessCalendar):
                raise TypeError(f"coverage members must be calendars, got {member!r}")
        self.calendars = members

    def __repr__(self) -> str:
        return f"CoverageCalendar({list(self.calendars)!r})"

    def _raw_intervals(self, year: int) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for member in self.calendars:
            out.extend(member._block(year).intervals())
        return out


# -- parsing and the holidays library -------------------------------------------------------


def _parse_wall_time(text: Any, *, is_end: bool) -> time:
    if isinstance(text, time):
        return text
    if not isinstance(text, str):
        raise ValueError(f"expected a 'HH:MM' string, got {text!r}")
    if text.strip() in {"24:00", "24:00:00"}:
        if not is_end:
            raise ValueError("24:00 is only allowed as the end of an interval")
        return time(0, 0)
    try:
        return time.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"invalid wall time {text!r} (expected 'HH:MM' or 'HH:MM:SS')") from exc


def parse_weekly_hours(data: Mapping[str, Any] | str) -> dict[int, list[tuple[time, time]]]:
    """Parse the JSON/TOML form of weekly hours into :class:`WorkingCalendar` ``weekly``.

    ``data`` is a mapping (or a JSON string of one) with keys ``mon`` … ``sun`` (case
    insensitive; missing days are closed), each a list of ``[start, end]`` pairs of
    ``"HH:MM"``/``"HH:MM:SS"`` strings. ``"24:00"`` is accepted as an end and means midnight
    (``time(0, 0)``); an end at or before the start crosses midnight.

    Example: ``parse_weekly_hours({"mon": [["09:00", "12:00"], ["13:00", "18:00"]]})``.
    """
    if isinstance(data, str):
        data = json.loads(data)
    if not isinstance(data, Mapping):
        raise ValueError(f"weekly hours must be a mapping of mon..sun, got {data!r}")
    weekly: dict[int, list[tuple[time, time]]] = {}
    for key, intervals in data.items():
        name = str(key).strip().lower()
        if name not in WEEKDAY_KEYS:
            raise ValueError(f"unknown weekday key {key!r}; expected one of {WEEKDAY_KEYS}")
        parsed = []
        for pair in intervals or ():
            if isinstance(pair, str) or len(pair) != 2:
                raise ValueError(f"{key}: each interval must be a [start, end] pair, got {pair!r}")
            parsed.append(
                (_parse_wall_time(pair[0], is_end=False), _parse_wall_time(pair[1], is_end=True))
            )
        weekly[WEEKDAY_KEYS.index(name)] = parsed
    return weekly


def market_calendar(
    tz: str,
    weekly_hours_json: Mapping[str, Any] | str,
    country: str,
    subdiv: str | None = None,
    years: Iterable[int] | None = None,
) -> MarketCalendar:
    """Build a working calendar with the public holidays of ``country`` (and ``subdiv``).

    ``weekly_hours_json`` is the JSON/TOML form accepted by :func:`parse_weekly_hours`.
    Holidays and make-up working days (the library's ``weekend_workdays``, e.g. China's
    weekend working days; they get Monday's hours) are read from ``holidays`` lazily and
    cached per year; ``years`` optionally warms that cache, it does not limit the calendar.
    """
    return MarketCalendar(tz, parse_weekly_hours(weekly_hours_json), country, subdiv, years)


def _resolve_language(
    language: str | None, supported: Sequence[str], default: str | None
) -> str | None:
    if language:
        wanted = language.replace("-", "_").lower()
        for code in supported:
            if code.lower() == wanted:
                return code
        primary = wanted.split("_")[0]
        for code in supported:
            if code.lower().split("_")[0] == primary:
                return code
    return default


def holiday_names(
    country: str, subdiv: str | None, year: int, language: str | None = None
) -> list[tuple[date, str]]:
    """Return ``[(date, name)]`` of the public holidays of ``country``/``subdiv`` in ``year``,
    sorted by date, named in ``language`` (e.g. ``"ja"``, ``"zh_CN"``, ``"en_US"``).

    An unsupported language falls back to a supported one with the same primary subtag (``"en"``
    → ``"en_US"``), else to the country's default language -- never to the process locale.
    Several holidays on one date come joined by ``"; "`` as the library gives them.
    """
    import holidays as holidays_lib

    probe = holidays_lib.country_holidays(country, subdiv=subdiv, years=())
    chosen = _resolve_language(
        language, tuple(probe.supported_languages), getattr(probe, "default_language", None)
    )
    calendar = holidays_lib.country_holidays(country, subdiv=subdiv, years=year, language=chosen)
    return sorted((d, name) for d, name in calendar.items() if d.year == year)
