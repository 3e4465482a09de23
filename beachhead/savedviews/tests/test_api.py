"""The API: saved views (create, read, change, delete; visibility) and a list's rows for a
view's state, checked against the API's own schema."""

from __future__ import annotations

from decimal import Decimal

import pytest

from beachhead.core.models import Team
from beachhead.core.tests import openapi
from beachhead.savedviews import services
from beachhead.savedviews.models import SavedView


@pytest.fixture
def desk(aoi, ren):
    team = Team.objects.create(name="Tokyo desk", market_code="JP")
    team.members.add(aoi, ren)
    return team


CONFIG = {
    "columns": ["title", "market__code"],
    "filters": [{"field": "market__code", "op": "in", "value": ["JP", "KR"]}],
    "sort": ["-due_at"],
    "group_by": "state",
    "layout": "kanban",
    "page_size": 25,
}


def test_create_and_read_a_view(api, reference, aoi, desk):
    client = api(aoi)

    response = client.post(
        "/api/v1/saved-views/",
        {
            "source": "reference",
            "name": "Desk board",
            "config": CONFIG,
            "shared_with_team": desk.pk,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    data = openapi.check(response, "post")
    assert data["owner"] == aoi.pk
    assert data["shared_with_team"] == desk.pk
    assert data["config"] == CONFIG
    assert data["url"] == f"/lists/reference/?view={data['id']}"
    assert data["can_change"] is True
    detail = client.get(f"/api/v1/saved-views/{data['id']}/")
    assert openapi.check(detail)["name"] == "Desk board"


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"source": "nothing", "name": "x"}, "source", "not a list"),
        ({"source": "reference", "name": ""}, "name", ""),
        ({"source": "reference", "name": "x", "config": {"columns": ["secret"]}}, "columns", "secret"),
        (
            {"source": "reference", "name": "x", "config": {"filters": [{"field": "due_at", "op": "lt", "value": "soon"}]}},
            "filters",
            "soon",
        ),
        ({"source": "reference", "name": "x", "config": {"group_by": "title"}}, "group_by", "title"),
        ({"source": "reference", "name": "x", "config": {"layout": "gallery"}}, "layout", "gallery"),
        ({"source": "reference", "name": "x", "config": {"page_size": 10000}}, "page_size", "500"),
        ({"source": "reference", "name": "x", "config": {"colour": "red"}}, "config", "colour"),
        ({"source": "reference", "name": "x", "config": []}, "config", "object"),
    ],
)  # fmt: skip
def test_bad_views_get_a_clear_json_error(api, reference, aoi, payload, field, words):
    response = api(aoi).post("/api/v1/saved-views/", payload, format="json")
    data = openapi.check_error(response, 400)
    assert field in data["fields"], data
    assert words in str(data["fields"][field]), data
    assert not SavedView.objects.exists()


def test_sharing_only_with_ones_own_teams(api, reference, aoi):
    foreign = Team.objects.create(name="Seoul desk")
    response = api(aoi).post(
        "/api/v1/saved-views/",
        {"source": "reference", "name": "x", "shared_with_team": foreign.pk},
        format="json",
    )
    assert "shared_with_team" in openapi.check_error(response, 400)["fields"]


def test_visibility_and_who_may_change(api, reference, aoi, ren, desk, make_user):
    personal = services.do_create_view(source="reference", name="Mine", config={}, owner=aoi)
    shared = services.do_create_view(
        source="reference", name="Ours", config={}, owner=aoi, shared_with_team=desk
    )
    client = api(ren)

    listing = client.get("/api/v1/saved-views/", {"source": "reference"})
    data = openapi.check(listing)
    assert [v["name"] for v in data["results"]] == ["Ours"]
    assert data["results"][0]["can_change"] is False
    assert client.get(f"/api/v1/saved-views/{personal.pk}/").status_code == 404
    openapi.check_error(
        client.patch(f"/api/v1/saved-views/{shared.pk}/", {"name": "Mine now"}, format="json"),
        404,
    )
    openapi.check_error(client.delete(f"/api/v1/saved-views/{shared.pk}/"), 404)
    shared.refresh_from_db()
    assert shared.name == "Ours"

    admin = make_user("admin")
    response = api(admin).patch(
        f"/api/v1/saved-views/{personal.pk}/", {"name": "Tidied"}, format="json"
    )
    assert response.status_code == 200


