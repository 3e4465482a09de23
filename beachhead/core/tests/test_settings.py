"""Settings come from the environment: production is safe by default, databases from a URL."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parents[3]


def beachhead(*args: str, env: dict[str, str], timeout: int = 180) -> subprocess.CompletedProcess:
    """Run the ``beachhead`` command in a child process with exactly this environment."""
    base = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "BEACHHEAD_ENV",
            "BEACHHEAD_DEBUG",
            "BEACHHEAD_VAR",
            "EMAIL_URL",
            "REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    return subprocess.run(
        [sys.executable, "-m", "beachhead", *args],
        env={**base, **env},
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def random_secret_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


@pytest.fixture
def production(tmp_path) -> dict[str, str]:
    return {
        "BEACHHEAD_ENV": "production",
        "SECRET_KEY": random_secret_key(),
        "ALLOWED_HOSTS": "beachhead.example.com",
        "BEACHHEAD_VAR": str(tmp_path),
    }


def test_check_deploy_reports_nothing_in_production(production):
    # when
    result = beachhead("check", "--deploy", "--fail-level", "WARNING", env=production)

    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_check_deploy_would_catch_an_unsafe_production(production):
    # given: a short secret key (the check above must be able to fail)
    unsafe = {**production, "SECRET_KEY": "short"}

    # when
    result = beachhead("check", "--deploy", "--fail-level", "WARNING", env=unsafe)

    # then
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_production_without_a_secret_key_refuses_to_start(production):
    # given
    del production["SECRET_KEY"]

    # when
    result = beachhead("check", env=production)

    # then
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug(production):
    # when
    result = beachhead("check", env={**production, "BEACHHEAD_DEBUG": "1"})

    # then
    assert result.returncode != 0
    assert "BEACHHEAD_DEBUG must be off" in result.stderr


def test_local_mode_keeps_a_generated_secret_key_under_var(tmp_path):
    # given
    env = {"BEACHHEAD_VAR": str(tmp_path)}

    # when: two starts
    first = beachhead("check", env=env)
    key = (tmp_path / "secret_key").read_text()
    second = beachhead("check", env=env)

    # then: the same key both times, readable by its owner only
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert (tmp_path / "secret_key").read_text() == key
    assert len(key) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_settings_are_https_only(production):
    # when
    result = beachhead(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.DEBUG, "
        "s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SECURE_REDIRECT_EXEMPT)",
        env=production,
    )

    # then: cookies bound to the host (__Host-), the API exempt from the redirect
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "31536000",
        "False",
        "__Host-sessionid",
        "__Host-csrftoken",
        "['^api/']",
    ]


# --- DATABASE_URL ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "engine", "name", "host", "port"),
    [
        ("sqlite:////srv/beachhead/db.sqlite3", "django.db.backends.sqlite3", "/srv/beachhead/db.sqlite3", "", ""),
        ("postgres://bh:pw@db.internal:5432/beachhead", "django.db.backends.postgresql", "beachhead", "db.internal", 5432),
        ("postgresql://bh@10.0.0.5/beachhead", "django.db.backends.postgresql", "beachhead", "10.0.0.5", ""),
        ("mysql://root@127.0.0.1:3306/beachhead", "django.db.backends.mysql", "beachhead", "127.0.0.1", 3306),
        ("tidb://root@tidb.internal:4000/beachhead", "django_tidb", "beachhead", "tidb.internal", 4000),
    ],
)  # fmt: skip
def test_database_url_gives_the_right_engine(monkeypatch, url, engine, name, host, port):
    # given
    from beachhead import settings as beachhead_settings

    monkeypatch.setenv("DATABASE_URL", url)

    # when
    db = beachhead_settings._database()

    # then
    assert db["ENGINE"] == engine
    assert db["NAME"] == name
    assert db["HOST"] == host
    assert db["PORT"] == port


def test_mysql_and_tidb_use_utf8mb4_everywhere(monkeypatch):
    # given
    from beachhead import settings as beachhead_settings

    for url in ("mysql://root@127.0.0.1/beachhead", "tidb://root@127.0.0.1:4000/beachhead"):
        monkeypatch.setenv("DATABASE_URL", url)

        # when
        db = beachhead_settings._database()

        # then: four-byte characters (emoji, rare CJK) fit, in the tables tests create too
        assert db["OPTIONS"]["charset"] == "utf8mb4"
        assert db["TEST"]["CHARSET"] == "utf8mb4"
        assert db["TEST"]["COLLATION"].startswith("utf8mb4_")
        assert db["CONN_MAX_AGE"] == 60


def test_sqlite_waits_for_locks_and_uses_wal(monkeypatch, tmp_path):
    # given
    from beachhead import settings as beachhead_settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")

    # when
    db = beachhead_settings._database()

    # then
    assert db["OPTIONS"]["timeout"] >= 5
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["CONN_MAX_AGE"] == 0


def test_each_test_run_gets_its_own_sqlite_test_database(monkeypatch, tmp_path):
    # given: several people (or CI jobs) may run the tests in one tree at the same time
    from beachhead import settings as beachhead_settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'beachhead.sqlite3'}")
    monkeypatch.setattr(beachhead_settings, "VAR_DIR", tmp_path)

    # when
    here = beachhead_settings._database()["TEST"]["NAME"]
    monkeypatch.setattr(beachhead_settings.os, "getpid", lambda: 999999)
    there = beachhead_settings._database()["TEST"]["NAME"]

    # then: a file (concurrency tests need one), never the real database, one per process
    assert here != there
    assert here.startswith(str(tmp_path))
    assert there.startswith(str(tmp_path))
    assert here != str(tmp_path / "beachhead.sqlite3")


def test_the_default_database_is_sqlite_under_var(monkeypatch, tmp_path):
    # given
    from beachhead import settings as beachhead_settings

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(beachhead_settings, "VAR_DIR", tmp_path)

    # when
    db = beachhead_settings._database()

    # then
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "beachhead.sqlite3")


def test_database_url_through_a_child_process(tmp_path):
    # given: the real import path, environment to settings, for a PostgreSQL URL
    env = {"BEACHHEAD_VAR": str(tmp_path), "DATABASE_URL": "postgres://bh@db.internal:5433/bh"}

    # when
    result = beachhead(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection as c; print(c.settings_dict['ENGINE'], c.vendor, "
        "c.settings_dict['PORT'])",
        env=env,
    )

    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "postgresql", "5433"]
