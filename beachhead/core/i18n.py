"""Compile the translation catalogues (.po → .mo) with Babel, in pure Python.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt`` binary, which a fresh machine with
only ``python3`` does not have; Babel reads and writes the same formats. ``make`` runs
``python -m beachhead.core.i18n compile``; the test suite does the same before it starts when a
catalogue is newer than its compiled file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def compile_all(force: bool = False) -> list[Path]:
    """Compile every stale catalogue; returns the .mo files written."""
    written = []
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        # Fuzzy entries are guesses, not translations: leave them out as msgfmt does.
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


def main(argv: list[str]) -> int:
    if argv[1:2] != ["compile"]:
        print("usage: python -m beachhead.core.i18n compile [--force]")
        return 2
    written = compile_all(force="--force" in argv)
    print(f"Compiled {len(written)} translation catalogue(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
