"""Loading playbooks, syncing them, editing markets and resolving calendars."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from beachhead.markets import services
from beachhead.markets.calendar import AlwaysOpen, CoverageCalendar
from beachhead.markets.loader import apply_playbooks, read_playbooks
from beachhead.markets.models import Market

TOKYO = ZoneInfo("Asia/Tokyo")
PLAYBOOKS = Path(services.__file__).resolve().parent / "playbooks"


def tokyo(*args: int) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


# --- files -----------------------------------------------------------------------------------


def test_every_shipped_playbook_loads():
    playbooks = services.load_playbook_files()
    codes = {p.code for p in playbooks}
    assert len(codes) >= 24
    assert {"JP", "DE", "US", "CN", "BR"} <= codes


def _write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


def test_problems_name_the_file_and_the_key(tmp_path):
    # given: a copy of Japan with broken hours and an unknown channel, and a file that is not TOML
    jp = (PLAYBOOKS / "jp.toml").read_text(encoding="utf-8")
    broken = jp.replace('mon = [["09:00", "18:00"]]', 'mon = [["18:00", "09:00"]]').replace(
        '"email", "phone"', '"email", "fax"'
    )
    _write(tmp_path, "jp.toml", broken)
    _write(tmp_path, "de.toml", "code = 'DE'\n[name\n")
    _write(tmp_path, "us.toml", (PLAYBOOKS / "us.toml").read_text(encoding="utf-8"))

    # when
    playbooks, errors = read_playbooks(tmp_path)

    # then: the good file loads, each problem says where it is
    assert [p.code for p in playbooks] == ["US"]
    assert any(e.startswith("de.toml: not valid TOML") for e in errors)
    assert any(e.startswith("jp.toml: weekly_hours: mon: 18:00–09:00 ends before") for e in errors)
    assert any(
        e.startswith("jp.toml: support_channels: Unknown support channel: fax") for e in errors
    )


def test_missing_keys_and_code_mismatch_are_reported(tmp_path):
    _write(tmp_path, "fr.toml", 'code = "FR"\ncurrency = "EUR"\n')
    us = (PLAYBOOKS / "us.toml").read_text(encoding="utf-8")
    _write(tmp_path, "ca.toml", us)  # holds code US

    _playbooks, errors = read_playbooks(tmp_path)

    assert any(e.startswith("fr.toml: missing keys: countries,") for e in errors)
    assert any("ca.toml: code: holds US, but the file must then be us.toml" in e for e in errors)


def test_load_playbook_files_raises_with_every_problem(tmp_path, monkeypatch):
    _write(tmp_path, "jp.toml", "code = 'JP'\n")
    monkeypatch.setattr(services, "read_playbooks", lambda: read_playbooks(tmp_path))
    with pytest.raises(services.PlaybookError) as caught:
        services.load_playbook_files()
    assert "jp.toml: missing keys" in str(caught.value)


# --- sync ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sync_creates_every_market_then_changes_nothing():
    # given: an empty table (the data migration filled it)
    Market.objects.all().delete()

    # when
    first = services.do_sync_markets()
    entries = LogEntry.objects.count()
    second = services.do_sync_markets()

    # then
    assert len(first.created) >= 24
    assert Market.objects.count() == len(first.created)
    assert not second.changed
    assert len(second.unchanged) == len(first.created)
    assert LogEntry.objects.count() == entries  # an idle sync writes nothing


@pytest.mark.django_db
def test_sync_keeps_local_edits_unless_forced(admin, jp):
    # given: a person changed the tone; someone changed the currency behind the files' back
    services.do_edit_market(jp, admin, {"tone": {"en": "Our own tone."}})
    Market.objects.filter(code="JP").update(currency="USD")

    # when
    report = services.do_sync_markets()

    # then: the edit stays, the unedited field follows the file
    jp.refresh_from_db()
    assert jp.tone == {"en": "Our own tone."}
    assert jp.currency == "JPY"
    assert report.kept == {"JP": ["tone"]}
    assert report.updated == {"JP": ["currency"]}
    assert jp.edited_fields == ["tone"]

    # when forced
    forced = services.do_sync_markets(force=True)

    # then: the file wins and the edit is forgotten
    jp.refresh_from_db()
    assert jp.tone["en"].startswith("Formal and respectful")
    assert jp.edited_fields == []
    assert forced.reset == ["JP"]
    assert forced.updated == {"JP": ["tone"]}


@pytest.mark.django_db
def test_the_loader_runs_with_the_historical_model_of_the_migration():
    # given: the model as the data migration sees it
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(("markets", "0003_load_playbooks"))
    HistoricalMarket = state.apps.get_model("markets", "Market")
    Market.objects.all().delete()
    playbooks, errors = read_playbooks()

    # when
    report = apply_playbooks(HistoricalMarket, playbooks, now=datetime.now(TOKYO))

    # then
    assert not errors
    assert len(report.created) >= 24
    jp = Market.objects.get(code="JP")
    assert jp.holiday_categories == ["bank"]
    assert jp.weekly_hours["mon"] == [["09:00", "18:00"]]


@pytest.mark.django_db
def test_reset_reloads_one_market_from_its_file(admin, jp):
    services.do_edit_market(jp, admin, {"support_channels": ["chat"]})
    changed = services.do_reset_market(jp, admin)
    assert changed == ["support_channels"]
    assert jp.support_channels[0] == "email"
    assert jp.edited_fields == []


# --- editing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_edit_records_the_changed_fields_and_the_audit_log(make_user, jp):
    # given
    manager = make_user("regional_manager", ["JP"])

    # when
    changed = services.do_edit_market(
        jp,
        manager,
        {
            "weekly_hours": {"mon": [["10:00", "19:00"]], "tue": [["10:00", "19:00"]]},
            "currency": "JPY",  # unchanged: not recorded
        },
    )

    # then
    jp.refresh_from_db()
    assert changed == ["weekly_hours"]
    assert jp.edited_fields == ["weekly_hours"]
    assert jp.weekly_hours["wed"] == []
    assert jp.weekly_hours["mon"] == [["10:00", "19:00"]]
    entry = LogEntry.objects.get_for_object(jp).order_by("-timestamp").first()
    assert entry.actor == manager
    assert "weekly_hours" in entry.changes_dict
    assert "edited_fields" in entry.changes_dict


@pytest.mark.django_db
def test_edit_refuses_bad_values_with_field_errors(admin, jp):
    with pytest.raises(ValidationError) as caught:
        services.do_edit_market(
            jp,
            admin,
            {
                "weekly_hours": {"mon": [["09:00", "25:00"]]},
                "support_channels": ["email", "email"],
                "code": "JX",
            },
        )
    errors = caught.value.message_dict
    assert set(errors) == {"code"}  # unknown fields are refused before anything else
    with pytest.raises(ValidationError) as caught:
        services.do_edit_market(
            jp,
            admin,
            {"weekly_hours": {"mon": [["09:00", "25:00"]]}, "support_channels": ["email", "email"]},
        )
    errors = caught.value.message_dict
    assert "25:00" in errors["weekly_hours"][0]
    assert "more than once" in errors["support_channels"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method", [{"timing": "prepay"}, {"code": "card"}, {"code": 5, "timing": "prepay"}]
)
def test_a_payment_method_without_a_code_or_timing_is_a_field_error(admin, jp, method):
    with pytest.raises(ValidationError) as caught:
        services.do_edit_market(jp, admin, {"payment_methods": [method]})
    assert "has a code, a timing" in caught.value.message_dict["payment_methods"][0]


@pytest.mark.django_db
def test_edit_refuses_people_who_may_not_change_the_market(make_user, jp):
    for user in (make_user("account_executive", ["JP"]), make_user("regional_manager", ["DE"])):
        with pytest.raises(PermissionDenied):
            services.do_edit_market(jp, user, {"currency": "USD"})


# --- calendars -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_calendar_keys(jp):
    assert isinstance(services.calendar_for("24x7"), AlwaysOpen)
    market = services.calendar_for("market:JP")
    assert services.calendar_for("market:jp") is market  # cached, case-insensitive
    coverage = services.calendar_for("coverage:US, JP,DE")
    assert isinstance(coverage, CoverageCalendar)
    assert services.calendar_for("coverage:DE,JP,US") is coverage


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key", ["", "weekdays", "market:", "market:JPN", "market:ZZ", "coverage:JP,1X", "coverage:"]
)
def test_bad_calendar_keys_raise_a_clear_value_error(key):
    with pytest.raises(ValueError, match=r"calendar key|No market"):
        services.calendar_for(key)


@pytest.mark.django_db
def test_fifteen_minutes_before_a_holiday_weekend_land_after_it(jp):
    # Friday 17:55 in Tokyo; Monday 2027-01-11 is Coming of Age Day.
    due = services.calendar_for("market:JP").add(tokyo(2027, 1, 8, 17, 55), timedelta(minutes=15))
    assert due.astimezone(TOKYO) == tokyo(2027, 1, 12, 9, 10)


@pytest.mark.django_db
def test_the_playbooks_extra_holiday_categories_close_the_calendar(jp):
    # Japan's "bank" category: 31 Dec–3 Jan, when companies close.
    due = services.calendar_for("market:JP").add(tokyo(2027, 12, 30, 17, 55), timedelta(minutes=15))
    assert due.astimezone(TOKYO) == tokyo(2028, 1, 4, 9, 10)


@pytest.mark.django_db
def test_follow_the_sun_covers_more_than_one_market(jp):
    start = tokyo(2027, 1, 8, 17, 55)  # 09:55 in Berlin
    coverage = services.calendar_for("coverage:JP,DE")
    assert coverage.add(start, timedelta(minutes=15)).astimezone(TOKYO) == tokyo(2027, 1, 8, 18, 10)


@pytest.mark.django_db
def test_an_edit_rebuilds_the_cached_calendar(admin, jp):
    before = services.calendar_for("market:JP")
    services.do_edit_market(jp, admin, {"weekly_hours": {"sat": [["10:00", "12:00"]]}})
    after = services.calendar_for("market:JP")
    assert after is not before
    assert after.is_open(tokyo(2027, 1, 9, 11, 0))  # a Saturday


@pytest.mark.django_db
def test_market_status_open_closed_and_holiday(jp):
    open_status = services.market_status(jp, tokyo(2027, 1, 8, 17, 55))
    assert open_status.is_open
    assert open_status.closes_at == tokyo(2027, 1, 8, 18, 0)
    assert open_status.utc_offset == "+09:00"

    holiday = services.market_status(jp, tokyo(2027, 1, 11, 10, 0))
    assert not holiday.is_open
    assert holiday.holiday == "Coming of Age Day"
    assert holiday.next_open == tokyo(2027, 1, 12, 9, 0)
    assert holiday.local_time.tzinfo.key == "Asia/Tokyo"


@pytest.mark.django_db
def test_holiday_names_in_each_interface_language(jp):
    english = dict(services.market_holidays(jp, 2027, "en"))
    japanese = dict(services.market_holidays(jp, 2027, "ja"))
    assert english[date(2027, 1, 11)] == "Coming of Age Day"
    assert japanese[date(2027, 1, 11)] == "成人の日"
    assert date(2027, 12, 31) in english  # the bank category
    with pytest.raises(ValidationError):
        services.market_holidays(jp, 2027, "fr")


@pytest.mark.django_db
def test_due_and_elapsed_in_the_markets_time(jp):
    start = services.parse_instant("2027-01-08T17:55", jp)  # naive: Tokyo time
    assert start == tokyo(2027, 1, 8, 17, 55)
    assert services.compute_due(jp, start, 15).isoformat() == "2027-01-12T09:10:00+09:00"
    assert services.compute_due(jp, start, 15, "24x7").isoformat() == "2027-01-08T18:10:00+09:00"
    assert services.compute_elapsed(jp, start, tokyo(2027, 1, 12, 9, 10)) == 15
    with pytest.raises(ValidationError, match="ISO 8601"):
        services.parse_instant("next friday", jp)
    with pytest.raises(ValidationError):
        services.compute_due(jp, start, -1)
    with pytest.raises(ValidationError):
        services.compute_elapsed(jp, start, start - timedelta(minutes=1))


@pytest.mark.django_db
def test_market_document_shape(jp):
    document = services.market_document(jp)
    assert document["timezone"] == "Asia/Tokyo"
    assert document["holidays"] == {"country": "JP", "subdiv": None}
    assert document["weekly_hours"]["mon"] == [["09:00", "18:00"]]
    assert document["weekly_hours"]["sun"] == []


@pytest.mark.django_db
def test_a_rolled_back_edit_leaves_no_stale_calendar(admin, jp):
    saturday = tokyo(2027, 1, 9, 11, 0)
    with suppress(RuntimeError), transaction.atomic():
        services.do_edit_market(jp, admin, {"weekly_hours": {"sat": [["10:00", "12:00"]]}})
        assert services.calendar_for("market:JP").is_open(saturday)
        raise RuntimeError("roll back")
    assert not services.calendar_for("market:JP").is_open(saturday)
