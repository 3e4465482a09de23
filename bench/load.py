"""HTTP under load (op ``http``): the production server as people run it (``beachhead serve``:
gunicorn with its defaults, 2 workers × 4 threads, and the worker beside it) on a free port of
127.0.0.1 against the bench database, driven by wrk (Debian's package; ``make bench`` installs
it) for a bounded time at 1, 4 and 16 connections:

- the ticket list, ``GET /api/v1/tickets/?status=open&market=JP&page_size=25`` (token header);
- ticket creation, ``POST /api/v1/tickets/`` with JSON bodies (a wrk Lua script), strategic
  urgent and growth normal tickets in turn;
- the customer portal's public web form, ``GET /support/help/`` (the portal itself needs a
  session).

Each row gives requests/s and wrk's p50/p95/p99; errors (socket errors and responses other
than 2xx/3xx) must be none. The peak RSS (VmHWM) of the web and worker processes is read from
``/proc`` at the end. Tickets the load created are removed afterwards (``Checkpoint``).
Traffic goes to 127.0.0.1 only, and every run stops by itself (``wrk -d``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.run import REPO, SCALES, Result

LEVELS = (1, 4, 16)
DURATION = {"small": 5, "full": 30}

DONE_LUA = r"""
done = function(summary, latency, requests)
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


class LoadResult(Result):
    """A wrk run: the median and p95 are wrk's latency percentiles, "runs" its request count;
    the verdict is about errors (there is no latency target under load)."""

    def __init__(self, operation, scale, database, stats: dict, note: str):
        p50 = stats["p50"] / 1e6
        super().__init__(operation, scale, database, [p50] * max(1, stats["requests"]), None, note)
        self.stats = stats

    @property
    def median(self) -> float:
        return self.stats["p50"] / 1e6

    @property
    def p95(self) -> float:
        return self.stats["p95"] / 1e6

    @property
    def errors(self) -> int:
        s = self.stats
        return s["connect"] + s["read"] + s["write"] + s["status"] + s["timeout"]

    def verdict(self, slack: float = 1.0) -> str:
        return "ok" if self.errors == 0 else "MISS"


def wrk_binary() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise RuntimeError("wrk is not installed: `apt-get install -y wrk` (make bench does it).")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    """The process tree under ``pid`` (from /proc/<pid>/stat's parent ids)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def peak_rss(pid: int) -> list[tuple[str, int]]:
    """(role, VmHWM in kB) of every process of the server's tree."""
    out = []
    for child in _children(pid):
        status = _status(child)
        if not status or "VmHWM" not in status:
            continue
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            cmdline = ""
        if "gunicorn" in cmdline:
            role = "gunicorn"
        elif " worker" in cmdline:
            role = "worker"
        elif " serve" in cmdline:
            role = "serve"
        else:
            role = status.get("Name", "?").strip()
        out.append((role, int(status["VmHWM"].split()[0])))
    return out


def _rss_note(rows: list[tuple[str, int]]) -> str:
    gunicorn = sorted((kb for role, kb in rows if role == "gunicorn"), reverse=True)
    worker = [kb for role, kb in rows if role == "worker"]
    serve = [kb for role, kb in rows if role == "serve"]
    parts = []
    if gunicorn:
        parts.append("web " + " + ".join(f"{kb / 1024:.0f}" for kb in gunicorn) + " MB")
    if worker:
        parts.append(f"worker {worker[0] / 1024:.0f} MB")
    if serve:
        parts.append(f"serve {serve[0] / 1024:.0f} MB")
    return "peak RSS (VmHWM): " + ", ".join(parts)


