"""Tests of the business-calendar engine (no database, no Django).

Property tests compare the engine with a brute-force oracle that re-derives the rules from
scratch (local dates → intervals through ``datetime(..., tzinfo=ZoneInfo(tz))``, holidays remove
the intervals that start on them, make-up days take Monday's hours) and then walks minute by
minute over a bitmap of open minutes -- no merging, no prefix sums, no bisect.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as holidays_lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beachhead.markets.calendar import (
    AlwaysOpen,
    BusinessCalendar,
    CoverageCalendar,
    NoOpenTimeError,
    WorkingCalendar,
    holiday_names,
    market_calendar,
    parse_weekly_hours,
)

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
SYDNEY = ZoneInfo("Australia/Sydney")
SHANGHAI = ZoneInfo("Asia/Shanghai")
DUBAI = ZoneInfo("Asia/Dubai")
RIYADH = ZoneInfo("Asia/Riyadh")

WEEKDAYS_9_TO_18 = {k: [["09:00", "18:00"]] for k in ("mon", "tue", "wed", "thu", "fri")}


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --------------------------------------------------------------------------------------------
# The oracle
# --------------------------------------------------------------------------------------------


class Oracle:
    """Open minutes of a calendar over a UTC window, as a bitmap, walked minute by minute."""

    def __init__(self, lo: datetime, hi: datetime, bits: bytearray) -> None:
        self.lo, self.hi, self.bits = lo, hi, bits

    @classmethod
    def empty(cls, lo: datetime, hi: datetime) -> Oracle:
        return cls(lo, hi, bytearray((hi - lo) // MINUTE))

    @classmethod
    def always(cls, lo: datetime, hi: datetime) -> Oracle:
        return cls(lo, hi, bytearray(b"\x01") * ((hi - lo) // MINUTE))

    @classmethod
    def working(cls, spec: dict, lo: datetime, hi: datetime) -> Oracle:
        oracle = cls.empty(lo, hi)
        zone = ZoneInfo(spec["tz"])
        day = lo.date() - timedelta(days=3)
        while day <= hi.date() + timedelta(days=1):
            if day not in spec["holidays"]:
                weekday = spec["from"] if day in spec["workdays"] else day.weekday()
                for s, e in spec["weekly"].get(weekday, []):
                    start = datetime(day.year, day.month, day.day, s.hour, s.minute, tzinfo=zone)
                    end_day = day + timedelta(days=1) if e <= s else day
                    end = datetime(
                        end_day.year, end_day.month, end_day.day, e.hour, e.minute, tzinfo=zone
                    )
                    oracle.mark(start.astimezone(UTC), end.astimezone(UTC))
            day += timedelta(days=1)
        return oracle

    def mark(self, start: datetime, end: datetime) -> None:
        i = max((start - self.lo) // MINUTE, 0)
        j = min((end - self.lo) // MINUTE, len(self.bits))
        if j > i:
            self.bits[i:j] = b"\x01" * (j - i)

    def union(self, other: Oracle) -> Oracle:
        size = len(self.bits)  # bytes are 0 or 1, so a bytewise OR is an integer OR
        merged = int.from_bytes(self.bits) | int.from_bytes(other.bits)
        return Oracle(self.lo, self.hi, bytearray(merged.to_bytes(size)))

    def index(self, at: datetime) -> int:
        return (at - self.lo) // MINUTE

    def is_open(self, at: datetime) -> bool:
        return bool(self.bits[self.index(at)])

    def elapsed(self, a: datetime, b: datetime) -> timedelta:
        return sum(self.bits[self.index(a) : self.index(b)]) * MINUTE

    def add(self, start: datetime, minutes: int) -> datetime | None:
        if minutes == 0:
            return start
        count = 0
        for k in range(self.index(start), len(self.bits)):
            count += self.bits[k]
            if count == minutes:
                return self.lo + (k + 1) * MINUTE
        return None  # not reachable inside the window

    def next_open(self, at: datetime) -> datetime | None:
        for k in range(self.index(at), len(self.bits)):
            if self.bits[k]:
                return self.lo + k * MINUTE
        return None

    def runs(self, a: datetime, b: datetime) -> list[tuple[datetime, datetime]]:
        out: list[tuple[datetime, datetime]] = []
        run_start = None
        for k in range(self.index(a), self.index(b)):
            if self.bits[k] and run_start is None:
                run_start = k
            elif not self.bits[k] and run_start is not None:
                out.append((self.lo + run_start * MINUTE, self.lo + k * MINUTE))
                run_start = None
        if run_start is not None:
            out.append((self.lo + run_start * MINUTE, b))
        return out


# --------------------------------------------------------------------------------------------
# Strategies: calendars around interesting instants (DST jumps, fall-backs, year end)
# --------------------------------------------------------------------------------------------

ZONES = [
    "UTC",
    "Asia/Tokyo",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "America/St_Johns",  # -03:30 with DST
    "Asia/Kathmandu",  # +05:45
    "Asia/Dubai",
]

ANCHORS = [
    date(2027, 3, 14),  # US spring forward
    date(2027, 11, 7),  # US fall back
    date(2027, 3, 28),  # EU spring forward
    date(2027, 10, 31),  # EU fall back
    date(2027, 4, 4),  # AU fall back (Sydney, Lord Howe)
    date(2026, 10, 4),  # AU spring forward
    date(2026, 12, 31),  # year end
    date(2027, 6, 16),
]

WINDOW_BEFORE = timedelta(days=4)
WINDOW_AFTER = timedelta(days=16)

quarter_hours = st.integers(0, 95).map(lambda q: time(q // 4, q % 4 * 15))
intervals = st.lists(st.tuples(quarter_hours, quarter_hours), max_size=3)
weeklies = st.fixed_dictionaries(dict.fromkeys(range(7), intervals))
day_offsets = st.frozensets(st.integers(-4, 16), max_size=6)


@st.composite
def working_specs(draw: st.DrawFn, anchor: date) -> dict:
    return {
        "tz": draw(st.sampled_from(ZONES)),
        "weekly": draw(weeklies),
        "holidays": frozenset(anchor + timedelta(days=k) for k in draw(day_offsets)),
        "workdays": frozenset(anchor + timedelta(days=k) for k in draw(day_offsets)),
        "from": draw(st.integers(0, 6)),
    }


def build_working(spec: dict) -> WorkingCalendar:
    return WorkingCalendar(
        spec["tz"], spec["weekly"], spec["holidays"], spec["workdays"], spec["from"]
    )


@st.composite
def scenarios(draw: st.DrawFn, kind: str) -> tuple[BusinessCalendar, Oracle, datetime, bool]:
    """A calendar, its oracle over a window, a whole-minute start inside the window, and
    whether the calendar has any open time at all."""
    anchor = draw(st.sampled_from(ANCHORS))
    midnight = datetime(anchor.year, anchor.month, anchor.day, tzinfo=UTC)
    lo, hi = midnight - WINDOW_BEFORE, midnight + WINDOW_AFTER
    start = midnight + draw(st.integers(-2 * 24 * 60, 3 * 24 * 60)) * MINUTE

    def one_working() -> tuple[BusinessCalendar, Oracle, bool]:
        spec = draw(working_specs(anchor))
        ever_open = any(spec["weekly"].values())
        return build_working(spec), Oracle.working(spec, lo, hi), ever_open

    if kind == "working":
        calendar, oracle, ever_open = one_working()
    elif kind == "always":
        calendar, oracle, ever_open = AlwaysOpen(), Oracle.always(lo, hi), True
    else:  # coverage, possibly nested, possibly containing AlwaysOpen
        members, oracle, ever_open = [], Oracle.empty(lo, hi), False
        for _ in range(draw(st.integers(1, 3))):
            cal, orc, open_ = one_working()
            members.append(cal)
            oracle, ever_open = oracle.union(orc), ever_open or open_
        if draw(st.booleans()) and len(members) > 1:
            members = [CoverageCalendar(members[:-1]), members[-1]]
        if draw(st.integers(0, 9)) == 0:
            members.append(AlwaysOpen())
            oracle, ever_open = Oracle.always(lo, hi), True
        calendar = CoverageCalendar(members)
    return calendar, oracle, start, ever_open


PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
KINDS = ["working", "coverage", "always"]


@pytest.mark.parametrize("kind", KINDS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_add_matches_oracle_and_inverts_elapsed(kind: str, data: st.DataObject) -> None:
    calendar, oracle, start, ever_open = data.draw(scenarios(kind))
    minutes = sorted(data.draw(st.lists(st.integers(0, 3000), min_size=1, max_size=4)))
    if not ever_open:
        if minutes[-1] > 0:
            with pytest.raises(NoOpenTimeError):
                calendar.add(start, minutes[-1] * MINUTE)
        return
    results = []
    for m in minutes:
        result = calendar.add(start, m * MINUTE)
        assert result.tzinfo is UTC
        assert result >= start
        assert calendar.elapsed(start, result) == m * MINUTE
        expected = oracle.add(start, m)
        if expected is not None:
            assert result == expected, (m, start)
        if m > 0:  # earliest: one second less has not yet consumed the duration
            assert calendar.elapsed(start, result - timedelta(seconds=1)) < m * MINUTE
        results.append(result)
    assert results == sorted(results)  # monotone in the duration


@pytest.mark.parametrize("kind", KINDS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_open_queries_match_oracle(kind: str, data: st.DataObject) -> None:
    calendar, oracle, start, _ = data.draw(scenarios(kind))
    end = start + data.draw(st.integers(0, 4 * 24 * 60)) * MINUTE

    assert calendar.elapsed(start, end) == oracle.elapsed(start, end)
    assert calendar.is_open(start) == oracle.is_open(start)

    runs = list(calendar.open_intervals(start, end))
    assert runs == oracle.runs(start, end)
    for s, e in runs:
        assert calendar.is_open(s)
        assert calendar.is_open(e - timedelta(microseconds=1))
        assert e == end or not calendar.is_open(e)
    assert sum((e - s for s, e in runs), timedelta(0)) == calendar.elapsed(start, end)

    expected_next = oracle.next_open(start)
    if expected_next is not None:
        found = calendar.next_open(start)
        assert found == expected_next
        assert calendar.is_open(found)
        assert calendar.elapsed(start, found) == timedelta(0)


MARKET_TZ = {"JP": "Asia/Tokyo", "CN": "Asia/Shanghai"}


@functools.cache
def market_and_spec(country: str) -> tuple[WorkingCalendar, dict]:
    """A market calendar (shared, so its lazy year cache is exercised across examples) and the
    oracle's spec fed directly from the library for 2025–2029."""
    hours = {k: [["09:00", "12:00"], ["13:00", "18:00"]] for k in WEEKDAYS_9_TO_18}
    calendar = market_calendar(MARKET_TZ[country], hours, country)
    lib = holidays_lib.country_holidays(country, years=range(2025, 2030))
    spec = {
        "tz": MARKET_TZ[country],
        "weekly": {wd: [(time(9), time(12)), (time(13), time(18))] for wd in range(5)},
        "holidays": frozenset(lib),
        "workdays": frozenset(lib.weekend_workdays),
        "from": 0,
    }
    return calendar, spec


