from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from beachhead.core import services
from beachhead.core.access import Action, scoped
from beachhead.core.api.serializers import (
    ColleagueSerializer,
    ColleagueWriteSerializer,
    MeSerializer,
    TeamSerializer,
    TeamWriteSerializer,
    UserSerializer,
)
from beachhead.core.models import Team, User
from beachhead.core.roles import Operation, can


class ScopedViewSetMixin:
    # Every API view gets its rows through the access layer: GET sees what the user may view,
    # writes reach only what the user may change (others answer 404, as if absent).
    # A comment, not a docstring: drf-spectacular would publish a docstring as the description
    # of every endpoint whose view set has none of its own.
    # ``list_parameters``: the query parameters the list takes, published in the schema.

    list_parameters: list[OpenApiParameter] | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("list_parameters") is not None:
            extend_schema_view(list=extend_schema(parameters=cls.list_parameters))(cls)

    def get_queryset(self):
        action = Action.VIEW if self.request.method in ("GET", "HEAD", "OPTIONS") else Action.CHANGE
        if self.request.method == "DELETE":
            action = Action.DELETE
        return self.scope_queryset(scoped(self.queryset.model, self.request.user, action))

    def scope_queryset(self, queryset):
        """Hook for select_related and filters on top of the scoped rows."""
        return queryset


@dataclass(frozen=True)
class ParentRow:
    """The row a new row belongs to, named by its id in the input (``field``): one the user may
    change, else a 400 on that field. An update never moves a row: the field is ignored."""

    field: str
    model: type[Model]
    select_related: tuple[str, ...] = ()

    def resolve(self, user: Any, value: Any) -> Model:
        if value in (None, ""):
            raise exceptions.ValidationError({self.field: ["This field is required."]})
        row = (
            scoped(self.model, user, Action.CHANGE)
            .select_related(*self.select_related)
            .filter(pk=value)
            .first()
        )
        if row is None:
            raise exceptions.ValidationError(
                {self.field: [f"No such {self.field}, or not one you may change."]}
            )
        return row


@dataclass(frozen=True)
class WriteServices:
    """The services a ``ServiceWriteViewSet`` calls: ``create(user, **changes)`` (with a
    ``parent``: ``create(parent_row, user, **changes)``), ``update(row, user, changes)`` and
    ``delete(row, user)``."""

    create: Callable[..., Any]
    update: Callable[[Any, Any, dict[str, Any]], Any]
    delete: Callable[[Any, Any], Any]
    parent: ParentRow | None = None


class ServiceWriteViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    # List, read, create (POST), change (PATCH; PUT is not offered) and delete rows, every
    # write through the pillar's services. A pillar declares:
    #   queryset, serializer_class  what is read (``detail_serializer``: a richer retrieve);
    #   write_serializer            the input of POST and PATCH (its ``changes()`` if it has
    #                               one, else its validated data, goes to the service);
    #   services                    ``WriteServices(create=…, update=…, delete=…, parent=…)``;
    #   result_serializer           what POST and PATCH answer (default: serializer_class).
    # The OpenAPI request and responses of POST and PATCH follow from these. PATCH and DELETE
    # reach only rows the user may change or delete (others answer 404). A method's docstring
    # is its description in the schema; without one, the view set's docstring is.
    # (Comments, not docstrings: drf-spectacular would publish those.)

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    services: WriteServices
    write_serializer: Any = None
    detail_serializer: Any = None
    result_serializer: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.write_serializer is None:
            return
        result = cls.result_serializer or cls.serializer_class
        extend_schema_view(
            create=extend_schema(request=cls.write_serializer, responses={201: result}),
            partial_update=extend_schema(request=cls.write_serializer, responses=result),
        )(cls)

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return self.write_serializer
        if self.action == "retrieve" and self.detail_serializer is not None:
            return self.detail_serializer
        return self.serializer_class

    def write_input(self, request: Request, partial: bool) -> dict[str, Any]:
        data = self.write_serializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        return data.changes() if hasattr(data, "changes") else dict(data.validated_data)

    def result(self, row: Any) -> Any:
        serializer: Any = self.result_serializer or self.serializer_class
        return serializer(row).data

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        changes = self.write_input(request, partial=False)
        parent = self.services.parent
        if parent is None:
            row = self.services.create(request.user, **changes)
        else:
            owner = parent.resolve(request.user, changes.pop(parent.field, None))
            row = self.services.create(owner, request.user, **changes)
        return Response(self.result(row), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        changes = self.write_input(request, partial=True)
        if self.services.parent is not None:
            changes.pop(self.services.parent.field, None)
        self.services.update(row, request.user, changes)
        return Response(self.result(row))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.MethodNotAllowed(str(request.method))

    def perform_destroy(self, instance: Any) -> None:
        self.services.delete(instance, self.request.user)


def _update_person(row: User, user: User, changes: dict[str, Any]) -> None:
    services.do_update_person(row, user, changes)


@extend_schema_view(
    destroy=extend_schema(description="Deactivate a colleague (people are never deleted).")
)
class UserViewSet(ServiceWriteViewSet):
    """Colleagues: role, markets, language and time zone. Administrators add (POST), change
    (PATCH) and deactivate (DELETE) them; ``?active=false`` or ``all`` lists deactivated
    ones too (administrators only)."""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    write_serializer = ColleagueWriteSerializer
    result_serializer = ColleagueSerializer
    services = WriteServices(
        create=services.do_invite_person,
        update=_update_person,
        delete=lambda row, user: services.do_deactivate_person(row, user),
    )
    list_parameters = [
        OpenApiParameter(
            "active", str, enum=["true", "false", "all"], description="Administrators only"
        )
    ]

    def scope_queryset(self, queryset):
        manages = can(self.request.user, Operation.MANAGE_USERS)
        active = self.request.query_params.get("active", "true") if manages else "true"
        if self.action != "list" and manages:
            active = "all"
        if active in ("true", "false"):
            queryset = queryset.filter(is_active=active == "true")
        return queryset.order_by("username")


def _update_team(row: Team, user: User, changes: dict[str, Any]) -> None:
    services.do_update_team(row, user, changes)


class TeamViewSet(ServiceWriteViewSet):
    """Teams of your markets (and those you manage), with their members. Administrators
    create (POST) and change (PATCH) them."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Team.objects.all()
    serializer_class = TeamSerializer
    write_serializer = TeamWriteSerializer
    services = WriteServices(
        create=services.do_add_team,
        update=_update_team,
        delete=lambda row, user: None,  # not offered: a team's history names it
    )

    def scope_queryset(self, queryset):
        return queryset.select_related("manager").prefetch_related("members").order_by("name")


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    """The user the token or session belongs to, and whether they use two-factor sign-in."""
    return Response(MeSerializer(request.user).data)
