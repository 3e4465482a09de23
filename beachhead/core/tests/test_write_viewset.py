"""The pillar kit's API pieces: ServiceWriteViewSet (writes through declared services, with
their OpenAPI request and responses generated per view set) and the JSON errors of a service's
Django exceptions. The accounts API tests exercise the same class on real pillars."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIRequestFactory, force_authenticate

from beachhead.core.api.errors import exception_handler
from beachhead.core.api.serializers import TeamSerializer, UserSerializer
from beachhead.core.api.views import ParentRow, ServiceWriteViewSet, WriteServices
from beachhead.core.models import Team, User
from beachhead.core.services import do_create_team

calls: list[tuple] = []


def create_team(user, **changes):
    calls.append(("create", user.username, changes))
    return do_create_team(name=changes["name"])


def update_team(team, user, changes):
    calls.append(("update", team.name, user.username, changes))
    if "name" in changes:
        team.name = changes["name"]
        team.save()


def delete_team(team, user):
    calls.append(("delete", team.name, user.username))
    team.delete()


def update_member(member, user, changes):
    calls.append(("update", member.username, user.username, changes))


def join_team(team, user, **changes):
    calls.append(("join", team.name, user.username, changes))
    return user


class TeamWriteSerializer(serializers.Serializer):
    name = serializers.CharField(required=False)

    def changes(self) -> dict:
        return {k: v.strip() for k, v in self.validated_data.items()}


class MemberWriteSerializer(serializers.Serializer):
    team = serializers.IntegerField(required=False)
    note = serializers.CharField(required=False)


class Teams(ServiceWriteViewSet):
    """Teams, written through fake services."""

    queryset = Team.objects.all()
    serializer_class = TeamSerializer
    write_serializer = TeamWriteSerializer
    services = WriteServices(create=create_team, update=update_team, delete=delete_team)
    list_parameters = [OpenApiParameter("market", str, description="A market code")]


class Members(ServiceWriteViewSet):
    """People joining a team they may change."""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    write_serializer = MemberWriteSerializer
    services = WriteServices(
        create=join_team, update=update_member, delete=delete_team, parent=ParentRow("team", Team)
    )


@pytest.fixture(autouse=True)
def _no_calls():
    calls.clear()


@pytest.fixture
def admin(make_user):
    return make_user("admin", username="ops")


def call(viewset, method: str, action: str, user, data=None, pk=None):
    request = getattr(APIRequestFactory(), method)("/", data, format="json")
    force_authenticate(request, user=user)
    view = viewset.as_view({method: action})
    return view(request, pk=pk) if pk is not None else view(request)


def test_post_patch_and_delete_go_through_the_declared_services(admin):
    # when
    created = call(Teams, "post", "create", admin, {"name": " Tokyo "})

    # then: the serializer's changes() are the service's input; the answer is the read shape
    assert created.status_code == 201
    assert created.data["name"] == "Tokyo"
    team = Team.objects.get(name="Tokyo")

    patched = call(Teams, "patch", "partial_update", admin, {"name": "Osaka"}, pk=team.pk)
    assert patched.status_code == 200
    assert patched.data["name"] == "Osaka"

    deleted = call(Teams, "delete", "destroy", admin, pk=team.pk)
    assert deleted.status_code == 204
    assert calls == [
        ("create", "ops", {"name": "Tokyo"}),
        ("update", "Tokyo", "ops", {"name": "Osaka"}),
        ("delete", "Osaka", "ops"),
    ]
    assert not Team.objects.exists()


def test_put_is_not_offered(admin):
    team = do_create_team(name="Tokyo")
    response = call(Teams, "put", "update", admin, {"name": "x"}, pk=team.pk)
    assert response.status_code == 405
    assert calls == []


def test_the_parent_row_must_be_one_the_user_may_change(admin, make_user):
    # given: a team managed by someone else, in a market the agent does not work in
    agent = make_user("support_agent", ["JP"], username="aoi")
    theirs = do_create_team(name="Berlin", market_code="DE", manager=admin)

    # when / then: missing, unknown or out of reach: 400 on the parent's field
    missing = call(Members, "post", "create", agent, {"note": "hi"})
    assert missing.status_code == 400
    assert missing.data["fields"] == {"team": ["This field is required."]}
    foreign = call(Members, "post", "create", agent, {"team": theirs.pk})
    assert foreign.status_code == 400
    assert foreign.data["fields"] == {"team": ["No such team, or not one you may change."]}
    assert calls == []

    # and the admin may: the service gets the row, and the other fields without it
    ok = call(Members, "post", "create", admin, {"team": theirs.pk, "note": "hi"})
    assert ok.status_code == 201
    assert ok.data["username"] == "ops"
    assert calls == [("join", "Berlin", "ops", {"note": "hi"})]


def test_an_update_never_moves_a_row_to_another_parent(admin):
    team = do_create_team(name="Tokyo")
    response = call(
        Members, "patch", "partial_update", admin, {"team": 99, "note": "x"}, pk=admin.pk
    )
    assert response.status_code == 200
    assert calls == [("update", "ops", "ops", {"note": "x"})]
    assert Team.objects.filter(pk=team.pk).exists()


def test_each_view_set_publishes_its_own_request_and_responses(db):
    # given
    router = SimpleRouter()
    router.register("teams", Teams)
    router.register("members", Members)

    # when
    schema = SchemaGenerator(patterns=router.urls).get_schema(request=None, public=True)

    # then: the annotations of one view set do not leak into the other
    def refs(path: str, method: str) -> tuple[str, dict]:
        operation = schema["paths"][path][method]
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        answers = {
            code: r["content"]["application/json"]["schema"]["$ref"]
            for code, r in operation["responses"].items()
            if code.startswith("2")  # the errors are the same everywhere (core/api/schema.py)
        }
        return body.rsplit("/", 1)[1], {c: a.rsplit("/", 1)[1] for c, a in answers.items()}

    assert refs("/teams/", "post") == ("TeamWriteRequest", {"201": "Team"})
    assert refs("/teams/{id}/", "patch") == ("PatchedTeamWriteRequest", {"200": "Team"})
    assert refs("/members/", "post") == ("MemberWriteRequest", {"201": "User"})
    assert refs("/members/{id}/", "patch") == ("PatchedMemberWriteRequest", {"200": "User"})
    assert "put" not in schema["paths"]["/teams/{id}/"]
    params = {
        path: {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        for path in ("/teams/", "/members/")
    }
    assert params == {
        "/teams/": {"market", "page", "page_size"},
        "/members/": {"page", "page_size"},
    }
    # without a docstring of its own, an operation is described by its view set's
    assert (
        schema["paths"]["/teams/"]["post"]["description"] == "Teams, written through fake services."
    )


# --- A service's Django exceptions as JSON ---------------------------------------------------


def test_a_service_s_permission_denied_is_a_403_with_its_message():
    response = exception_handler(PermissionDenied("You may not change this deal."), {})
    assert response.status_code == 403
    assert response.data == {
        "error": "permission_denied",
        "message": "You may not change this deal.",
    }


def test_a_service_s_validation_error_is_a_400_by_field():
    error = ValidationError({"owner": ["No such colleague."], "name": ["A name is required."]})
    response = exception_handler(error, {})
    assert response.status_code == 400
    assert response.data == {
        "error": "invalid",
        "message": "owner: No such colleague.",
        "fields": {"owner": ["No such colleague."], "name": ["A name is required."]},
    }