@settings(max_examples=40, deadline=None)
@given(
    country=st.sampled_from(sorted(MARKET_TZ)),
    start_minute=st.integers(0, 3 * 366 * 24 * 60),
    minutes=st.integers(1, 45 * 60),
)
def test_market_calendar_matches_oracle_with_library_holidays(
    country: str, start_minute: int, minutes: int
) -> None:
    """Lazily loaded library holidays and make-up days agree with an oracle fed directly."""
    calendar, spec = market_and_spec(country)
    start = utc(2026, 1, 1) + start_minute * MINUTE
    oracle = Oracle.working(spec, start - timedelta(days=1), start + timedelta(days=40))
    result = calendar.add(start, minutes * MINUTE)
    assert result == oracle.add(start, minutes)
    assert calendar.elapsed(start, result) == minutes * MINUTE


# --------------------------------------------------------------------------------------------
# Hand-written cases
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tokyo() -> WorkingCalendar:
    return market_calendar("Asia/Tokyo", WEEKDAYS_9_TO_18, "JP")


def test_zoneinfo_reads_wall_times_with_fold_0() -> None:
    """The documented conversion rule is what zoneinfo does by default."""
    # Skipped (02:30 on the US spring-forward day): offset before the jump (EST).
    assert local(NEW_YORK, 2027, 3, 14, 2, 30).astimezone(UTC) == utc(2027, 3, 14, 7, 30)
    # Repeated (02:30 on the EU fall-back day): first occurrence (CEST).
    assert local(BERLIN, 2027, 10, 31, 2, 30).astimezone(UTC) == utc(2027, 10, 31, 0, 30)


