"""A list's short query parameters: what each kind reads, refuses, narrows in the API and
stands for on the saved-views page."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict

from beachhead.commitments.models import Commitment, State
from beachhead.savedviews import params
from beachhead.savedviews.filters import Condition
from beachhead.savedviews.params import Choice, Codes, Flag, Id, Person, Search, Text
from beachhead.savedviews.tests.conftest import T0, make_source

ME = SimpleNamespace(pk=7)


def source_with(*declared):
    return make_source(params=declared)


def test_choices_are_lower_case_keys_with_aliases():
    state = Choice("state", "state", State, aliases={"done": ("kept", "kept_late")})
    assert state.read(" Open, DONE ,") == ["open", "done"]
    assert state.read(" , ") is None
    assert state.problem(["open", "done"]) == ""
    assert state.expanded(["done", "open", "kept"]) == ["open", "kept", "kept_late"]
    assert state.problem(["lost", "open", "gone"]) == (
        "“lost, gone” is not one of: open, kept, kept_late, broken, cancelled, done."
    )
    assert state.where(["done"], ME, None) == Q(state__in=["kept", "kept_late"])
    assert state.conditions(["open"]) == [Condition("state", "in", ["open"])]
    single = replace(state, many=False)
    assert single.read("open,kept") == ["open,kept"]
    assert single.conditions(["open"]) == [Condition("state", "eq", "open")]
    assert Choice("stage", "stage__key").problem(["anything"]) == ""  # no choices: any key
    assert Choice("kind", "kind", lambda: [("a", "A")]).problem(["b"])


def test_market_codes():
    market = Codes("market", "market__code")
    assert market.read("jp, kr") == ["JP", "KR"]
    assert market.problem(["JP", "ZZ"]) == ""  # a code, even of no market: an empty list
    assert "“JPN, 1A” is not a market code" in market.problem(["JPN", "1A", "KR"])
    assert replace(market, checked=False).problem(["JPN"]) == ""
    assert market.conditions(["JP", "KR"]) == [Condition("market__code", "in", ["JP", "KR"])]


def test_people():
    owner = Person("owner", "owner")
    assert owner.where("me", ME, None) == Q(owner=7)
    assert owner.where("none", ME, None) == Q(owner__isnull=True)
    assert owner.where("nobody", ME, None) == Q(owner__isnull=True)
    assert owner.where("12", ME, None) == Q(owner=12)
    assert owner.where("ren", ME, None) == Q(owner__username="ren")
    assert owner.where("²", ME, None) == Q(owner__username="²")  # not an id
    assert owner.conditions("me") == [Condition("owner", "eq", "@me")]
    assert owner.conditions("none") == [Condition("owner", "empty")]
    assert owner.conditions("12") == [Condition("owner", "eq", "12")]
    assert owner.conditions("ren") == []  # no username condition on a page
    strict = replace(owner, by_name=False)
    assert strict.problem("me") == strict.problem("12") == ""
    assert strict.problem("ren")
    assert strict.problem("none")


def test_flags_ids_and_text():
    named = Flag("named", "named")
    assert named.read("Yes") is True
    assert named.read("0") is False
    assert named.read("") is None
    assert named.problem("maybe") == "“maybe” is neither true nor false."
    assert named.where(False, ME, None) == Q(named=False)
    assert named.conditions(True) == [Condition("named", "eq", "true")]
    assert Flag("deep", q=lambda yes, user: Q(deep=yes)).conditions(True) == []
    team = Id("team", "team_id")
    assert team.problem("12") == ""
    assert team.where("12", ME, None) == Q(team_id=12)
    assert team.problem("x") == "“x” is not a number."
    assert Id("account", "account_id", message="Ids only.").problem("1" * 19) == "Ids only."
    assert team.conditions("12") == []
    product = Text("product", "product")
    assert product.where("Server", ME, None) == Q(product__iexact="Server")
    assert product.conditions("Server") == [Condition("product", "eq", "Server")]
    tag = Text("tag", "tags", op="contains", lower=True)
    assert tag.read(" VIP ") == "vip"
    assert tag.where("vip", ME, None) == Q(tags__icontains="vip")


def test_narrow_names_every_bad_parameter_and_ignores_lenient_ones(promise, make_user):
    aoi, ren = make_user("support_agent", ["JP"], username="aoi"), make_user(username="ren")
    promise(aoi, title="Call Sony", paused_at=T0)
    promise(aoi, title="Call Nintendo")
    promise(ren, title="Call Sony again", state="kept")
    source = source_with(
        Choice("state", "state", State),
        Codes("market", "market__code"),
        Person("owner", "owner"),
        Flag("paused", q=lambda yes, user: Q(paused_at__isnull=not yes)),
        Choice("kind", "kind", [("follow_up", "")], lenient=True),
        Search("q"),
    )

    def titles(query: str, user=aoi) -> set[str]:
        rows = params.narrow(source, Commitment.objects.all(), QueryDict(query), user)
        return set(rows.values_list("title", flat=True))

    with pytest.raises(ValidationError) as refused:
        titles("state=lost&market=JPN&paused=maybe")
    assert set(refused.value.message_dict) == {"state", "market", "paused"}
    assert titles("kind=nope") == titles("") == {"Call Sony", "Call Nintendo", "Call Sony again"}
    assert titles("q=sony&owner=me") == {"Call Sony"}
    assert titles("q=sony&owner=ren&state=kept&market=jp") == {"Call Sony again"}
    assert titles("paused=no&state=open") == {"Call Nintendo"}


def test_list_url_turns_parameters_into_conditions():
    source = source_with(
        Choice("state", "state", State, aliases={"done": ("kept", "kept_late")}),
        Codes("market", "market__code", many=False, lenient=True),
        Person("owner", "owner"),
        Id("team", "team_id"),
        Search("q"),
    )
    url = params.list_url(
        source, QueryDict("state=done,open&market=JPN&owner=me&team=3&q=sony&sort=-due_at")
    )
    assert url == (
        "/lists/reference/?f=state%3Ain%3Aopen%2Ckept%2Ckept_late&f=owner%3Aeq%3A%40me"
        "&q=sony&sort=-due_at"
    )
    # A strict parameter's bad value goes to the page, which says what is wrong with it.
    assert (
        params.list_url(source, QueryDict("state=lost")) == "/lists/reference/?f=state%3Ain%3Alost"
    )
    assert params.list_url(source, QueryDict("")) == "/lists/reference/"


def test_value_reads_one_parameter():
    source = source_with(Codes("market", "market__code"))
    assert params.value(source, "market", QueryDict("market=jp,kr")) == ["JP", "KR"]
    assert params.value(source, "market", QueryDict("")) is None
