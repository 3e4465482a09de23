"""The markets API: scope, PATCH rights, calendar endpoints, errors and the schema."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from beachhead.markets.models import Market
from beachhead.markets.tests.factories import MarketFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/markets/"


def url(code: str, tail: str = "") -> str:
    return f"/api/v1/markets/{code}/{tail}"


# --- authentication and scope ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [LIST, url("JP"), url("JP", "calendar/due/?start=2027-01-08&minutes=5")]
)
def test_without_a_token_the_answer_is_401(api, path):
    response = api().get(path)
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_list_is_paginated_and_complete_for_an_admin(api, admin):
    response = api(admin).get(LIST, {"page_size": 5})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == Market.objects.count() >= 24
    assert len(body["results"]) == 5
    assert body["next"]
    first = body["results"][0]
    assert first["code"] == "AE"
    assert {"timezone", "weekly_hours", "holidays", "status", "edited_fields"} <= set(first)
    assert set(first["status"]) == {
        "local_time",
        "utc_offset",
        "open",
        "next_open",
        "closes_at",
        "holiday",
    }


def test_a_regional_manager_sees_only_their_markets(api, make_user):
    manager = make_user("regional_manager", ["JP", "KR"])
    body = api(manager).get(LIST).json()
    assert [m["code"] for m in body["results"]] == ["JP", "KR"]
    assert api(manager).get(url("DE")).status_code == 404


def test_detail_by_code_in_any_case(api, admin, jp):
    body = api(admin).get(url("jp")).json()
    assert body["code"] == "JP"
    assert body["name"] == {"en": "Japan", "zh-hans": "日本", "ja": "日本"}
    assert body["holidays"] == {"country": "JP", "subdiv": None}
    assert body["status"]["utc_offset"] == "+09:00"


def test_unknown_market_is_404_json(api, admin):
    response = api(admin).get(url("ZZ"))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_list_queries_do_not_grow_with_markets(api, admin, django_assert_max_num_queries):
    client = api(admin)
    client.get(LIST)  # the token's first use is written once (last_used_at)
    # the token, the shared rate-limit counter, the count and the page
    with django_assert_max_num_queries(4):
        assert client.get(LIST, {"page_size": 100}).status_code == 200
    MarketFactory.create_batch(15)
    with django_assert_max_num_queries(4):
        response = client.get(LIST, {"page_size": 100})
    assert response.json()["count"] == Market.objects.count()


# --- PATCH -----------------------------------------------------------------------------------


def test_the_regional_manager_of_the_market_may_patch_it(api, make_user, jp):
    manager = make_user("regional_manager", ["JP"])
    hours = {"mon": [["08:30", "12:00"], ["13:00", "17:30"]], "fri": [["08:30", "15:00"]]}

    response = api(manager).patch(
        url("JP"), {"weekly_hours": hours, "tone": {"en": "Keigo, always."}}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["weekly_hours"]["mon"] == [["08:30", "12:00"], ["13:00", "17:30"]]
    assert body["weekly_hours"]["tue"] == []
    assert body["edited_fields"] == ["tone", "weekly_hours"]
    jp.refresh_from_db()
    assert jp.tone == {"en": "Keigo, always."}
    entry = LogEntry.objects.get_for_object(jp).order_by("-timestamp").first()
    assert entry.actor == manager  # token-authenticated: the service names the actor


def test_patch_names_and_holiday_calendar(api, admin, jp):
    response = api(admin).patch(
        url("JP"),
        {"name": {"ja": "日本国"}, "holidays": {"country": "JP", "subdiv": None}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["name"] == {"en": "Japan", "zh-hans": "日本", "ja": "日本国"}
    assert response.json()["edited_fields"] == ["name_ja"]


@pytest.mark.parametrize(
    ("role", "markets"), [("regional_manager", ["DE"]), ("account_executive", ["JP"])]
)
def test_others_may_not_patch(api, make_user, jp, role, markets):
    user = make_user(role, markets)
    client = api(user)
    response = client.patch(url("JP"), {"currency": "USD"}, format="json")
    assert response.status_code == 404
    jp.refresh_from_db()
    assert jp.currency == "JPY"
    if role == "account_executive":
        assert client.get(url("JP")).status_code == 200  # read-only, not hidden


def test_patch_with_bad_values_is_400_with_the_field(api, admin):
    response = api(admin).patch(
        url("JP"), {"weekly_hours": {"mon": [["18:00", "09:00"]]}}, format="json"
    )
    body = response.json()
    assert response.status_code == 400
    assert body["error"] == "invalid"
    assert "ends before it starts" in body["fields"]["weekly_hours"][0]
    assert body["message"].startswith("weekly_hours:")


def test_patch_of_a_read_only_or_unknown_field_is_400(api, admin):
    response = api(admin).patch(url("JP"), {"code": "JX", "colour": "red"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"code", "colour"}


def test_put_and_delete_are_not_allowed(api, admin):
    client = api(admin)
    assert client.put(url("JP"), {}, format="json").status_code == 405
    assert client.delete(url("JP")).status_code == 405


# --- calendar endpoints ----------------------------------------------------------------------


def test_due_on_the_business_calendar(api, admin, jp):
    response = api(admin).get(
        url("JP", "calendar/due/"), {"start": "2027-01-08T17:55:00+09:00", "minutes": 15}
    )
    assert response.status_code == 200
    assert response.json() == {
        "market": "JP",
        "start": "2027-01-08T17:55:00+09:00",
        "minutes": 15,
        "calendar": "business",
        "due": "2027-01-12T09:10:00+09:00",
        "due_utc": "2027-01-12T00:10:00Z",
    }


def test_due_around_the_clock_with_a_naive_start(api, admin, jp):
    body = (
        api(admin)
        .get(
            url("JP", "calendar/due/"),
            {"start": "2027-01-08T17:55", "minutes": 15, "calendar": "24x7"},
        )
        .json()
    )
    assert body["start"] == "2027-01-08T17:55:00+09:00"
    assert body["due"] == "2027-01-08T18:10:00+09:00"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "tomorrow", "minutes": 5}, "start"),
        ({"start": "2027-01-08T17:55", "minutes": -1}, "minutes"),
        ({"start": "2027-01-08T17:55", "minutes": "ten"}, "minutes"),
        ({"minutes": 5}, "start"),
        ({"start": "2027-01-08T17:55", "minutes": 5, "calendar": "weekdays"}, "calendar"),
    ],
)
def test_due_with_bad_input_is_400(api, admin, jp, params, field):
    response = api(admin).get(url("JP", "calendar/due/"), params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_elapsed(api, admin, jp):
    response = api(admin).get(
        url("JP", "calendar/elapsed/"),
        {"start": "2027-01-08T17:00:00+09:00", "end": "2027-01-12T10:00:00+09:00"},
    )
    assert response.status_code == 200
    assert response.json()["minutes"] == 120


def test_elapsed_backwards_is_400(api, admin, jp):
    response = api(admin).get(
        url("JP", "calendar/elapsed/"), {"start": "2027-01-12T10:00", "end": "2027-01-08T10:00"}
    )
    assert response.status_code == 400
    assert "before the start" in response.json()["message"]


def test_holidays(api, admin, jp):
    body = api(admin).get(url("JP", "holidays/"), {"year": 2027}).json()
    assert body["market"] == "JP"
    assert body["year"] == 2027
    assert body["language"] == "en"
    assert {"date": "2027-01-11", "name": "Coming of Age Day"} in body["holidays"]
    japanese = api(admin).get(url("JP", "holidays/"), {"year": 2027, "language": "ja"}).json()
    assert {"date": "2027-01-11", "name": "成人の日"} in japanese["holidays"]


def test_holidays_with_a_bad_year_is_400(api, admin):
    response = api(admin).get(url("JP", "holidays/"), {"year": "soon"})
    assert response.status_code == 400
    assert "year" in response.json()["fields"]


def test_calendar_endpoints_are_scoped(api, make_user):
    manager = make_user("regional_manager", ["DE"])
    response = api(manager).get(url("JP", "calendar/due/"), {"start": "2027-01-08", "minutes": 5})
    assert response.status_code == 404


def test_schema_documents_the_market_endpoints(api, admin):
    response = api(admin).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    paths = schema["paths"]
    due = paths["/api/v1/markets/{code}/calendar/due/"]["get"]
    assert {p["name"] for p in due["parameters"]} >= {"code", "start", "minutes", "calendar"}
    assert "/api/v1/markets/{code}/calendar/elapsed/" in paths
    assert "/api/v1/markets/{code}/holidays/" in paths
    assert "patch" in paths["/api/v1/markets/{code}/"]
