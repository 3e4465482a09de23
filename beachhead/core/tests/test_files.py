"""The state Beachhead keeps on disk (var/, the secret key, the SQLite database and its WAL
files, mail and media folders) is readable by its owner only, whatever the umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from beachhead.core.files import private_dir, private_file, secret_in, tighten_sqlite

REPO_DIR = Path(__file__).resolve().parents[3]

# Opens the default database, writes in WAL mode (creating -wal and -shm) and keeps it open.
SCRIPT = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (x integer)")
    cursor.execute("INSERT INTO t VALUES (1)")
import os
from django.conf import settings
name = settings.DATABASES["default"]["NAME"]
print({suffix: oct(os.stat(name + suffix).st_mode & 0o777) for suffix in ("", "-wal", "-shm")})
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_var_is_its_owners_only_even_with_an_open_umask(tmp_path):
    var = tmp_path / "state" / "var"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "BEACHHEAD_ENV", "EMAIL_URL"}
    }
    env.update(
        {
            "BEACHHEAD_VAR": str(var),
            "DJANGO_SETTINGS_MODULE": "beachhead.settings",
            "PYTHONPATH": str(REPO_DIR),
        }
    )

    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.umask(0),
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'': '0o600', '-wal': '0o600', '-shm': '0o600'}"
    assert mode(var) == 0o700
    assert mode(var / "secret_key") == 0o600
    assert mode(var / "beachhead.sqlite3") == 0o600
    assert mode(var / "mail") == 0o700
    assert mode(var / "media") == 0o700


def test_a_secret_is_written_whole_and_private_once(tmp_path):
    old = os.umask(0)
    try:
        first = secret_in(tmp_path / "secret_key")
        second = secret_in(tmp_path / "secret_key")
    finally:
        os.umask(old)

    assert first == second
    assert len(first) >= 50
    assert mode(tmp_path / "secret_key") == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left


def test_an_existing_secret_wins(tmp_path):
    (tmp_path / "secret_key").write_text("kept-from-before\n")

    assert secret_in(tmp_path / "secret_key") == "kept-from-before"


def test_private_file_and_dir_do_not_touch_what_exists(tmp_path):
    existing = tmp_path / "shared"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    database = tmp_path / "db.sqlite3"
    database.write_bytes(b"data")

    private_dir(existing)
    private_file(database)

    assert mode(existing) == 0o755  # an operator's own folder keeps its bits
    assert database.read_bytes() == b"data"


def test_an_older_database_readable_by_others_is_narrowed(tmp_path):
    database = tmp_path / "db.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").write_bytes(b"")
        os.chmod(f"{database}{suffix}", 0o644)

    tighten_sqlite(str(database))

    for suffix in ("", "-wal", "-shm"):
        assert mode(Path(f"{database}{suffix}")) == 0o600
    tighten_sqlite(":memory:")  # nothing to do, no error
