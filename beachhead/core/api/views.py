from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from beachhead.core.access import Action, scoped
from beachhead.core.api.serializers import TeamSerializer, UserSerializer
from beachhead.core.models import Team, User


class ScopedViewSetMixin:
    # Every API view gets its rows through the access layer: GET sees what the user may view,
    # writes reach only what the user may change (others answer 404, as if absent).
    # A comment, not a docstring: drf-spectacular would publish a docstring as the description
    # of every endpoint whose view set has none of its own.

    def get_queryset(self):
        action = Action.VIEW if self.request.method in ("GET", "HEAD", "OPTIONS") else Action.CHANGE
        if self.request.method == "DELETE":
            action = Action.DELETE
        return self.scope_queryset(scoped(self.queryset.model, self.request.user, action))

    def scope_queryset(self, queryset):
        """Hook for select_related and filters on top of the scoped rows."""
        return queryset


class UserViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Active colleagues: role, markets, language and time zone."""

    queryset = User.objects.all()
    serializer_class = UserSerializer

    def scope_queryset(self, queryset):
        return queryset.filter(is_active=True).order_by("username")


class TeamViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Teams of your markets (and those you manage), with their members."""

    queryset = Team.objects.all()
    serializer_class = TeamSerializer

    def scope_queryset(self, queryset):
        return queryset.prefetch_related("members").order_by("name")


@extend_schema(responses=UserSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    """The user the token or session belongs to."""
    return Response(UserSerializer(request.user).data)
