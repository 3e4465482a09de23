"""The ``markets`` and ``calendar`` commands: exact output, clear errors."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beachhead.markets import services
from beachhead.markets.models import Market

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_sync_reports_what_it_did(admin, jp):
    Market.objects.filter(code="DE").delete()
    services.do_edit_market(jp, admin, {"currency": "USD"})

    output = run("markets", "sync")

    assert "Created 1 markets: DE" in output
    assert "Kept the local edits of JP: currency (--force overwrites them)" in output
    assert re.search(r"Unchanged: \d+ markets", output)

    forced = run("markets", "sync", "--force")
    assert "Updated JP: currency" in forced
    assert "Discarded the local edits of JP (--force)" in forced


def test_sync_json_report():
    report = json.loads(run("markets", "sync", "--json"))
    assert set(report) == {"created", "updated", "kept", "reset", "unchanged", "orphans"}
    assert "JP" in report["unchanged"]


def test_sync_refuses_broken_files(tmp_path, monkeypatch):
    from beachhead.markets.loader import read_playbooks

    (tmp_path / "jp.toml").write_text("code = 'JP'\n", encoding="utf-8")
    monkeypatch.setattr(services, "read_playbooks", lambda: read_playbooks(tmp_path))
    with pytest.raises(CommandError, match=r"nothing was loaded:\n  jp.toml: missing keys"):
        run("markets", "sync")


def test_check_validates_the_files():
    assert re.match(r"\d+ playbook files are valid\.", run("markets", "check"))


def test_show_json(jp):
    document = json.loads(run("markets", "show", "JP", "--json"))
    assert document["code"] == "JP"
    assert document["timezone"] == "Asia/Tokyo"
    assert document["weekly_hours"] == {
        "mon": [["09:00", "18:00"]],
        "tue": [["09:00", "18:00"]],
        "wed": [["09:00", "18:00"]],
        "thu": [["09:00", "18:00"]],
        "fri": [["09:00", "18:00"]],
        "sat": [],
        "sun": [],
    }
    assert document["holidays"] == {"country": "JP", "subdiv": None}
    assert document["name"] == {"en": "Japan", "zh-hans": "日本", "ja": "日本"}
    assert document["currency"] == "JPY"
    assert document["languages"] == ["ja"]
    assert document["support_channels"][0] == "email"
    assert {"code", "timing"} <= set(document["payment_methods"][0])
    assert "appi" in document["compliance"]["all"]
    assert document["data_residency"] == "jp"


def test_show_with_a_subdivision_prints_it(jp):
    Market.objects.filter(code="JP").update(holiday_subdiv="13")
    assert json.loads(run("markets", "show", "jp", "--json"))["holidays"]["subdiv"] == "13"


def test_show_summary(jp):
    output = run("markets", "show", "JP")
    assert output.startswith("JP · Japan")
    assert "Time zones      Asia/Tokyo" in output
    assert "  Mon           09:00–18:00" in output
    assert "  Sat           closed" in output


def test_holidays_one_per_line(jp):
    lines = run("markets", "holidays", "JP", "--year", "2027").splitlines()
    assert all(re.fullmatch(r"2027-\d\d-\d\d \S.*", line) for line in lines)
    assert lines[0] == "2027-01-01 New Year's Day"
    assert "2027-01-11 Coming of Age Day" in lines
    assert lines == sorted(lines)


def test_holidays_in_japanese(jp):
    output = run("markets", "holidays", "JP", "--year", "2027", "--language", "ja")
    assert "2027-01-11 成人の日" in output.splitlines()


def test_list(jp):
    output = run("markets", "list")
    assert re.search(r"^JP  Japan\s+\w{3} \d\d:\d\d \+09:00  (open|closed)", output, re.M)


# 15 minutes from Friday 17:55 in Tokyo
FRIDAY_EVENING_DUE = (
    *("calendar", "due", "--market", "JP"),
    *("--start", "2027-01-08T17:55:00+09:00", "--minutes", "15"),
)


def test_due_on_the_business_calendar(jp):
    output = run(*FRIDAY_EVENING_DUE)
    assert output == "2027-01-12T09:10:00+09:00\n"


def test_due_around_the_clock(jp):
    output = run(*FRIDAY_EVENING_DUE, "--calendar", "24x7")
    assert output == "2027-01-08T18:10:00+09:00\n"


def test_due_prints_the_markets_offset_whatever_the_input(jp):
    # 08:55 UTC is 17:55 in Tokyo; a naive start is read in Tokyo.
    utc = run(
        "calendar", "due", "--market", "jp", "--start", "2027-01-08T08:55:00Z", "--minutes", "15"
    )
    naive = run(
        "calendar", "due", "--market", "JP", "--start", "2027-01-08T17:55", "--minutes", "15"
    )
    assert utc == naive == "2027-01-12T09:10:00+09:00\n"


def test_elapsed_prints_whole_business_minutes(jp):
    output = run(
        "calendar",
        "elapsed",
        "--market",
        "JP",
        "--start",
        "2027-01-08T17:00:00+09:00",
        "--end",
        "2027-01-12T10:00:30+09:00",
    )
    assert output == "120\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["due", "--market", "JP", "--start", "soon", "--minutes", "5"],
            "--start: “soon” is not an ISO 8601",
        ),
        (["due", "--market", "ZZ", "--start", "2027-01-08", "--minutes", "5"], "No market “ZZ”"),
        (
            ["due", "--market", "JP", "--start", "2027-01-08", "--minutes", "-5"],
            "whole number of minutes",
        ),
        (
            ["elapsed", "--market", "JP", "--start", "2027-01-08", "--end", "2027-01-07"],
            "The end is before the start",
        ),
    ],
)
def test_bad_input_is_a_command_error(jp, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run("calendar", *args)


def test_unknown_market_in_markets_command():
    with pytest.raises(CommandError, match=r"Known markets: .*JP"):
        run("markets", "show", "ZZ")