def test_tokyo_friday_ticket_before_coming_of_age_day(tokyo: WorkingCalendar) -> None:
    assert holidays_lib.country_holidays("JP", years=2027, language="en_US")[date(2027, 1, 11)] == (
        "Coming of Age Day"
    )
    start = local(TOKYO, 2027, 1, 8, 17, 55)  # Friday
    due = tokyo.add(start, timedelta(minutes=15))
    assert due == local(TOKYO, 2027, 1, 12, 9, 10)  # Tuesday; Monday is the holiday
    assert due.tzinfo is UTC
    assert tokyo.next_open(local(TOKYO, 2027, 1, 8, 18, 0)) == local(TOKYO, 2027, 1, 12, 9)
    assert not tokyo.is_open(local(TOKYO, 2027, 1, 11, 10))
    # Exact to the second.
    assert tokyo.add(local(TOKYO, 2027, 1, 8, 17, 55, 7), timedelta(minutes=15)) == local(
        TOKYO, 2027, 1, 12, 9, 10, 7
    )
    # Ending exactly at closing time stays at closing time.
    assert tokyo.add(start, timedelta(minutes=5)) == local(TOKYO, 2027, 1, 8, 18)


def test_new_york_business_hours_across_spring_forward() -> None:
    cal = market_calendar("America/New_York", WEEKDAYS_9_TO_18, "US")
    due = cal.add(local(NEW_YORK, 2027, 3, 12, 17), 2 * HOUR)  # Friday 17:00 EST
    assert due == local(NEW_YORK, 2027, 3, 15, 10)  # Monday 10:00 EDT
    assert due == utc(2027, 3, 15, 14)


