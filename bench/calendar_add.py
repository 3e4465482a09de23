"""Benchmark of the business-calendar engine (``beachhead.markets.calendar``).

Target: 100,000 ``add`` calls over holiday-rich market calendars (Japan and China, with a lunch
break in China) in under 2 s on one core, i.e. 20 µs per call. Half of the calls add 40
business hours (about a working week), half a random duration of up to 45 hours; starts are
random instants (to the second, as local aware datetimes) spread over 2026–2028. The calendars
are built fresh, so lazily building and caching each year's blocks (and loading the `holidays`
library's years) is part of the measured time.

Run ``python bench/calendar_add.py``; a harness can ``from bench.calendar_add import run``
(or load the file) and call ``run(calls=...)``, which returns a dict per operation.
"""

from __future__ import annotations

import random
import sys
import time as clock
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

try:
    from beachhead.markets.calendar import BusinessCalendar, market_calendar
except ModuleNotFoundError:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from beachhead.markets.calendar import BusinessCalendar, market_calendar

TARGET_US_PER_CALL = 20.0  # 100,000 calls in 2 s
SEED = 20270108

JP_HOURS = {k: [["09:00", "18:00"]] for k in ("mon", "tue", "wed", "thu", "fri")}
CN_HOURS = {
    k: [["09:00", "12:00"], ["13:00", "18:00"]] for k in ("mon", "tue", "wed", "thu", "fri")
}


def _calendars() -> list[tuple[BusinessCalendar, ZoneInfo]]:
    return [
        (market_calendar("Asia/Tokyo", JP_HOURS, "JP"), ZoneInfo("Asia/Tokyo")),
        (market_calendar("Asia/Shanghai", CN_HOURS, "CN"), ZoneInfo("Asia/Shanghai")),
    ]


def _workload(
    calls: int, calendars: list[tuple[BusinessCalendar, ZoneInfo]]
) -> list[tuple[BusinessCalendar, datetime, timedelta]]:
    rng = random.Random(SEED)
    base = datetime(2026, 1, 1)
    span = 3 * 365 * 24 * 3600
    week = timedelta(hours=40)
    out = []
    for i in range(calls):
        calendar, zone = calendars[i % len(calendars)]
        start = (base + timedelta(seconds=rng.randrange(span))).replace(tzinfo=zone)
        duration = week if i % 4 < 2 else timedelta(seconds=rng.randrange(1, 45 * 3600 + 1))
        out.append((calendar, start, duration))
    return out


def _row(name: str, calls: int, seconds: float) -> dict:
    us = seconds / calls * 1e6 if calls else 0.0
    return {
        "operation": name,
        "calls": calls,
        "seconds": seconds,
        "us_per_call": us,
        "target_us_per_call": TARGET_US_PER_CALL,
        "ok": us <= TARGET_US_PER_CALL,
    }


def run(calls: int = 100_000) -> dict:
    """Run the benchmark; return ``{operation: {calls, seconds, us_per_call, ok, …}}``.

    ``add`` is the target operation; ``elapsed``, ``is_open`` and ``next_open`` are measured
    on the same starts for information (same per-call target). ``add (warm)`` repeats ``add``
    with the year caches already filled.
    """
    calendars = _calendars()
    work = _workload(calls, calendars)
    results: dict[str, dict] = {}

    t0 = clock.perf_counter()
    ends = [calendar.add(start, duration) for calendar, start, duration in work]
    results["add"] = _row("add", calls, clock.perf_counter() - t0)

    t0 = clock.perf_counter()
    for calendar, start, duration in work:
        calendar.add(start, duration)
    results["add (warm)"] = _row("add (warm)", calls, clock.perf_counter() - t0)

    t0 = clock.perf_counter()
    spans = [
        calendar.elapsed(start, end) for (calendar, start, _), end in zip(work, ends, strict=True)
    ]
    results["elapsed"] = _row("elapsed", calls, clock.perf_counter() - t0)

    t0 = clock.perf_counter()
    for calendar, start, _ in work:
        calendar.is_open(start)
    results["is_open"] = _row("is_open", calls, clock.perf_counter() - t0)

    t0 = clock.perf_counter()
    for calendar, start, _ in work:
        calendar.next_open(start)
    results["next_open"] = _row("next_open", calls, clock.perf_counter() - t0)

    # Sanity: the arithmetic is consistent (elapsed inverts add) on every call.
    mismatches = sum(
        1 for (_, _, duration), span in zip(work, spans, strict=True) if span != duration
    )
    if mismatches:
        raise AssertionError(f"elapsed(start, add(start, d)) != d for {mismatches} calls")
    return results


def _print_table(results: dict) -> None:
    header = ("operation", "calls", "total s", "µs/call", "target", "verdict")
    rows = [
        (
            r["operation"],
            f"{r['calls']:,}",
            f"{r['seconds']:.3f}",
            f"{r['us_per_call']:.2f}",
            f"≤ {r['target_us_per_call']:.0f} µs",
            "PASS" if r["ok"] else "FAIL",
        )
        for r in results.values()
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    for line in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)))


def main() -> int:
    """Print the table; exit status 1 if ``add`` misses its target."""
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    results = run(calls)
    print(f"business-calendar benchmark: JP + CN market calendars, {calls:,} calls per operation")
    _print_table(results)
    return 0 if results["add"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
