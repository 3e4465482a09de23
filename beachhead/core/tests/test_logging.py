"""Log lines: time, level and source on each; a value from outside cannot forge a line."""

import logging

from beachhead.core.logging import OneLineFormatter


def _record(msg, *args, exc_info=None):
    return logging.LogRecord(
        "beachhead.support.mail", logging.WARNING, __file__, 1, msg, args, exc_info
    )


def test_a_line_carries_utc_time_level_and_source():
    record = _record("mail %s refused", "a@example.com")
    record.created = 1796327999.5  # 2026-12-03T... pinned
    line = OneLineFormatter().format(record)
    assert line.startswith("2026-12-03T")
    assert "Z WARNING beachhead.support.mail: mail a@example.com refused" in line


def test_a_newline_in_a_value_cannot_forge_a_second_line():
    subject = "Hello\r\n2026-12-03T00:00:00Z INFO beachhead.core: admin signed in"
    line = OneLineFormatter().format(_record("mail with subject %s", subject))
    assert "\n" not in line
    assert "\r" not in line
    assert "Hello\\x0d\\x0a2026-12-03" in line


def test_a_traceback_stays_under_its_line():
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        import sys

        line = OneLineFormatter().format(_record("failed", exc_info=sys.exc_info()))
    first, *rest = line.split("\n")
    assert first.endswith("failed")
    assert rest
    assert all(row.startswith("    ") for row in rest)
    assert any(row.strip() == "ValueError: bad" for row in rest)