def test_new_york_interval_containing_the_skipped_hour() -> None:
    night = WorkingCalendar("America/New_York", {wd: [(time(0), time(6))] for wd in range(7)})
    sunday = local(NEW_YORK, 2027, 3, 14)
    assert night.elapsed(sunday, sunday + timedelta(days=1)) == 5 * HOUR
    assert night.add(local(NEW_YORK, 2027, 3, 14, 1, 30), HOUR) == local(
        NEW_YORK, 2027, 3, 14, 3, 30
    )
    assert night.add(local(NEW_YORK, 2027, 3, 14, 1, 30), HOUR) == utc(2027, 3, 14, 7, 30)

    whole_days = WorkingCalendar("America/New_York", {wd: [(time(0), time(0))] for wd in range(7)})
    assert whole_days.elapsed(sunday, local(NEW_YORK, 2027, 3, 15)) == 23 * HOUR
    saturday_noon = local(NEW_YORK, 2027, 3, 13, 12)
    assert whole_days.add(saturday_noon, 24 * HOUR) == local(NEW_YORK, 2027, 3, 14, 13)
    assert whole_days.add(saturday_noon, 24 * HOUR) == AlwaysOpen().add(saturday_noon, 24 * HOUR)

    # An interval starting inside the gap starts at the pre-jump reading (07:30 UTC).
    gap = WorkingCalendar("America/New_York", {6: [(time(2, 30), time(4))]})
    runs = list(gap.open_intervals(sunday, sunday + timedelta(days=1)))
    assert runs == [(utc(2027, 3, 14, 7, 30), utc(2027, 3, 14, 8))]


def test_berlin_fall_back_repeated_hour() -> None:
    whole_days = WorkingCalendar("Europe/Berlin", {wd: [(time(0), time(0))] for wd in range(7)})
    sunday = local(BERLIN, 2027, 10, 31)
    assert whole_days.elapsed(sunday, local(BERLIN, 2027, 11, 1)) == 25 * HOUR

    # 02:00 is read as its first occurrence (CEST), 03:00 exists once (CET): two hours open.
    repeated = WorkingCalendar("Europe/Berlin", {6: [(time(2), time(3))]})
    assert list(repeated.open_intervals(sunday, sunday + timedelta(days=1))) == [
        (utc(2027, 10, 31, 0), utc(2027, 10, 31, 2))
    ]
    assert repeated.add(local(BERLIN, 2027, 10, 31, 1), 90 * MINUTE) == utc(2027, 10, 31, 1, 30)
    assert repeated.is_open(utc(2027, 10, 31, 1, 45))  # the second 02:45 (CET)


def test_sydney_fall_back_night_shift() -> None:
    shift = WorkingCalendar("Australia/Sydney", {5: [(time(22), time(6))]})  # Saturday night
    start = local(SYDNEY, 2027, 4, 3, 22)  # 22:00 AEDT = 11:00 UTC
    assert shift.elapsed(start, start + timedelta(days=1)) == 9 * HOUR
    due = shift.add(start, 8 * HOUR)
    assert due == utc(2027, 4, 3, 19)
    assert due.astimezone(SYDNEY).replace(tzinfo=None) == datetime(2027, 4, 4, 5)