def test_owner_patches_and_deletes(api, reference, aoi, desk):
    view = services.do_create_view(source="reference", name="Mine", config={}, owner=aoi)
    client = api(aoi)

    response = client.patch(
        f"/api/v1/saved-views/{view.pk}/",
        {"name": "Renamed", "shared_with_team": desk.pk, "config": {"sort": ["title"]}},
        format="json",
    )

    data = openapi.check(response, "patch")
    assert data["name"] == "Renamed"
    assert data["shared_with_team"] == desk.pk
    assert data["config"]["sort"] == ["title"]
    unshared = client.patch(
        f"/api/v1/saved-views/{view.pk}/", {"shared_with_team": None}, format="json"
    )
    assert unshared.json()["shared_with_team"] is None
    assert client.delete(f"/api/v1/saved-views/{view.pk}/").status_code == 204
    assert not SavedView.objects.exists()


# --- Rows of a list ---------------------------------------------------------------------------


def test_list_rows_with_the_page_query_string(api, reference, aoi, promise, make_user):
    kim = make_user("support_agent", ["KR"], username="kim")
    for i in range(3):
        promise(aoi, hours=i + 1, title=f"Open {i}", customer_label="ソニー")
    promise(aoi, hours=9, title="Kept", state="kept")
    promise(kim, "KR", title="Not for aoi")
    client = api(aoi)

    response = client.get(
        "/api/v1/lists/reference/",
        {"cols": "title,fee", "f": "market__code:in:JP,KR", "sort": "-due_at", "group": "state",
         "page_size": 2},
    )  # fmt: skip

    data = openapi.check(response)
    assert data["count"] == 4
    assert data["columns"] == ["title", "fee"]
    assert data["groups"] == [
        {"value": "open", "label": "Open", "count": 3},
        {"value": "kept", "label": "Kept on time", "count": 1},
    ]
    # grouped by state in the choices' order, then newest due first
    assert [r["title"] for r in data["results"]] == ["Open 2", "Open 1"]
    assert Decimal(data["results"][0]["fee"]) == 10800  # money as an exact decimal string
    assert data["results"][0]["fee_currency"] == "JPY"
    assert "id" in data["results"][0]
    assert data["previous"] is None
    assert "page=2" in data["next"]
    second = openapi.check(client.get(data["next"]))
    assert [r["title"] for r in second["results"]] == ["Open 0", "Kept"]
    assert second["next"] is None
    assert second["previous"]


def test_list_rows_of_a_saved_view(api, reference, aoi, promise):
    promise(aoi, title="Sony", customer_label="Sony")
    promise(aoi, title="Other")
    view = services.do_create_view(
        source="reference",
        name="Sony",
        config={"filters": [{"field": "customer_label", "op": "eq", "value": "sony"}]},
        owner=aoi,
    )
    data = openapi.check(
        api(aoi).get("/api/v1/lists/reference/", {"view": view.pk, "cols": "title,owner"})
    )
    assert data["results"] == [{"id": data["results"][0]["id"], "title": "Sony", "owner": aoi.pk}]
    assert data["groups"] == []


def test_list_rows_errors(api, reference, aoi, ren):
    client = api(aoi)
    data = openapi.check_error(
        client.get("/api/v1/lists/reference/", {"f": "owner__password:eq:x"}), 400
    )
    assert "owner__password" in data["message"]
    openapi.check_error(client.get("/api/v1/lists/nothing/"), 404)
    theirs = services.do_create_view(source="reference", name="Ren's", config={}, owner=ren)
    openapi.check_error(client.get("/api/v1/lists/reference/", {"view": theirs.pk}), 404)
    openapi.check_error(client.get("/api/v1/lists/reference/", {"view": "x"}), 400)


def test_the_api_needs_credentials(api, reference):
    openapi.check_error(api().get("/api/v1/saved-views/"), 401)
    openapi.check_error(api().get("/api/v1/lists/reference/"), 401)
