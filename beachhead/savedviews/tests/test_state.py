"""The state of a list page: read from a query string or a saved configuration, written back
as the shortest query string; the two agree."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from beachhead.savedviews.filters import Condition
from beachhead.savedviews.state import (
    ViewState,
    canonical_query,
    defaults,
    from_config,
    from_query,
)
from beachhead.savedviews.tests.conftest import make_source

SOURCE = make_source()


def parse(query: str, base: ViewState | None = None):
    return from_query(SOURCE, QueryDict(query), base or defaults(SOURCE))


def test_defaults_come_from_the_source():
    state = defaults(SOURCE)
    assert state.columns == ("title", "state", "market__code", "owner__username", "due_at")
    assert state.sort == ("due_at",)
    assert state.layout == "table"
    assert state.page_size == 50
    assert canonical_query(state, state) == ""


def test_the_example_query_string():
    parsed = parse(
        "cols=title,market__code&f=market__code:in:JP,KR&f=state:eq:open&sort=-due_at"
        "&group=kind&layout=kanban&q=sony&page=2"
    )
    assert parsed.errors == []
    state = parsed.state
    assert state.columns == ("title", "market__code")
    assert state.filters == (
        Condition("market__code", "in", ["JP", "KR"]),
        Condition("state", "eq", "open"),
    )
    assert state.sort == ("-due_at",)
    assert state.group_by == "kind"
    assert state.layout == "kanban"
    assert state.q == "sony"


def test_parts_of_a_view_are_overridden_and_filters_cleared():
    base = from_config(
        SOURCE,
        {"columns": ["title"], "filters": [{"field": "state", "op": "eq", "value": "open"}]},
    )
    assert parse("sort=-title", base).state.filters == base.filters
    cleared = parse("f=", base).state
    assert cleared.filters == ()
    assert cleared.columns == ("title",)
    assert canonical_query(cleared, base, 7) == "view=7&f="


def test_errors_name_the_part_and_keep_the_base():
    parsed = parse("cols=title,secret&sort=nope&group=title&layout=gallery&page_size=0")
    assert parsed.state == defaults(SOURCE)
    text = " ".join(parsed.errors)
    for word in ("secret", "nope", "title", "gallery", "page size"):
        assert word in text


def test_the_default_sort_key_is_allowed_even_when_not_a_column():
    source = make_source(default_sort="-created_at")
    assert from_query(source, QueryDict("sort=-created_at"), defaults(source)).errors == []


def test_config_errors_are_reported_by_part():
    with pytest.raises(ValidationError) as raised:
        from_config(SOURCE, {"columns": "title", "sort": [1], "group_by": 3, "filters": {}})
    assert set(raised.value.message_dict) == {"columns", "sort", "group_by", "filters"}


def test_a_view_with_no_columns_is_refused():
    with pytest.raises(ValidationError, match="at least one column"):
        from_config(SOURCE, {"columns": []})


# --- Round trip: state → query string → state ----------------------------------------------

_columns = [c.path for c in SOURCE.columns]
_sortable = [c.path for c in SOURCE.columns if c.sortable]
_groupable = [c.path for c in SOURCE.columns if c.groupable]
_texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(lambda s: s.strip() == s)


@st.composite
def states(draw):
    columns = draw(st.lists(st.sampled_from(_columns), min_size=1, max_size=6, unique=True))
    conditions = draw(
        st.lists(
            st.one_of(
                st.builds(
                    Condition,
                    st.sampled_from(["title", "customer_label"]),
                    st.sampled_from(["eq", "ne", "contains", "startswith"]),
                    _texts,
                ),
                st.builds(
                    Condition,
                    st.just("market__code"),
                    st.just("in"),
                    st.lists(_texts, min_size=1, max_size=3),
                ),
                st.builds(
                    Condition,
                    st.just("target_seconds"),
                    st.just("between"),
                    st.lists(st.integers(0, 10**6).map(str), min_size=2, max_size=2),
                ),
                st.builds(
                    Condition, st.just("state"), st.just("eq"), st.sampled_from(["open", "kept"])
                ),
                st.builds(Condition, st.just("paused_at"), st.just("empty"), st.none()),
            ),
            max_size=4,
        )
    )
    sort = draw(
        st.lists(
            st.sampled_from(_sortable).flatmap(lambda p: st.sampled_from([p, f"-{p}"])),
            max_size=2,
            unique_by=lambda k: k.removeprefix("-"),
        )
    )
    return ViewState(
        columns=tuple(columns),
        filters=tuple(conditions),
        sort=tuple(sort),
        group_by=draw(st.none() | st.sampled_from(_groupable)),
        layout=draw(st.sampled_from(["table", "kanban"])),
        page_size=draw(st.integers(1, 500)),
        q=draw(st.just("") | _texts),
    )


@settings(max_examples=200, deadline=None)
@given(states(), st.booleans())
def test_a_state_survives_the_query_string(state, from_a_view):
    base = defaults(SOURCE)
    if from_a_view:
        base = ViewState(columns=("title",), filters=(Condition("state", "eq", "open"),))
    query = canonical_query(state, base, 3 if from_a_view else None)

    parsed = from_query(SOURCE, QueryDict(query), base)

    assert parsed.errors == []
    assert parsed.state == state


@settings(max_examples=100, deadline=None)
@given(states())
def test_a_state_survives_its_saved_configuration(state):
    stored = from_config(SOURCE, state.config())
    assert stored.config() == state.config()