def test_dubai_monday_to_friday_vs_saudi_sunday_to_thursday() -> None:
    dubai = market_calendar("Asia/Dubai", WEEKDAYS_9_TO_18, "AE")
    saudi_hours = {k: [["09:00", "17:00"]] for k in ("sun", "mon", "tue", "wed", "thu")}
    saudi = market_calendar("Asia/Riyadh", saudi_hours, "SA")
    # The library agrees on the weekends: UAE Sat–Sun since 2022, Saudi Arabia Fri–Sat.
    assert holidays_lib.country_holidays("AE", years=2027).weekend == {5, 6}
    assert holidays_lib.country_holidays("SA", years=2027).weekend == {4, 5}

    friday = date(2027, 1, 15)
    assert friday.weekday() == 4
    assert dubai.is_open(local(DUBAI, 2027, 1, 15, 10))
    assert not saudi.is_open(local(RIYADH, 2027, 1, 15, 10))
    assert saudi.next_open(local(RIYADH, 2027, 1, 15, 10)) == local(RIYADH, 2027, 1, 17, 9)
    assert saudi.is_open(local(RIYADH, 2027, 1, 17, 9))  # Sunday
    assert not dubai.is_open(local(DUBAI, 2027, 1, 17, 10))
    # Thursday 16:30 + 1 h: Saudi resumes on Sunday, Dubai on Friday.
    assert saudi.add(local(RIYADH, 2027, 1, 14, 16, 30), HOUR) == local(RIYADH, 2027, 1, 17, 9, 30)
    assert dubai.add(local(DUBAI, 2027, 1, 14, 17, 30), HOUR) == local(DUBAI, 2027, 1, 15, 9, 30)


def test_year_end_span(tokyo: WorkingCalendar) -> None:
    assert date(2026, 12, 31) not in holidays_lib.country_holidays("JP", years=2026)
    assert date(2027, 1, 1) in holidays_lib.country_holidays("JP", years=2027)
    start = local(TOKYO, 2026, 12, 31, 17)  # Thursday; Friday Jan 1 is a holiday
    due = tokyo.add(start, 2 * HOUR)
    assert due == local(TOKYO, 2027, 1, 4, 10)
    assert tokyo.elapsed(start, due) == 2 * HOUR
    # Several years of business time in one call.
    far = tokyo.add(start, 3000 * HOUR)
    assert tokyo.elapsed(start, far) == 3000 * HOUR


def test_night_shift_across_the_utc_year_boundary_is_one_interval() -> None:
    nights = WorkingCalendar(
        "Europe/Berlin", {wd: [(time(22), time(6))] for wd in range(7)}, holidays=[date(2027, 1, 1)]
    )
    start, end = local(BERLIN, 2026, 12, 31, 12), local(BERLIN, 2027, 1, 2, 12)
    assert list(nights.open_intervals(start, end)) == [(utc(2026, 12, 31, 21), utc(2027, 1, 1, 5))]
    assert nights.elapsed(start, end) == 8 * HOUR
    assert nights.add(local(BERLIN, 2026, 12, 31, 23), 2 * HOUR) == utc(2027, 1, 1, 0)
    assert nights.add(local(BERLIN, 2026, 12, 31, 23), 7 * HOUR) == utc(2027, 1, 1, 5)
    assert nights.add(local(BERLIN, 2026, 12, 31, 23), 8 * HOUR) == utc(2027, 1, 2, 22)


def test_china_make_up_workday_takes_monday_hours() -> None:
    makeup = date(2026, 1, 4)
    assert makeup.weekday() == 6  # a Sunday
    assert makeup in holidays_lib.country_holidays("CN", years=2026).weekend_workdays
    hours = {k: [["09:00", "18:00"]] for k in ("tue", "wed", "thu", "fri")}
    hours["mon"] = [["08:30", "17:30"]]
    china = market_calendar("Asia/Shanghai", hours, "CN")
    assert china.is_open(local(SHANGHAI, 2026, 1, 4, 8, 45))
    assert not china.is_open(local(SHANGHAI, 2026, 1, 4, 17, 45))
    assert not china.is_open(local(SHANGHAI, 2026, 1, 3, 10))  # Saturday: closed
    assert not china.is_open(local(SHANGHAI, 2026, 1, 2, 10))  # Friday: day off in lieu
    day = local(SHANGHAI, 2026, 1, 4)
    assert china.elapsed(day, day + timedelta(days=1)) == 9 * HOUR
    # A ticket on New Year's Eve afternoon is due on the Sunday make-up day.
    assert china.add(local(SHANGHAI, 2025, 12, 31, 17), 2 * HOUR) == local(
        SHANGHAI, 2026, 1, 4, 9, 30
    )


