"""Progress bars: drawn for a person at a terminal, never in logs or when asked to be quiet."""

from __future__ import annotations

import io

from django.core.management import call_command

from beachhead.core.progress import bar, for_command, silent


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_with_the_total():
    out = Terminal()

    items = list(bar(range(5), "Markets", stream=out))

    assert items == [0, 1, 2, 3, 4]
    assert "Markets" in out.getvalue()
    assert "0/5" in out.getvalue()  # the total is known from the start


def test_no_bar_off_a_terminal_or_when_quiet():
    pipe = io.StringIO()
    assert bar([1, 2], "x", stream=pipe) == [1, 2]
    assert pipe.getvalue() == ""
    assert for_command({"verbosity": 0}, stream=Terminal()) is silent
    assert for_command({"verbosity": 1, "no_progress": True}, stream=Terminal()) is silent
    assert for_command({"verbosity": 1}, stream=pipe) is silent


def test_for_command_draws_on_a_terminal():
    out = Terminal()
    progress = for_command({"verbosity": 1}, stream=out)

    assert list(progress(["JP", "DE"], "Markets", 2)) == ["JP", "DE"]
    assert "0/2" in out.getvalue()


def test_markets_sync_passes_its_progress_through(db, monkeypatch):
    seen = []

    def spy(options, stream=None):
        def progress(items, desc="", total=None):
            seen.append((desc, total))
            return items

        return progress

    monkeypatch.setattr("beachhead.markets.management.commands.markets.for_command", spy)
    call_command("markets", "sync", stdout=io.StringIO())

    assert seen
    assert seen[0][0] == "Markets"
    assert seen[0][1] > 10
