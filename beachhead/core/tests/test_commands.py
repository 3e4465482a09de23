"""The core's management commands, and the convention that every command has a test."""

from __future__ import annotations

import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beachhead.core import schedule
from beachhead.core.demo import DEMO_PEOPLE
from beachhead.core.models import Team, User, WorkerHeartbeat

BEACHHEAD_DIR = Path(__file__).resolve().parents[2]


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


# --- createuser ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_createuser_prints_a_token_that_works(api):
    # when
    out = run("createuser", "--username", "ops", "--role", "admin", "--token")

    # then
    token = re.search(r"^Token: (\w+)$", out, re.MULTILINE).group(1)
    assert re.search(r"^Password: \S+$", out, re.MULTILINE)  # none given: one is generated
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "ops"
    assert response.json()["role"] == "admin"


@pytest.mark.django_db
def test_createuser_with_markets_and_a_password():
    # when
    out = run(
        "createuser",
        "--username",
        "ren",
        "--role",
        "account_executive",
        "--market",
        "jp",
        "kr",
        "--market",
        "JP",
        "--password",
        "A-long-test-passphrase-42",
        "--language",
        "ja",
        "--timezone",
        "Asia/Tokyo",
    )

    # then
    assert "Password:" not in out
    user = User.objects.get(username="ren")
    assert user.market_codes == ["JP", "KR"]
    assert (user.language, user.timezone) == ("ja", "Asia/Tokyo")
    assert user.check_password("A-long-test-passphrase-42")
    assert not user.is_staff


@pytest.mark.django_db
def test_createuser_of_a_market_role_needs_a_market():
    # when / then
    with pytest.raises(CommandError, match="--market"):
        run("createuser", "--username", "aoi", "--role", "support_agent")
    assert not User.objects.filter(username="aoi").exists()


@pytest.mark.django_db
def test_createuser_refuses_a_duplicate_username(make_user):
    # given
    make_user("admin", username="ops")

    # when / then
    with pytest.raises(CommandError, match="already exists"):
        run("createuser", "--username", "ops", "--role", "admin")
    assert User.objects.filter(username="ops").count() == 1


@pytest.mark.django_db
def test_createuser_refuses_a_weak_password_and_a_bad_time_zone():
    # when / then
    with pytest.raises(CommandError):
        run("createuser", "--username", "ops", "--role", "admin", "--password", "123")
    with pytest.raises(CommandError):
        run("createuser", "--username", "ops", "--role", "admin", "--timezone", "Mars/Base")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createuser_refuses_an_unknown_role():
    # when / then: argparse's choices, raised as CommandError by call_command
    with pytest.raises(CommandError):
        run("createuser", "--username", "ops", "--role", "king")


# --- demo ------------------------------------------------------------------------------------


def fingerprint() -> dict:
    """What the demo generates, without ids or timestamps."""
    return {
        "people": sorted(
            User.objects.values_list(
                "username", "first_name", "last_name", "role", "language", "timezone"
            )
        ),
        "markets": sorted((u.username, tuple(u.market_codes)) for u in User.objects.all()),
        "teams": sorted(
            Team.objects.values_list("name", "market_code", "kind", "timezone", "manager__username")
        ),
        "members": sorted(Team.members.through.objects.values_list("team__name", "user__username")),
    }


def load_demo(seed: int) -> dict:
    run("demo", seed=seed, accounts=0, no_progress=True)
    return fingerprint()


def generated_names(print_) -> set:
    demo_logins = {p[0] for p in DEMO_PEOPLE}
    return {(u, f, lname) for u, f, lname, *_ in print_["people"] if u not in demo_logins}


@pytest.mark.django_db(transaction=True)
def test_demo_is_deterministic_for_a_seed():
    # given
    first = load_demo(7)
    call_command("flush", interactive=False, verbosity=0)
    assert not User.objects.exists()

    # when
    second = load_demo(7)

    # then
    assert second == first
    assert len(first["people"]) > len(DEMO_PEOPLE)
    assert first["teams"]
    assert first["members"]


@pytest.mark.django_db(transaction=True)
def test_demo_with_another_seed_generates_other_names():
    # given
    seven = load_demo(7)
    call_command("flush", interactive=False, verbosity=0)

    # when
    eight = load_demo(8)

    # then: the demo logins are fixed, the generated people are not
    assert {p[0] for p in eight["people"]} == {p[0] for p in seven["people"]}
    assert generated_names(eight) != generated_names(seven)