def test_custom_workdays_and_holiday_wins() -> None:
    sat = date(2027, 1, 9)
    cal = WorkingCalendar(
        "UTC",
        {0: [(time(10), time(12))], 2: [(time(9), time(17))]},
        holidays=[date(2027, 1, 10)],
        workdays=[sat, date(2027, 1, 10)],
        workday_hours_from=2,
    )
    assert cal.elapsed(utc(2027, 1, 9), utc(2027, 1, 10)) == 8 * HOUR
    assert cal.elapsed(utc(2027, 1, 10), utc(2027, 1, 11)) == timedelta(0)


def test_night_shift_with_a_holiday_on_the_second_day() -> None:
    shift = WorkingCalendar(
        "Asia/Tokyo",
        {wd: [(time(22), time(6))] for wd in range(5)},
        holidays=[date(2027, 1, 12)],  # Tuesday
    )
    assert shift.is_open(local(TOKYO, 2027, 1, 12, 3))  # Monday's shift runs into the holiday
    assert not shift.is_open(local(TOKYO, 2027, 1, 12, 6))
    assert not shift.is_open(local(TOKYO, 2027, 1, 12, 23))  # the holiday's own shift is off
    assert shift.is_open(local(TOKYO, 2027, 1, 13, 23))
    monday_noon, thursday_noon = local(TOKYO, 2027, 1, 11, 12), local(TOKYO, 2027, 1, 14, 12)
    assert shift.elapsed(monday_noon, thursday_noon) == 16 * HOUR
    assert shift.add(local(TOKYO, 2027, 1, 12, 5), 2 * HOUR) == local(TOKYO, 2027, 1, 13, 23)


def _team(tz: str) -> WorkingCalendar:
    return WorkingCalendar(tz, {wd: [(time(7), time(19))] for wd in range(5)})


@pytest.mark.parametrize(
    ("monday", "opens", "closes"),
    [
        (date(2027, 1, 11), utc(2027, 1, 10, 22), utc(2027, 1, 16, 0)),  # winter
        (date(2027, 7, 12), utc(2027, 7, 11, 22), utc(2027, 7, 16, 23)),  # summer
    ],
)
def test_follow_the_sun_coverage_is_continuous_on_weekdays(
    monday: date, opens: datetime, closes: datetime
) -> None:
    tokyo, berlin, new_york = (
        _team("Asia/Tokyo"),
        _team("Europe/Berlin"),
        _team("America/New_York"),
    )
    flat = CoverageCalendar([tokyo, berlin, new_york])
    nested = CoverageCalendar([CoverageCalendar([tokyo, berlin]), new_york])
    week_start = datetime(monday.year, monday.month, monday.day, tzinfo=UTC) - timedelta(days=1)
    week_end = week_start + timedelta(days=7)
    for coverage in (flat, nested):
        assert list(coverage.open_intervals(week_start, week_end)) == [(opens, closes)]
        assert coverage.elapsed(week_start, week_end) == closes - opens
        # Each team alone is far from 24 h.
        assert tokyo.elapsed(week_start, week_end) == 60 * HOUR
        # Half an hour before the weekend + 1 h → half an hour into Monday in Tokyo.
        assert coverage.add(closes - 30 * MINUTE, HOUR) == opens + 7 * timedelta(days=1) + (
            30 * MINUTE
        )


def test_always_open_is_plain_arithmetic() -> None:
    always = AlwaysOpen()
    start = local(BERLIN, 2027, 3, 28, 1, 59, 59, 123456)
    # Absolute time, not wall-clock arithmetic (`start + delta` would keep the local wall time).
    assert always.add(start, timedelta(days=400, microseconds=7)) == start.astimezone(
        UTC
    ) + timedelta(days=400, microseconds=7)
    assert always.elapsed(start, start.astimezone(UTC) + timedelta(days=800)) == timedelta(days=800)
    assert always.next_open(start) == start
    assert always.is_open(start)


