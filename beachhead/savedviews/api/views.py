"""API of saved views: the views themselves, and any list's rows for a view's state."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from beachhead.core.access import Action
from beachhead.core.http import api_user
from beachhead.savedviews import registry, services
from beachhead.savedviews.api.serializers import (
    ListRowsSerializer,
    SavedViewSerializer,
    SavedViewUpdateSerializer,
)
from beachhead.savedviews.models import SavedView
from beachhead.savedviews.services import cell_value
from beachhead.savedviews.state import defaults, from_config, from_query


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("source", str, description="Only views of this list")]
    )
)
class SavedViewViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Saved views of lists: yours and those shared with your teams. Only the owner (or an
    administrator) changes or deletes a view; others answer 404."""

    queryset = SavedView.objects.all()
    serializer_class = SavedViewSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        action = Action.VIEW
        if self.request.method in ("PATCH", "PUT"):
            action = Action.CHANGE
        elif self.request.method == "DELETE":
            action = Action.DELETE
        qs = SavedView.objects.visible_to(self.request.user, action).select_related(
            "shared_with_team"
        )
        source = self.request.query_params.get("source")
        if self.action == "list" and source:
            qs = qs.filter(source=source)
        return qs.order_by("source", "name", "pk")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return SavedViewUpdateSerializer
        return SavedViewSerializer

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.do_create_view(
            source=data["source"],
            name=data["name"],
            config=data.get("config", {}),
            owner=api_user(self.request),
            shared_with_team=data.get("shared_with_team"),
        )

    def perform_update(self, serializer) -> None:
        data = serializer.validated_data
        kwargs: dict[str, Any] = {}
        if "shared_with_team" in data:
            kwargs["shared_with_team"] = data["shared_with_team"]
        serializer.instance = services.do_update_view(
            serializer.instance,
            actor=api_user(self.request),
            name=data.get("name"),
            config=data.get("config"),
            **kwargs,
        )

    def perform_destroy(self, instance) -> None:
        services.do_delete_view(instance, actor=api_user(self.request))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(
            self.get_serializer(serializer.instance).data, status=status.HTTP_201_CREATED
        )


LIST_PARAMS = [
    OpenApiParameter("view", int, description="Start from this saved view"),
    OpenApiParameter("cols", str, description="Column paths, comma-separated"),
    OpenApiParameter(
        "f",
        str,
        many=True,
        explode=True,
        description="A filter `field:op:value` (repeat for several), e.g. "
        "`market__code:in:JP,KR`; `f=` alone clears the view's filters",
    ),
    OpenApiParameter("sort", str, description="Paths, comma-separated; `-` for descending"),
    OpenApiParameter("group", str, description="A groupable path (adds `groups` counts)"),
    OpenApiParameter("q", str, description="Free text over the list's searchable fields"),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int, description="At most 500"),
]


def _json(value: Any) -> Any:
    """A cell as JSON: decimals as exact strings, times in ISO 8601, related records (a user)
    by id — the value a filter on that column takes."""
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "amount") and hasattr(value, "currency"):  # a Money object
        return str(value.amount)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@extend_schema(
    parameters=[OpenApiParameter("source", str, OpenApiParameter.PATH), *LIST_PARAMS],
    responses={200: ListRowsSerializer, 400: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
def list_rows(request: Request, source: str) -> Response:
    """The rows of a list for a view's state — the same query string as the list page — with
    group counts when grouped. Rows come through the access layer, as on the page."""
    try:
        list_source = registry.get(source)
    except KeyError:
        raise Http404 from None
    params = request.query_params
    base = defaults(list_source)
    view_id = params.get("view", "")
    if view_id:
        if not view_id.isdigit():
            raise exceptions.ValidationError({"view": [_("A view id is a number.")]})
        view = (
            SavedView.objects.visible_to(request.user)
            .filter(source=list_source.key, pk=int(view_id))
            .first()
        )
        if view is None:
            raise Http404
        base = from_config(list_source, view.config, api_user(request))
    parsed = from_query(list_source, params, base, api_user(request))
    if parsed.errors:
        raise exceptions.ValidationError({"query": parsed.errors})
    state = parsed.state
    page = services.list_page(list_source, state, api_user(request), params.get("page", 1))
    paths = list(state.columns)
    extra = [
        c.currency_path
        for c in (list_source.column(p) for p in paths)
        if c is not None and c.kind == "money" and c.currency_path and c.currency_path not in paths
    ]
    results = []
    for obj in page.rows:
        row = {"id": _json(obj.pk)}
        for path in [*paths, *extra]:
            row[path] = _json(cell_value(obj, path))
        results.append(row)
    url = request.build_absolute_uri()
    return Response(
        {
            "count": page.count,
            "next": replace_query_param(url, "page", page.number + 1) if page.has_next else None,
            "previous": (
                (
                    replace_query_param(url, "page", page.number - 1)
                    if page.number > 2
                    else remove_query_param(url, "page")
                )
                if page.has_previous
                else None
            ),
            "columns": paths,
            "results": results,
            "groups": [
                {"value": _json(g.value), "label": g.label, "count": g.count} for g in page.groups
            ],
        }
    )
