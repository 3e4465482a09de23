"""The benchmark harness: builds a dataset at a scale, times each target operation several
times and prints a table (operation, scale, database, median, p95, runs, target, verdict). The
same table is written to ``bench/results/<date>-<db>-<scale>.md`` (with ``--only``:
``<date>-<db>-<operations>-<scale>.md``, so a partial run never replaces a full table).

Run it through ``beachhead bench [--scale small|full] [--db sqlite|postgresql|mysql]`` or
``make bench``. It works in its own database (``var/bench/`` for SQLite, ``beachhead_bench``
on the servers), never in the one ``make run`` uses.

Operations so far (each issue adds its own; see ``OPERATIONS``):
- ``calendar.add``: 100,000 business-calendar additions of about a week (target 2 s).
- ``commitments.sweep``: one sweep with 1,000 due among 1,000,000 open commitments (full
  scale; small: 10 due among 10,000) — target 1 s, and work proportional to what is due.
- ``accounts``: with 10,000 accounts, 100,000 contacts, 50,000 deals and 30,000 deployments
  (small: 1/100), as a regional manager: the saved-views account list with two filters and a
  group-by (target 150 ms), the customer-360 page of a large account (200 ms) and the API's
  filtered account list (100 ms, for information).
- ``tickets`` (``bench/tickets.py``): on 1,000,000 tickets and 5,000,000 messages (small:
  1/100), ticket creation through the API (30 ms), the filtered API ticket list (15 ms at
  100k tickets, 50 ms at 1M) and the saved-views ticket list, the desk overview aggregates
  (150 ms), a CSV export of 100,000 tickets, e-mail ingest (200 mails/s).
- ``http`` (``bench/load.py``): the production server (``beachhead serve``) under wrk at
  1, 4 and 16 connections: requests/s, p50/p95/p99, errors (must be none), peak RSS.
- ``peer`` (``bench/peer.py``): django-helpdesk 2.6.1 in its own virtualenv on the same
  database engine and ticket count, timed the same way; ratios Beachhead/peer.
``http`` and ``peer`` run at full scale; at small scale (CI) only with ``--with-http`` /
``--with-peer`` (``make bench`` passes both) or ``--only``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # `bench` is a folder of the repository, not an installed package
SCALES = {"small": 0.01, "full": 1.0}
DATABASES = {
    "sqlite": lambda var: f"sqlite:///{var / 'bench.sqlite3'}",
    "postgresql": lambda var: "postgres://postgres@127.0.0.1:5432/beachhead_bench",
    "mysql": lambda var: "mysql://root@127.0.0.1:3306/beachhead_bench",
}


@dataclass
class Result:
    operation: str
    scale: str
    database: str
    timings: list[float]
    target: float | None  # seconds; None: for information (no target in the issue)
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.timings)

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def verdict(self, slack: float = 1.0) -> str:
        if self.target is None:
            return "info"
        return "ok" if self.median <= self.target * slack else "MISS"


#: Operations known to miss their targets: ``--check`` reports them but does not fail on them
#: until the work that meets the target lands; then they leave this list and guard against
#: regressions like the others. (Empty since the support desk met its targets, 2026-11-22.)
NOT_GATED: tuple[str, ...] = ()


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def table(results: list[Result]) -> str:
    head = "| operation | scale | database | median | p95 | runs | target | verdict | note |"
    rows = [head, "|---|---|---|---:|---:|---:|---:|---|---|"]
    for r in results:
        rows.append(
            f"| {r.operation} | {r.scale} | {r.database} | {_fmt(r.median)} | {_fmt(r.p95)} | "
            f"{len(r.timings)} | {_fmt(r.target) if r.target is not None else '—'} | "
            f"{r.verdict()} | {r.note} |"
        )
    return "\n".join(rows)


def _timed(func: Callable[[], object], runs: int, before: Callable[[], None] | None = None):
    timings = []
    for _ in range(runs):
        if before:
            before()
        t0 = time.perf_counter()
        func()
        timings.append(time.perf_counter() - t0)
    return timings


# --- Operations ------------------------------------------------------------------------------


def bench_calendar(scale: str, database: str) -> list[Result]:
    from bench.calendar_add import run

    calls = 100_000
    timings = []
    for _ in range(3):
        timings.append(run(calls=calls)["add"]["seconds"])
    return [Result("calendar.add ×100k", scale, "—", timings, 2.0, "1-week spans, JP and CN")]


def bench_sweep(scale: str, database: str) -> list[Result]:
    from bench.datasets import reset_sweep, seed_commitments

    factor = SCALES[scale]
    open_count = int(1_000_000 * factor)
    due = max(10, int(1000 * factor))
    now = seed_commitments(open_count, due)
    from beachhead.commitments import services

    queries = []

    def sweep():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            report = services.sweep(now=now)
        assert report.broken == due, report
        queries.append(len(ctx.captured_queries))

    timings = _timed(sweep, 5, before=lambda: reset_sweep(now))
    return [
        Result(
            f"commitments.sweep ({due:,} due of {open_count:,} open)",
            scale,
            database,
            timings,
            1.0,
            f"{queries[-1]} SQL queries",
        )
    ]


ACCOUNT_LIST_URL = (
    "/lists/accounts/?f=market__code:in:JP,US&f=tier:eq:growth&group=lifecycle"  # 2 filters
)
ACCOUNT_API_URL = "/api/v1/accounts/?market=JP&tier=strategic"


def _timed_get(client, url: str, runs: int = 15) -> tuple[list[float], int, int]:
    """GET ``url`` once to warm up, then ``runs`` times; (timings, SQL queries, bytes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries, size = len(ctx.captured_queries), len(response.content)

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return _timed(get, runs), queries, size


def bench_accounts(scale: str, database: str) -> list[Result]:
    """Issue 4's scale targets: a saved-views account list with two filters and a group-by
    (150 ms), the customer-360 page of a large account (200 ms), and the API's filtered
    account list (100 ms, for information), each as a regional manager through the test
    client: 15 timed runs after a warm-up."""
    from django.conf import settings
    from django.test import Client

    from bench.datasets import LARGE, account_targets, regional_manager, seed_accounts

    targets = account_targets(SCALES[scale])
    t0 = time.perf_counter()
    large = seed_accounts(SCALES[scale])
    print(f"  accounts dataset ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    settings.DEBUG = False
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(regional_manager())
    size = (
        f"{targets['accounts']:,} accounts, {targets['contacts']:,} contacts, "
        f"{targets['deals']:,} deals, {targets['deployments']:,} deployments"
    )
    from beachhead.commitments.models import Commitment

    # The 360 page reads promises made to the account: how many the table holds (the sweep's
    # dataset, when it ran in this database) weighs on its plan, so the note says it.
    promises = Commitment.objects.count()
    results = []
    timings, queries, _size = _timed_get(client, ACCOUNT_LIST_URL)
    results.append(
        Result(
            "accounts list, 2 filters + group-by",
            scale,
            database,
            timings,
            0.150,
            f"{queries} SQL queries; {size}",
        )
    )
    timings, queries, _size = _timed_get(client, f"/accounts/{large.pk}/")
    results.append(
        Result(
            "customer-360 page of a large account",
            scale,
            database,
            timings,
            0.200,
            f"{queries} SQL queries; {LARGE['contacts']} contacts, {LARGE['deals']} deals, "
            f"{LARGE['deployments']} deployments; {promises:,} commitments in the table",
        )
    )
    timings, queries, _size = _timed_get(client, ACCOUNT_API_URL)
    results.append(
        Result(
            "accounts API list with filters",
            scale,
            database,
            timings,
            0.100,
            f"{queries} SQL queries; ?market=JP&tier=strategic (for information)",
        )
    )
    return results


def bench_tickets(scale: str, database: str) -> list[Result]:
    from bench.tickets import bench_tickets as run

    return run(scale, database)


def bench_http(scale: str, database: str) -> list[Result]:
    from bench.load import bench_http as run

    return run(scale, database)


def bench_peer(scale: str, database: str) -> list[Result]:
    from bench.peer import bench_peer as run

    return run(scale, database)


OPERATIONS: dict[str, Callable[[str, str], list[Result]]] = {
    "calendar": bench_calendar,
    "sweep": bench_sweep,
    "accounts": bench_accounts,
    "tickets": bench_tickets,
    "http": bench_http,
    "peer": bench_peer,
}
#: Slow or server-starting operations: at small scale (CI) only when asked for.
OPT_IN = {"http": "with_http", "peer": "with_peer"}


def _wanted(name: str, args) -> bool:
    if args.only:
        return name in args.only
    if name in OPT_IN and args.scale == "small":
        return getattr(args, OPT_IN[name])
    return True


# --- Driver ----------------------------------------------------------------------------------


def _setup_django(database: str) -> None:
    var = REPO / "var" / "bench"
    var.mkdir(parents=True, exist_ok=True)
    os.environ["BEACHHEAD_VAR"] = str(var)
    os.environ["DATABASE_URL"] = DATABASES[database](var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beachhead.settings")
    if database == "postgresql":
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "CREATE DATABASE beachhead_bench"],
            capture_output=True,
            check=False,
        )
    elif database == "mysql":
        subprocess.run(
            ["mysql", "-h", "127.0.0.1", "-uroot", "-e",
             "CREATE DATABASE IF NOT EXISTS beachhead_bench CHARACTER SET utf8mb4"],
            capture_output=True,
            check=False,
        )  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--db", choices=DATABASES, default="sqlite")
    parser.add_argument("--only", action="append", choices=OPERATIONS, help="Run only these.")
    parser.add_argument(
        "--check",
        action="store_true",
        help="Exit 1 when an operation is more than 3× over its target (for CI).",
    )
    parser.add_argument("--with-http", action="store_true", help="Run http at small scale.")
    parser.add_argument("--with-peer", action="store_true", help="Run peer at small scale.")
    args = parser.parse_args(argv)
    _setup_django(args.db)
    results: list[Result] = []
    failed_ops: list[str] = []
    from beachhead.core.progress import bar

    chosen = [(name, func) for name, func in OPERATIONS.items() if _wanted(name, args)]
    steps = bar(chosen, "Benchmarks", len(chosen), unit="op")
    for name, func in steps:
        if hasattr(steps, "set_postfix_str"):  # a bar: it names the operation running
            steps.set_postfix_str(name)
        else:  # off a terminal: a line per operation
            print(f"… {name}", file=sys.stderr, flush=True)
        try:
            results.extend(func(args.scale, args.db))
        except Exception as exc:  # one broken operation must not lose the others' figures
            traceback.print_exc()
            failed_ops.append(name)
            results.append(
                Result(f"{name}: FAILED", args.scale, args.db, [0.0], None, f"{exc}"[:300])
            )
    text = table(results)
    print(text)
    today = dt.date.today().isoformat()
    only = [name for name in OPERATIONS if args.only and name in args.only]
    stem = "-".join([today, args.db, *only, args.scale])
    out = REPO / "bench" / "results" / f"{stem}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        f"# Benchmarks — {args.scale} scale on {args.db}, {today}"
        f"{' (only ' + ', '.join(only) + ')' if only else ''}\n\n"
        f"Machine: {os.cpu_count()} cores. Python {sys.version.split()[0]}.\n\n{text}\n"
    )
    print(f"\nWritten to {out.relative_to(REPO)}", file=sys.stderr)
    if failed_ops:
        print("operations that failed: " + ", ".join(failed_ops), file=sys.stderr)
        return 1
    if args.check:
        failed = [
            r
            for r in results
            if r.verdict(slack=3.0) == "MISS" and not r.operation.startswith(NOT_GATED)
        ]
        for r in results:
            if r.verdict(slack=3.0) == "MISS" and r.operation.startswith(NOT_GATED):
                print(f"not gated (a known miss, open work): {r.operation}", file=sys.stderr)
        if failed:
            print("over 3x the target: " + "; ".join(r.operation for r in failed), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
