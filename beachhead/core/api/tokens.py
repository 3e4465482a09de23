"""/api/v1/tokens/: the caller's own API tokens: list, create, revoke.

Creating a token needs a browser session (the page's session and CSRF): a token cannot mint
another token, so a leaked key cannot outlive its own revocation by making fresh ones. Listing
and revoking work with a token too (a script may revoke itself)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from beachhead.core import tokens
from beachhead.core.db import is_id
from beachhead.core.models import ApiToken


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at"]
        read_only_fields = fields
        extra_kwargs = {
            "prefix": {"help_text": "The first characters of the key, to recognise it."},
            "expires_at": {"help_text": "Null: never expires."},
            "last_used_at": {"help_text": "Null: never used. Updated at most once a minute."},
        }


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="What uses it, e.g. Reporting script")
    expires_in_days = serializers.ChoiceField(
        choices=[30, 90, 365],
        allow_null=True,
        required=False,
        default=90,
        help_text="30, 90 or 365; null for a token that never expires.",
    )

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Give the token a name.")
        return value.strip()


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = serializers.CharField(
        read_only=True, help_text="The key: shown this once, never again. Store it now."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
        read_only_fields = fields


class ApiTokenViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    # A comment, not a docstring: drf-spectacular would publish it on every endpoint.
    queryset = ApiToken.objects.none()
    serializer_class = ApiTokenSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return tokens.of(self.request.user)

    @extend_schema(summary="Your API tokens")
    def list(self, request: Request, *args, **kwargs) -> Response:
        """Your tokens that are not revoked (expired ones included), newest first."""
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Make an API token",
        request=ApiTokenCreateSerializer,
        responses={
            201: ApiTokenCreatedSerializer,
            400: OpenApiResponse(description="Invalid name or expiry."),
            403: OpenApiResponse(description="Called with a token: sign in with a browser."),
        },
    )
    def create(self, request: Request) -> Response:
        """Needs a browser session: a token cannot make another token. The answer holds the
        key, once."""
        if isinstance(request.auth, ApiToken):
            raise exceptions.PermissionDenied(
                "A token cannot make another token: make it in Preferences → API tokens."
            )
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = tokens.do_create_token(
            request.user,  # type: ignore[arg-type]
            name=data.validated_data["name"],
            expires_in_days=data.validated_data["expires_in_days"],
        )
        body = ApiTokenCreatedSerializer(token).data
        body["key"] = key
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revoke an API token",
        responses={204: None, 404: OpenApiResponse(description="Not one of your tokens.")},
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        """Revoke one of your tokens: it stops working at once (it may be the calling one)."""
        if not is_id(pk):
            raise exceptions.NotFound()
        token = get_object_or_404(self.get_queryset(), pk=pk)
        tokens.do_revoke_token(token, request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