@pytest.mark.django_db
def test_demo_if_empty_on_a_loaded_database_does_nothing():
    # given
    load_demo(7)
    before = fingerprint()
    ids = set(User.objects.values_list("pk", flat=True))

    # when
    out = run("demo", seed=8, if_empty=True, no_progress=True)

    # then
    assert "nothing to do" in out
    assert fingerprint() == before
    assert set(User.objects.values_list("pk", flat=True)) == ids


@pytest.mark.django_db
def test_demo_refuses_a_loaded_database_without_if_empty(make_user):
    # given
    make_user("admin")

    # when / then
    with pytest.raises(CommandError, match="already has data"):
        run("demo", no_progress=True)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_demo_refuses_a_negative_number_of_accounts():
    # when / then
    with pytest.raises(CommandError, match="--accounts"):
        run("demo", accounts=-1, no_progress=True)


@pytest.mark.django_db
def test_demo_refuses_to_run_in_production(settings):
    # given: BEACHHEAD_ENV=production
    settings.PRODUCTION = True

    # when / then: nothing is created, and the message says why and how to force it
    with pytest.raises(CommandError, match=r"production.*public.*--allow-production"):
        run("demo", accounts=0, no_progress=True)
    with pytest.raises(CommandError, match="refusing"):
        run("demo", accounts=0, no_progress=True, if_empty=True)  # make run's path
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_in_production_when_forced_loads_and_warns_on_stderr(settings):
    # given
    settings.PRODUCTION = True
    out, err = StringIO(), StringIO()

    # when
    call_command(
        "demo", accounts=0, no_progress=True, allow_production=True, stdout=out, stderr=err
    )

    # then
    assert "WARNING" in err.getvalue()
    assert "public" in err.getvalue()
    assert "Demo data loaded" in out.getvalue()
    assert User.objects.filter(username="admin").exists()

    # and demo_logins warns too: these logins have a public password in production
    err = StringIO()
    call_command("demo_logins", stdout=StringIO(), stderr=err)
    assert "WARNING: BEACHHEAD_ENV=production" in err.getvalue()


@pytest.mark.django_db
def test_demo_logins_can_sign_in(client):
    # given
    from beachhead.core.demo import DEMO_PASSWORD

    load_demo(1)

    # when
    response = client.post("/login/", {"username": "ae.tokyo", "password": DEMO_PASSWORD})

    # then
    assert response.status_code == 302
    assert client.get("/api/v1/me/").json()["markets"] == ["JP"]


# --- demo_logins -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_logins_prints_the_logins_present():
    # given
    load_demo(1)
    User.objects.filter(username="community").delete()

    # when
    out = run("demo_logins")

    # then
    assert "beachhead-demo" in out
    lines = {line.split()[0] for line in out.splitlines()[1:] if line.strip()}
    assert lines == {p[0] for p in DEMO_PEOPLE} - {"community"}
    assert re.search(r"^\s+rm\.apac\s+regional_manager\s+Sato Haruka\s+JP, KR", out, re.MULTILINE)
    assert re.search(r"^\s+admin\s+admin\s+Alex Admin\s+all markets$", out, re.MULTILINE)


@pytest.mark.django_db
def test_demo_logins_on_an_empty_database():
    # when
    out = run("demo_logins")

    # then
    assert out.strip() == "No demo logins in this database."


# --- worker ----------------------------------------------------------------------------------


@pytest.fixture
def database_queue(settings, monkeypatch):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    # The schedule remembers what it enqueued in this process; start from a clean slate.
    for job in schedule.jobs():
        monkeypatch.setattr(job, "last_enqueued", 0.0)


@pytest.mark.django_db(transaction=True)
def test_worker_batch_runs_queued_tasks_and_records_a_heartbeat(database_queue):
    # given
    from django_tasks_db.models import DBTaskResult

    from beachhead.core.tasks import deliver_events

    deliver_events.enqueue()
    assert not WorkerHeartbeat.objects.exists()

    # when
    import signal

    before = signal.getsignal(signal.SIGINT)
    out = run("worker", "--batch", verbosity=0)

    # then
    assert "Worker started (DatabaseBackend)" in out
    # The queue's worker catches Ctrl+C while it runs; afterwards the caller's handler is back.
    assert signal.getsignal(signal.SIGINT) is before
    beat = WorkerHeartbeat.objects.get()
    assert beat.backend == "DatabaseBackend"
    results = DBTaskResult.objects.all()
    assert {r.task_path.rsplit(".", 1)[-1] for r in results} >= {
        "heartbeat",
        "deliver_events",
    }
    assert {r.status for r in results} == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_healthz_is_green_after_a_worker_batch(database_queue, client):
    # given
    assert client.get("/healthz").status_code == 503

    # when
    run("worker", "--batch", verbosity=0)

    # then
    assert client.get("/healthz").status_code == 200


