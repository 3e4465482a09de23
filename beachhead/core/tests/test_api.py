"""The API frame: token auth, JSON errors, the OpenAPI schema and its docs, pagination.

Every successful response here is validated against the schema the API publishes
(``openapi.check``); every error against the error shape ``{"error", "message"}``.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from beachhead.core.tests import openapi
from beachhead.core.tests.pages import ok_html


@pytest.fixture
def admin(make_user):
    return make_user("admin", username="ops")


# --- Authentication --------------------------------------------------------------------------


def test_me_with_a_token(api, make_user):
    # given
    agent = make_user("support_agent", ["JP", "KR"], username="aoi")

    # when
    response = api(agent).get("/api/v1/me/")

    # then
    assert response.status_code == 200
    data = openapi.check(response)
    assert data["username"] == "aoi"
    assert data["role"] == "support_agent"
    assert data["markets"] == ["JP", "KR"]


def test_me_with_a_session(client, make_user):
    # given: the browser's own session works too (the Swagger page uses it)
    user = make_user("finance", ["US"], username="olivia")
    client.force_login(user)

    # when
    response = client.get("/api/v1/me/")

    # then
    assert response.status_code == 200
    assert openapi.check(response)["username"] == "olivia"


def test_an_invalid_token_is_401_json(api, admin):
    # given
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    # when
    response = client.get("/api/v1/me/")

    # then
    data = openapi.check_error(response, 401)
    assert data["error"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"


def test_a_second_token_leaves_the_first_working(api, admin):
    # given: several tokens per person (core.tokens); the first one is not replaced
    from beachhead.core.services import do_issue_token

    old = do_issue_token(admin)
    do_issue_token(admin)
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")

    # when
    response = client.get("/api/v1/me/")

    # then
    assert response.status_code == 200


@pytest.mark.django_db
def test_no_credentials_is_401_json(api):
    # when
    response = api(None).get("/api/v1/me/")

    # then
    data = openapi.check_error(response, 401)
    assert data["error"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_of_an_inactive_user_is_refused(api, make_user):
    # given
    user = make_user("support_agent", ["JP"])
    client = api(user)
    user.is_active = False
    user.save()

    # when
    response = client.get("/api/v1/me/")

    # then
    openapi.check_error(response, 401)


# --- Unknown paths ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v1/", "/api/", "/api/v2/teams/"])
def test_an_unknown_api_path_is_a_json_404(api, admin, path):
    # when
    response = api(admin).get(path)

    # then
    data = openapi.check_error(response, 404)
    assert data["error"] == "not_found"


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_404_before_signing_in_too(api):
    # when
    response = api(None).get("/api/v1/nope/")

    # then
    openapi.check_error(response, 404)


def test_a_missing_record_is_a_json_404(api, admin):
    # when
    response = api(admin).get("/api/v1/teams/999999/")

    # then
    assert openapi.check_error(response, 404)["error"] == "not_found"


def test_an_unknown_page_outside_the_api_is_the_html_404(client, admin):
    # given
    client.force_login(admin)

    # when
    response = client.get("/no-such-page/")

    # then
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "This page does not exist" in response.content.decode()


def test_a_method_the_endpoint_does_not_have_is_a_json_405(api, admin):
    # when
    response = api(admin).delete("/api/v1/me/")

    # then
    assert openapi.check_error(response, 405)["error"] == "method_not_allowed"


# --- The schema and its docs -----------------------------------------------------------------


def test_schema_is_an_openapi_3_document_listing_me(api, admin):
    # when
    response = api(admin).get("/api/v1/schema/")

    # then
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/me/" in document["paths"]
    assert document["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": (
            "An API token from Preferences → API tokens: `Authorization: Token <key>` "
            "(`Bearer <key>` works too)."
        ),
    }


def test_schema_as_json_is_the_same_document(api, admin):
    # when
    as_yaml = yaml.safe_load(api(admin).get("/api/v1/schema/").content)
    as_json = json.loads(api(admin).get("/api/v1/schema/", {"format": "json"}).content)

    # then
    assert as_json == as_yaml
    assert as_json["paths"].keys() == openapi.schema()["paths"].keys()


def test_operation_descriptions_are_written_for_api_users(api, admin):
    # given: a view set without a docstring inherits its base's, an internal note
    document = openapi.schema()

    # when
    descriptions = {
        op["operationId"]: op.get("description", "")
        for operations in document["paths"].values()
        for op in operations.values()
    }

    # then
    leaking = [name for name, text in descriptions.items() if "Every API view gets" in text]
    assert not leaking, leaking
    assert descriptions["users_list"]
    assert descriptions["teams_list"]


@pytest.mark.django_db
def test_docs_render_swagger_ui_from_our_own_static_files(client):
    # when
    response = client.get("/api/v1/docs/")

    # then
    html = ok_html(response)
    assert "swagger-ui" in html
    for cdn in ("cdn.", "unpkg", "jsdelivr", "cdnjs", "googleapis"):
        assert cdn not in html, cdn
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any("swagger-ui-dist" in a for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


# --- Pagination and the schema of every list -------------------------------------------------


def test_the_schema_documents_every_list_as_paginated():
    # given
    document = openapi.schema()

    # when
    lists = openapi.list_paths()

    # then
    assert {"/api/v1/users/", "/api/v1/teams/"} <= set(lists)
    for path in lists:
        ref = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]["$ref"]
        name = ref.rsplit("/", 1)[-1]
        assert name.startswith("Paginated"), (path, name)
        assert {"count", "next", "previous", "results"} <= set(
            document["components"]["schemas"][name]["properties"]
        )


def test_every_list_endpoint_is_paginated(api, admin, make_user, markets):
    # given: more people than fit on one page of two
    for i in range(3):
        make_user("support_agent", ["JP"], username=f"agent{i}")
    client = api(admin)

    for path in openapi.list_paths():
        # when
        response = client.get(path, {"page_size": 2})

        # then
        assert response.status_code == 200, (path, response.content[:300])
        data = openapi.check(response)
        assert set(data) == {"count", "next", "previous", "results"}, path
        assert len(data["results"]) <= 2, path
        assert data["previous"] is None, path
        if data["count"] > 2:
            assert "page=2" in data["next"], path
            second = client.get(data["next"])
            assert second.status_code == 200
            openapi.check(second)


def test_page_size_is_capped_at_500(api, admin):
    # when
    response = api(admin).get("/api/v1/users/", {"page_size": 100000})

    # then: the cap is applied, not an error
    assert response.status_code == 200
    openapi.check(response)


def test_a_page_past_the_end_is_a_json_404(api, admin):
    # when
    response = api(admin).get("/api/v1/users/", {"page": 99})

    # then
    openapi.check_error(response, 404)


def test_users_and_teams_detail_match_the_schema(api, admin, make_user):
    # given
    from beachhead.core.services import do_create_team

    agent = make_user("support_agent", ["JP"])
    team = do_create_team(name="Tokyo Support", market_code="JP", manager=admin, members=[agent])
    client = api(admin)

    # when
    user_data = openapi.check(client.get(f"/api/v1/users/{agent.pk}/"))
    team_data = openapi.check(client.get(f"/api/v1/teams/{team.pk}/"))

    # then
    assert user_data["markets"] == ["JP"]
    assert team_data == {
        "id": team.pk,
        "name": "Tokyo Support",
        "names": {},
        "local_name": "Tokyo Support",
        "market": "JP",
        "kind": "in_house",
        "timezone": "UTC",
        "manager": admin.pk,
        "members": [agent.pk],
    }


def test_teams_are_not_deleted_through_the_api(api, admin):
    # given
    from beachhead.core.services import do_create_team

    team = do_create_team(name="Tokyo Support", market_code="JP")

    # when
    response = api(admin).delete(f"/api/v1/teams/{team.pk}/")

    # then
    openapi.check_error(response, 405)