class Server:
    """``beachhead serve`` on a free port with the bench's database, output to a log file."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(tempfile.mkstemp(prefix="bench-serve-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        beachhead = Path(sys.executable).with_name("beachhead")
        command = [str(beachhead)] if beachhead.exists() else [sys.executable, "-m", "beachhead"]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "beachhead.settings"}
        # wrk sends thousands of requests a minute with one token: lift the per-token API limit.
        env.setdefault("BEACHHEAD_API_RATE", "100000000/minute")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*command, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=REPO,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"beachhead serve exited: {self.log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers (a 503 only says the worker has no heartbeat yet)
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("beachhead serve did not answer within 60 s")
        return self

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if exc[0] is None:
            self.log.unlink(missing_ok=True)


def _lua_post(bodies: list[dict]) -> str:
    items = ",\n".join(f"[==[{json.dumps(b, ensure_ascii=False)}]==]" for b in bodies)
    return (
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"local bodies = {{\n{items}\n}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i + 1\n"
        '  return wrk.format("POST", "/api/v1/tickets/", nil, bodies[(i % #bodies) + 1])\n'
        "end\n" + DONE_LUA
    )


def run_wrk(url: str, connections: int, seconds: int, script: str, headers=()) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    try:
        command = [wrk_binary(), "-t", str(min(2, connections)), "-c", str(connections)]
        command += ["-d", f"{seconds}s", "--timeout", "10s", "-s", fh.name]
        for header in headers:
            command += ["-H", header]
        done = subprocess.run(
            [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    finally:
        os.unlink(fh.name)
    for line in done.stdout.splitlines():
        if line.startswith("BENCHJSON "):
            stats = json.loads(line.removeprefix("BENCHJSON "))
            stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
            return stats
    raise RuntimeError(f"wrk said: {done.stdout[-1000:]} {done.stderr[-1000:]}")


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def bench_http(scale: str, database: str) -> list[Result]:
    from django.db import connections

    from bench.datasets import regional_manager, seed_accounts, seed_tickets
    from bench.tickets import API_LIST, Checkpoint, api_token, creation_bodies

    wrk_binary()
    factor = SCALES[scale]
    seed_accounts(factor)
    targets = seed_tickets(factor)
    token = api_token(regional_manager())
    auth = f"Authorization: Token {token}"
    seconds = DURATION[scale]
    bodies = creation_bodies(50, seed=23)
    checkpoint = Checkpoint.take()
    connections.close_all()  # the server's processes write; hold nothing open meanwhile
    results: list[Result] = []
    rows = []
    try:
        with Server() as server:
            portal = urllib.request.urlopen
            try:
                portal_status = portal(f"{server.url}/support/help/", timeout=10).status
            except urllib.error.HTTPError as exc:
                portal_status = exc.code
            endpoints = (
                ("GET /api/v1/tickets/?status=open&market=JP (25 rows)", API_LIST, DONE_LUA,
                 [auth], ""),
                ("POST /api/v1/tickets/ (create)", "/api/v1/tickets/", _lua_post(bodies), [auth],
                 "strategic urgent and growth normal in turn"),
                ("GET /support/help/ (portal web form)", "/support/help/", DONE_LUA, [],
                 f"answered {portal_status} before the run"),
            )  # fmt: skip
            for label, path, script, headers, extra in endpoints:
                for level in LEVELS:
                    stats = run_wrk(server.url + path, level, seconds, script, headers)
                    result = LoadResult(
                        f"http {label}, {level} conn.",
                        scale,
                        database,
                        stats,
                        "",
                    )
                    result.note = "; ".join(
                        p
                        for p in (
                            f"{stats['rps']:,.0f} req/s",
                            f"p99 {stats['p99'] / 1000:.1f} ms",
                            f"{result.errors} errors"
                            + (
                                f" ({stats['status']} non-2xx/3xx, {stats['connect']} connect,"
                                f" {stats['read']} read, {stats['timeout']} timeouts)"
                                if result.errors
                                else ""
                            ),
                            f"{seconds} s",
                            extra if level == LEVELS[0] else "",
                            _load(),
                        )
                        if p
                    )
                    results.append(result)
                    print(f"  {result.operation}: {result.note}", file=sys.stderr, flush=True)
            rows = peak_rss(server.process.pid)
    finally:
        checkpoint.restore()
    if results:
        results[-1].note += "; " + _rss_note(rows)
        results[0].note += (
            f"; gunicorn 2 workers × 4 threads (serve's defaults) + beachhead worker; "
            f"{targets['tickets']:,} tickets"
        )
    return results
