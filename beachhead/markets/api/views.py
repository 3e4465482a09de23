"""Markets in the API: list, detail, PATCH, and the market's calendar (due, elapsed, holidays).

Rows come through the access layer (``ScopedViewSetMixin``): a market the caller may not see,
or may not change for a PATCH, answers 404 like one that does not exist.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from beachhead.core.api.views import ScopedViewSetMixin
from beachhead.core.http import api_user
from beachhead.markets import services
from beachhead.markets.api import serializers as s
from beachhead.markets.models import Market


@contextmanager
def _field_errors(field: str | None = None) -> Iterator[None]:
    """A Django validation error in the block as a DRF one, keyed by API field names (or by
    ``field`` when it names none)."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            errors: dict[str, list[str]] = {}
            for name, messages in exc.message_dict.items():
                errors.setdefault(s.API_FIELD.get(name, name), []).extend(messages)
            raise ValidationError(errors) from None
        raise ValidationError({field: exc.messages} if field else exc.messages) from None


def _market_query(url_path: str, query, answer):
    """A GET action on one market at ``url_path``: its query string read by the serializer
    ``query`` (and documented with ``answer``); the method gets the market and the validated
    query."""

    def wrap(method):
        @functools.wraps(method)
        def act(self, request: Request, code: str | None = None) -> Response:
            market = self.get_object()
            data = query(data=request.query_params)
            data.is_valid(raise_exception=True)
            return method(self, request, market, data.validated_data)

        routed = action(detail=True, methods=["get"], url_path=url_path, url_name=method.__name__)
        return extend_schema(parameters=[query], responses=answer)(routed(act))

    return wrap


class MarketViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Market playbooks. Regional managers of a market and admins may PATCH it."""

    queryset = Market.objects.all()
    serializer_class = s.MarketSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z]{2}"
    http_method_names = ["get", "patch", "head", "options"]

    def scope_queryset(self, queryset):
        return queryset.order_by("code")

    def get_object(self) -> Market:
        market = get_object_or_404(self.get_queryset(), code=self.kwargs["code"].upper())
        self.check_object_permissions(self.request, market)
        return market

    @extend_schema(summary="List the markets you may see")
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="A market's playbook and whether it is open now")
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Edit a market's playbook",
        description="Send only the fields to change. Each changed field is marked as edited "
        "locally, so the next `markets sync` from the files keeps it.",
        request=s.MarketSerializer,
        responses=s.MarketSerializer,
    )
    def partial_update(self, request: Request, code: str | None = None) -> Response:
        market = self.get_object()
        serializer = cast(
            s.MarketSerializer, self.get_serializer(market, data=request.data, partial=True)
        )
        serializer.is_valid(raise_exception=True)
        with _field_errors():
            services.do_edit_market(market, api_user(request), serializer.model_changes())
        return Response(self.get_serializer(market).data)

    @extend_schema(summary="Due time: N working minutes after a start")
    @_market_query("calendar/due", s.DueQuerySerializer, s.DueSerializer)
    def due(self, request: Request, market: Market, v: dict) -> Response:
        with _field_errors("start"):
            start = services.parse_instant(v["start"], market, what="start")
        with _field_errors("minutes"):
            due = services.compute_due(market, start, v["minutes"], v["calendar"])
        return Response(
            {
                "market": market.code,
                "start": start.isoformat(),
                "minutes": v["minutes"],
                "calendar": v["calendar"],
                "due": due.isoformat(),
                "due_utc": services.utc(due).isoformat().replace("+00:00", "Z"),
            }
        )

    @extend_schema(summary="Working minutes between two instants")
    @_market_query("calendar/elapsed", s.ElapsedQuerySerializer, s.ElapsedSerializer)
    def elapsed(self, request: Request, market: Market, v: dict) -> Response:
        instants = {}
        for name in ("start", "end"):
            with _field_errors(name):
                instants[name] = services.parse_instant(v[name], market, what=name)
        with _field_errors("end"):
            minutes = services.compute_elapsed(
                market, instants["start"], instants["end"], v["calendar"]
            )
        return Response(
            {
                "market": market.code,
                "start": instants["start"].isoformat(),
                "end": instants["end"].isoformat(),
                "calendar": v["calendar"],
                "minutes": minutes,
            }
        )

    @extend_schema(summary="Public holidays of a market in a year")
    @_market_query("holidays", s.HolidaysQuerySerializer, s.HolidaysSerializer)
    def holidays(self, request: Request, market: Market, v: dict) -> Response:
        year = v.get("year") or services.market_status(market).local_time.year
        language = v.get("language") or _interface_language(request)
        with _field_errors("year"):
            days = services.market_holidays(market, year, language)
        return Response(
            {
                "market": market.code,
                "year": year,
                "language": language,
                "holidays": [{"date": day.isoformat(), "name": name} for day, name in days],
            }
        )


def _interface_language(request: Request) -> str:
    """The caller's interface language: their profile's, else the request's."""
    language = getattr(request.user, "language", "") or translation.get_language() or "en"
    if language.startswith("zh"):
        return "zh-hans"
    if language.startswith("ja"):
        return "ja"
    return "en"
