"""How log lines look: one line per event, with its UTC time, level and source, and nothing a
sender wrote can start a line of its own.

Log messages often carry what came from outside (a mail's subject, an address, a path). A CR or
LF in such a value would let its sender forge a second log line (ASVS 16.4.1), so the formatter
escapes control characters in the whole formatted line (tracebacks keep their own line breaks,
indented under the line that reported them). Python's logging has no such formatter built in,
and the libraries that offer one (structlog, python-json-logger) would change every call site or
the format operators read; this is a dozen lines on the standard one.
"""

from __future__ import annotations

import logging
import re
import time

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _escape(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


class OneLineFormatter(logging.Formatter):
    """``2026-12-03T19:40:00Z WARNING beachhead.support.mail: message``, control characters
    escaped."""

    converter = time.gmtime  # type: ignore[assignment]  # typeshed names an overload of it

    def __init__(self) -> None:
        super().__init__(
            fmt="%(asctime)sZ %(levelname)s %(name)s: %(message)s", datefmt="%Y-%m-%dT%H:%M:%S"
        )

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_text, record.exc_info, record.stack_info
        record.exc_text, record.exc_info, record.stack_info = None, None, None
        try:
            line = _escape(super().format(record))
        finally:
            record.exc_text, record.exc_info, record.stack_info = saved
        extra = []
        if record.exc_info:
            extra.append(self.formatException(record.exc_info))
        elif record.exc_text:
            extra.append(record.exc_text)
        if record.stack_info:
            extra.append(self.formatStack(record.stack_info))
        for block in extra:
            line += "\n" + "\n".join("    " + _escape(row) for row in block.splitlines())
        return line