def test_zero_duration_returns_start_even_when_closed(tokyo: WorkingCalendar) -> None:
    sunday = local(TOKYO, 2027, 1, 10, 12)
    assert tokyo.add(sunday, timedelta(0)) == sunday
    assert tokyo.add(sunday, timedelta(0)).tzinfo is UTC


def test_errors() -> None:
    cal = WorkingCalendar("UTC", {0: [(time(9), time(17))]})
    naive = datetime(2027, 1, 4, 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.add(naive, HOUR)
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.is_open(naive)
    with pytest.raises(ValueError, match="negative"):
        cal.add(utc(2027, 1, 4), -HOUR)
    with pytest.raises(ValueError, match="before start"):
        cal.elapsed(utc(2027, 1, 5), utc(2027, 1, 4))
    with pytest.raises(ValueError, match="before start"):
        cal.open_intervals(utc(2027, 1, 5), utc(2027, 1, 4))
    with pytest.raises(ValueError, match="weekday keys must be integers"):
        WorkingCalendar("UTC", {7: [(time(9), time(17))]})

    never = WorkingCalendar("UTC", {})
    with pytest.raises(NoOpenTimeError):
        never.add(utc(2027, 1, 4), MINUTE)
    with pytest.raises(NoOpenTimeError):
        never.next_open(utc(2027, 1, 4))
    with pytest.raises(NoOpenTimeError):
        CoverageCalendar([]).add(utc(2027, 1, 4), MINUTE)
    assert never.elapsed(utc(2027, 1, 4), utc(2030, 1, 4)) == timedelta(0)
    assert list(never.open_intervals(utc(2027, 1, 4), utc(2027, 2, 4))) == []


def test_parse_weekly_hours() -> None:
    weekly = parse_weekly_hours(
        '{"Mon": [["09:00", "12:00"], ["13:00", "18:00"]], "sat": [["22:00", "06:00"]],'
        ' "sun": [["18:00", "24:00"]]}'
    )
    assert weekly == {
        0: [(time(9), time(12)), (time(13), time(18))],
        5: [(time(22), time(6))],
        6: [(time(18), time(0))],
    }
    until_midnight = WorkingCalendar("UTC", weekly)
    sunday = utc(2027, 1, 10)  # Saturday's night shift until 06:00, then 18:00 to midnight
    assert until_midnight.elapsed(sunday, sunday + timedelta(days=1)) == 12 * HOUR
    with pytest.raises(ValueError, match="weekday"):
        parse_weekly_hours({"monday": [["09:00", "18:00"]]})
    with pytest.raises(ValueError, match="24:00"):
        parse_weekly_hours({"mon": [["24:00", "06:00"]]})
    with pytest.raises(ValueError, match="wall time"):
        parse_weekly_hours({"mon": [["9h", "18:00"]]})


def test_market_calendar_covers_any_year_lazily() -> None:
    cal = market_calendar("Asia/Tokyo", WEEKDAYS_9_TO_18, "JP", years=[2027])
    # Coming-of-Age Day 2040 is Monday, Jan 9 (2nd Monday of January).
    assert date(2040, 1, 9) in holidays_lib.country_holidays("JP", years=2040)
    assert cal.add(local(TOKYO, 2040, 1, 6, 17, 55), 15 * MINUTE) == local(
        TOKYO, 2040, 1, 10, 9, 10
    )


def test_holiday_names_languages() -> None:
    ja = holiday_names("JP", None, 2027, "ja")
    assert (date(2027, 1, 11), "成人の日") in ja
    assert ja == sorted(ja)
    assert all(d.year == 2027 for d, _ in ja)
    assert (date(2027, 1, 11), "Coming of Age Day") in holiday_names("JP", None, 2027, "en_US")
    assert (date(2027, 1, 11), "Coming of Age Day") in holiday_names("JP", None, 2027, "en")
    # Unsupported language: the country's default language (Japanese), not the process locale.
    assert (date(2027, 1, 11), "成人の日") in holiday_names("JP", None, 2027, "xx")
    assert (date(2026, 1, 1), "元旦") in holiday_names("CN", None, 2026, "zh_CN")
    bavaria = holiday_names("DE", "BY", 2027, "de")
    assert (date(2027, 1, 6), "Heilige Drei Könige") in bavaria
