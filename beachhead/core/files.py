"""Files that hold secrets or customer data are created readable by their owner only.

Used by ``settings.py`` (no Django imports here): the state directory (``var/``) is created
0700, the generated ``secret_key`` is written 0600 atomically (no moment when it exists with
wider bits, and two processes starting at once agree on one key), and the SQLite database is
created empty with 0600 before SQLite opens it (SQLite then gives its ``-wal`` and ``-shm``
files the database's own mode). :func:`tighten_sqlite` narrows files an older version left
readable by others.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """``path`` as a directory; created 0700 when it did not exist."""
    if not path.exists():
        path.mkdir(parents=True, mode=PRIVATE_DIR, exist_ok=True)
        path.chmod(PRIVATE_DIR)  # mkdir's mode is filtered by the umask
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty with 0600 unless it exists (an empty file is a valid SQLite db)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return path
    os.close(fd)
    return path


def secret_in(path: Path) -> str:
    """The secret kept in ``path``, made (0600, atomically) on first use."""
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(64))
                handle.flush()
                os.fsync(handle.fileno())
            # Fails when another process got there first: its key wins.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    return path.read_text().strip()


def tighten_sqlite(name: str) -> None:
    """Narrow a SQLite database and its -wal/-shm/-journal files to 0600 (owner only)."""
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = f"{name}{suffix}"
        try:
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, PRIVATE_FILE)
        except (FileNotFoundError, PermissionError):
            continue
