"""Progress bars for commands that run for more than a few seconds (``beachhead demo``,
``bench``, ``markets sync``, ``mail ingest``).

One small wrapper over tqdm (already a dependency), so every command draws the same bar on
standard error, and none at all when standard error is not a terminal (CI logs, pipes, cron)
or when the command was asked to be quiet (``-v0`` or ``--no-progress``). Services take a
``progress`` callable with the signature of :func:`silent`, so they never import tqdm.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO, TypeVar

from tqdm import tqdm

T = TypeVar("T")
Progress = Callable[[Iterable[T], str, int | None], Iterable[T]]


def silent(items: Iterable[T], desc: str = "", total: int | None = None) -> Iterable[T]:
    """No bar: the items as they are (what services default to)."""
    return items


def wanted(verbosity: int = 1, stream: TextIO | None = None, *, quiet: bool = False) -> bool:
    """Whether to draw a bar: only for a person at a terminal who did not ask for quiet."""
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return not quiet and verbosity > 0 and bool(isatty and isatty())


def bar(
    items: Iterable[T],
    desc: str = "",
    total: int | None = None,
    *,
    verbosity: int = 1,
    stream: TextIO | None = None,
    quiet: bool = False,
    unit: str = "",
) -> Iterable[T]:
    """``items`` with a bar on ``stream`` (standard error) when :func:`wanted`, else as is.
    ``total`` defaults to ``len(items)`` when the items have a length."""
    if not wanted(verbosity, stream, quiet=quiet):
        return items
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    return tqdm(
        items,
        desc=desc,
        total=total,
        unit=unit,
        leave=False,
        file=stream if stream is not None else sys.stderr,
        dynamic_ncols=True,
    )


def for_command(options: Mapping[str, Any], stream: TextIO | None = None) -> Progress:
    """The ``progress`` callable of a management command, from its options (``verbosity``,
    and ``no_progress`` where the command has that flag)."""
    verbosity = int(options.get("verbosity", 1))
    quiet = bool(options.get("no_progress", False))
    if not wanted(verbosity, stream, quiet=quiet):
        return silent

    def progress(items: Iterable[T], desc: str = "", total: int | None = None) -> Iterable[T]:
        return bar(items, desc, total, verbosity=verbosity, stream=stream, quiet=quiet)

    return progress
