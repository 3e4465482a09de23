"""The filter language: operators per kind, values parsed and validated, only declared paths,
related paths, free-text search, and the query-string encoding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from beachhead.commitments.models import Commitment
from beachhead.savedviews import filters
from beachhead.savedviews.filters import Condition
from beachhead.savedviews.tests.conftest import T0, make_source

SOURCE = make_source()


def rows(source, user, *texts):
    condition = filters.conditions_q(source, [filters.decode(t) for t in texts], user)
    return set(source.queryset(user).filter(condition).values_list("title", flat=True))


@pytest.fixture
def world(make_user, promise):
    admin = make_user("admin", username="ada")
    aoi = make_user("support_agent", ["JP"], username="aoi")
    kim = make_user("support_agent", ["KR"], username="kim")
    promise(aoi, "JP", hours=1, title="Tokyo reply", customer_label="Sony")
    promise(aoi, "JP", hours=10, title="Osaka pilot", customer_label="ニンテンドー", state="kept")
    promise(kim, "KR", hours=30, title="Seoul invoice", customer_label="Samsung")
    promise(kim, "KR", hours=100, title="Busan refund", kind="refund", paused_at=T0)
    return {"admin": admin, "aoi": aoi, "kim": kim}


# --- Text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title:eq:tokyo reply", {"Tokyo reply"}),  # case-insensitive equality
        ("title:ne:Tokyo reply", {"Osaka pilot", "Seoul invoice", "Busan refund"}),
        ("title:contains:n", {"Seoul invoice", "Busan refund"}),
        ("title:contains:PILOT", {"Osaka pilot"}),
        ("title:startswith:se", {"Seoul invoice"}),
        ("market__code:in:JP", {"Tokyo reply", "Osaka pilot"}),
        ("market__code:in:JP,KR", {"Tokyo reply", "Osaka pilot", "Seoul invoice", "Busan refund"}),
        ("customer_label:empty", {"Busan refund"}),
        ("customer_label:not_empty", {"Tokyo reply", "Osaka pilot", "Seoul invoice"}),
        ("customer_label:contains:ンテ", {"Osaka pilot"}),  # CJK text
    ],
)
def test_text_operators(world, text, expected):
    assert rows(SOURCE, world["admin"], text) == expected


# --- Numbers, money, dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("target_seconds:eq:3600", {"Tokyo reply"}),
        ("target_seconds:ne:3600", {"Osaka pilot", "Seoul invoice", "Busan refund"}),
        ("target_seconds:lt:36000", {"Tokyo reply"}),
        ("target_seconds:lte:36000", {"Tokyo reply", "Osaka pilot"}),
        ("target_seconds:gt:108000", {"Busan refund"}),
        ("target_seconds:gte:108000", {"Seoul invoice", "Busan refund"}),
        ("target_seconds:between:3600,36000", {"Tokyo reply", "Osaka pilot"}),
        ("fee:gte:108000.00", {"Seoul invoice", "Busan refund"}),  # money: a decimal amount
        ("paused_at:empty", {"Tokyo reply", "Osaka pilot", "Seoul invoice"}),
    ],
)
def test_range_operators(world, text, expected):
    assert rows(SOURCE, world["admin"], text) == expected


def test_datetimes_take_iso_times_or_whole_days(world, settings):
    admin = world["admin"]
    # due: T0 + 1 h, + 10 h, + 30 h, + 100 h (24x7)
    assert rows(SOURCE, admin, "due_at:lt:2027-03-03T05:00:00+00:00") == {"Tokyo reply"}
    assert rows(SOURCE, admin, "due_at:eq:2027-03-03") == {"Tokyo reply", "Osaka pilot"}
    assert rows(SOURCE, admin, "due_at:gt:2027-03-03") == {"Seoul invoice", "Busan refund"}
    assert rows(SOURCE, admin, "due_at:lte:2027-03-04") == {
        "Tokyo reply",
        "Osaka pilot",
        "Seoul invoice",
    }
    assert rows(SOURCE, admin, "due_at:between:2027-03-04,2027-03-07") == {
        "Seoul invoice",
        "Busan refund",
    }
    # A whole day is the viewer's day: in Los Angeles, 3 March is 08:00 to 08:00 UTC.
    with timezone.override("America/Los_Angeles"):
        assert rows(SOURCE, admin, "due_at:eq:2027-03-03") == {"Osaka pilot", "Seoul invoice"}


# --- Choices and users ------------------------------------------------------------------------


def test_choices_and_users(world):
    admin, aoi = world["admin"], world["aoi"]
    assert rows(SOURCE, admin, "state:eq:kept") == {"Osaka pilot"}
    assert rows(SOURCE, admin, "kind:in:refund,first_reply") == {"Busan refund"}
    assert rows(SOURCE, admin, "state:ne:open") == {"Osaka pilot"}
    assert rows(SOURCE, admin, "owner__username:eq:kim") == {"Seoul invoice", "Busan refund"}
    assert rows(SOURCE, aoi, "owner__username:eq:@me") == {"Tokyo reply", "Osaka pilot"}
    assert rows(SOURCE, aoi, "owner:eq:@me") == {"Tokyo reply", "Osaka pilot"}
    assert rows(SOURCE, admin, f"owner:in:{world['kim'].pk}") == {"Seoul invoice", "Busan refund"}


def test_filters_combine_with_and_and_stay_inside_the_users_scope(world):
    # aoi (JP) never sees KR rows, whatever the filter says
    assert rows(SOURCE, world["aoi"], "market__code:in:JP,KR") == {"Tokyo reply", "Osaka pilot"}
    assert rows(SOURCE, world["admin"], "market__code:eq:JP", "state:eq:open") == {"Tokyo reply"}


def test_free_text_search_over_the_search_paths(world):
    qs = SOURCE.queryset(world["admin"])
    assert set(qs.filter(filters.search_q(SOURCE, "sam")).values_list("title", flat=True)) == {
        "Seoul invoice"
    }
    assert not filters.search_q(SOURCE, "  ")


# --- Bad filters: a clear error naming the field, never a crash ----------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("owner__password:eq:x", ["owner__password", "not a field"]),  # not declared
        ("fee_currency:eq:JPY", ["fee_currency", "not a field"]),  # declared, not filterable
        ("title__regex:eq:x", ["title__regex"]),
        ("target_seconds:contains:1", ["Target", "contains"]),  # operator of another kind
        ("target_seconds:gt:many", ["Target", "many", "not a number"]),
        ("target_seconds:gt:NaN", ["Target", "not a number"]),
        ("due_at:lt:tomorrow", ["Due", "tomorrow"]),
        ("due_at:between:2027-01-01", ["Due", "between"]),
        ("state:eq:lost", ["State", "lost", "open"]),
        ("state:in:open,lost", ["State", "lost"]),
        ("kind:in:", ["Kind", "at least one"]),
        ("owner:eq:kim", ["Owner id", "kim"]),
        ("title", ["title", "field:operator:value"]),
        (":eq:x", ["field:operator:value"]),
    ],
)
def test_bad_filters_say_which_field_and_why(text, words):
    with pytest.raises(ValidationError) as raised:
        filters.conditions_q(SOURCE, [filters.decode(text)], None)
    message = " ".join(raised.value.messages)
    for word in words:
        assert word in message, message


def test_every_bad_condition_is_reported_at_once():
    with pytest.raises(ValidationError) as raised:
        filters.conditions_q(
            SOURCE,
            [Condition("nope", "eq", "x"), Condition("target_seconds", "gt", "x")],
        )
    assert len(raised.value.messages) == 2


def test_me_needs_a_user():
    with pytest.raises(ValidationError, match="signed-in"):
        filters.check(SOURCE, Condition("owner__username", "eq", "@me"), None)


def test_values_are_typed_per_kind():
    column = SOURCE.column("due_at")
    value = filters.parse_value(SOURCE, column, "2027-03-03T10:00")
    assert value.tzinfo is not None  # naive times are read in the viewer's zone
    assert filters.parse_value(SOURCE, SOURCE.column("fee"), "12.50") == filters.Decimal("12.50")
    bool_column = filters.Column("flag", "Flag", kind="bool")
    assert filters.parse_value(SOURCE, bool_column, "Yes") is True
    assert filters.parse_value(SOURCE, bool_column, "0") is False
    with pytest.raises(ValidationError, match="Flag"):
        filters.parse_value(SOURCE, bool_column, "maybe")


def test_choices_fall_back_to_the_model_fields_choices():
    source = make_source(columns=[filters.Column("state", "State", kind="choice")])
    assert ("kept", "Kept on time") in [
        (k, str(v)) for k, v in filters.choices_of(source, source.column("state"))
    ]


def test_operators_per_kind():
    assert [op for op, _ in filters.operators_for(SOURCE.column("title"))] == list(filters.TEXT_OPS)
    assert "between" in dict(filters.operators_for(SOURCE.column("due_at")))
    assert "contains" not in dict(filters.operators_for(SOURCE.column("state")))


def test_related_path_of_a_missing_relation_is_null(world, make_user, markets):
    from beachhead.commitments.services import do_create_commitment
    from beachhead.core.models import Team

    team = Team.objects.create(name="Night shift")
    do_create_commitment(
        kind="other",
        calendar="24x7",
        target=timedelta(hours=1),
        team=team,
        market=markets["JP"],
        start=datetime(2027, 3, 3, tzinfo=UTC),
        title="Team promise",
    )
    assert "Team promise" in rows(SOURCE, world["admin"], "owner__username:empty")
    assert Commitment.objects.count() == 5


# --- Encoding ---------------------------------------------------------------------------------


def test_encoding_examples():
    assert filters.encode(Condition("market__code", "in", ["JP", "KR"])) == "market__code:in:JP,KR"
    assert filters.encode(Condition("closed_at", "empty")) == "closed_at:empty"
    assert filters.decode("due_at:gt:2027-03-03T10:00:00+09:00") == Condition(
        "due_at", "gt", "2027-03-03T10:00:00+09:00"
    )
    assert filters.decode("name:in:a\\,b,c") == Condition("name", "in", ["a,b", "c"])


_names = st.from_regex(r"[a-z][a-z_]{0,20}", fullmatch=True)
_values = st.text(max_size=30)


@st.composite
def conditions(draw):
    op = draw(st.sampled_from(sorted(filters.OPERATOR_LABELS)))
    if op in filters.NO_VALUE_OPS:
        value = None
    elif op in filters.LIST_OPS:
        value = draw(st.lists(_values, min_size=1, max_size=5))
    else:
        value = draw(_values)
    return Condition(draw(_names), op, value)


@given(conditions())
def test_encoding_round_trips(condition):
    assert filters.decode(filters.encode(condition)) == condition


@given(conditions())
def test_json_form_round_trips(condition):
    assert filters.from_dict(condition.as_dict()) == condition