# --- serve and bench (child processes, replaced by fakes) ------------------------------------


class FakeProcess:
    started: list[list[str]] = []

    def __init__(self, args, env=None):
        self.args = args
        self.returncode = None
        self.env = env
        FakeProcess.started.append(args)

    def poll(self):
        # The web server "exits" at once, as if it could not bind its port.
        if self.args[2] == "gunicorn":
            self.returncode = 3
        return self.returncode

    def terminate(self):
        self.returncode = -15

    def wait(self, timeout=None):
        return self.returncode

    def kill(self):
        self.returncode = -9


@pytest.fixture
def fake_children(monkeypatch):
    from beachhead.core.management.commands import serve

    FakeProcess.started = []
    monkeypatch.setattr(serve.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(serve.signal, "signal", lambda *a: None)
    monkeypatch.setattr(serve.time, "sleep", lambda s: None)
    return FakeProcess.started


@pytest.mark.django_db
def test_serve_starts_gunicorn_and_the_worker_and_stops_when_one_exits(fake_children):
    # when
    with pytest.raises(SystemExit) as exited:
        run("serve", "--host", "10.0.0.7", "--port", "8123", "--workers", "3")

    # then: the exit code of the child that died, after stopping the other one
    assert exited.value.code == 3
    web, worker = fake_children
    assert web[:3] == [sys.executable, "-m", "gunicorn"]
    assert web[web.index("--bind") + 1] == "10.0.0.7:8123"
    assert web[web.index("--workers") + 1] == "3"
    assert worker[:4] == [sys.executable, "-m", "beachhead", "worker"]


@pytest.mark.django_db
def test_serve_no_worker_starts_only_the_web_server(fake_children):
    # when
    with pytest.raises(SystemExit):
        run("serve", "--no-worker")

    # then
    assert len(fake_children) == 1
    assert "gunicorn" in fake_children[0]


def test_bench_runs_the_harness_in_a_child_process_and_passes_its_exit_code(monkeypatch):
    # given
    from beachhead.core.management.commands import bench

    calls = []
    monkeypatch.setattr(bench.subprocess, "call", lambda command: calls.append(command) or 4)

    # when
    with pytest.raises(SystemExit) as exited:
        run("bench", "--scale", "small", "--db", "sqlite", "--only", "sweep", "--check")

    # then
    assert exited.value.code == 4
    (command,) = calls
    assert command[1].endswith("bench/run.py")
    assert command[2:] == ["--scale", "small", "--db", "sqlite", "--only", "sweep", "--check"]


# --- The convention: every command has a test (NetBox test_management_command_coverage) -----


def command_names() -> dict[str, Path]:
    return {
        path.stem: path
        for path in sorted(BEACHHEAD_DIR.glob("*/management/commands/*.py"))
        if not path.stem.startswith("_")
    }


def test_every_management_command_is_mentioned_in_a_test():
    # given
    names = command_names()
    tests = [
        path.read_text(encoding="utf-8")
        for path in BEACHHEAD_DIR.rglob("test_*.py")
        if "call_command" in path.read_text(encoding="utf-8")
        or '"beachhead"' in path.read_text(encoding="utf-8")
    ]

    # when: a command counts as tested when a test calls it by name: run("x" …, call_command("x" …
    untested = [
        name
        for name in names
        if not any(re.search(rf"""\(\s*["']{re.escape(name)}["']""", text) for text in tests)
    ]

    # then
    assert {"createuser", "demo", "demo_logins", "serve", "worker"} <= set(names)
    assert not untested, f"management commands without a test: {untested}"


def test_the_beachhead_entry_point_runs_a_command():
    # when: `python -m beachhead help demo`, as the docs say
    result = subprocess.run(
        [sys.executable, "-m", "beachhead", "help", "demo"],
        capture_output=True,
        text=True,
        cwd=BEACHHEAD_DIR.parent,
        timeout=120,
    )

    # then
    assert result.returncode == 0, result.stderr
    assert "--seed" in result.stdout
