from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.request import Request
from rest_framework.response import Response

from beachhead.commitments import customers, lists, services
from beachhead.commitments.api.serializers import (
    CancelSerializer,
    CommitmentCreateSerializer,
    CommitmentDetailSerializer,
    CommitmentSerializer,
    CustomerOptionSerializer,
)
from beachhead.commitments.models import Commitment
from beachhead.commitments.roles import CommitmentOperation
from beachhead.core.access import Action, scoped
from beachhead.core.api.views import ScopedViewSetMixin
from beachhead.core.http import api_user
from beachhead.core.models import User
from beachhead.core.roles import can
from beachhead.markets.models import Market
from beachhead.savedviews.params import narrow

LIST_PARAMS = [
    OpenApiParameter("state", str, enum=["open", "kept", "kept_late", "broken", "cancelled"]),
    OpenApiParameter("kind", str),
    OpenApiParameter("market", str, description="ISO code, e.g. JP"),
    OpenApiParameter("owner", str, description="A user id, or “me”"),
    OpenApiParameter("health", str, enum=["at_risk", "overdue", "paused"]),
    OpenApiParameter("q", str, description="Text in the description, subject or customer"),
]


def _plain_action(name: str, doc: str):
    """The POST action ``name`` on one commitment, without a body: it calls
    ``services.do_<name>`` (looked up at each call) and answers with the commitment."""

    def act(self, request, pk=None):
        return self._act(request, getattr(services, f"do_{name}"))

    act.__name__ = act.__qualname__ = name
    act.__doc__ = doc
    return extend_schema(request=None, responses=CommitmentSerializer)(
        action(detail=True, methods=["post"])(act)
    )


def _about(picked: customers.Picked | None, v: dict) -> dict:
    """The customer and subject arguments of a promise: the picked records, or the free labels
    of older clients."""
    if picked is None:
        return {
            "customer_label": v.get("customer_label", ""),
            "subject_label": v.get("subject_label", ""),
        }
    return {
        "customer": picked.customer,
        "customer_label": picked.customer_label,
        "subject": picked.subject,
        "subject_label": picked.subject_label or v.get("subject_label", ""),
    }


class CommitmentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The commitment ledger: promises with owners, due times and outcomes."""

    queryset = Commitment.objects.all()
    serializer_class = CommitmentSerializer

    def get_queryset(self):
        if self.action in ("keep", "pause", "resume", "cancel"):
            return scoped(Commitment, self.request.user, Action.CHANGE)
        return super().get_queryset()

    def scope_queryset(self, queryset):
        queryset = queryset.select_related("market", "owner")
        if self.action == "list":
            queryset = narrow(
                lists.COMMITMENTS, queryset, self.request.query_params, self.request.user
            )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events")
        return queryset.order_by("due_at", "pk")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CommitmentDetailSerializer
        if self.action == "create":
            return CommitmentCreateSerializer
        return CommitmentSerializer

    @extend_schema(parameters=LIST_PARAMS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CommitmentCreateSerializer, responses={201: CommitmentSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        if not can(request.user, CommitmentOperation.MANAGE_COMMITMENTS):
            raise exceptions.PermissionDenied()
        data = CommitmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            picked = customers.resolve(
                api_user(request), v.get("customer", ""), v.get("subject", "")
            )
        except ValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        code = (v.get("market") or (picked.market if picked else "")).upper()
        market = scoped(Market, request.user).filter(code=code).first() if code else None
        if market is None:
            raise exceptions.ValidationError({"market": ["No such market, or not one of yours."]})
        owner: User | None = api_user(request)
        if "owner" in v:
            owner = scoped(User, request.user).filter(pk=v["owner"], is_active=True).first()
            if owner is None:
                raise exceptions.ValidationError({"owner": ["No such user."]})
            if not owner.is_global and market.code not in (owner.market_codes or []):
                # A promise to a customer is owned by someone who covers the customer's market.
                raise exceptions.ValidationError(
                    {"owner": [f"{owner.display_name} does not cover the market {market.code}."]}
                )
        calendar = v.get("calendar") or "business"
        if calendar == "business":
            calendar = f"market:{market.code}"
        commitment = services.do_create_commitment(
            kind=v["kind"],
            title=v.get("title", ""),
            calendar=calendar,
            target=v["minutes"],
            start=v.get("start"),
            owner=owner,
            market=market,
            **_about(picked, v),
            actor=api_user(request),
        )
        return Response(CommitmentSerializer(commitment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("role", str, enum=["customer", "subject"]),
            OpenApiParameter("q", str, description="Part of a name, an address or a number"),
            OpenApiParameter("within", str, description="The chosen account's id (subjects)"),
        ],
        responses=CustomerOptionSerializer(many=True),
        # A search answering at most ten records, not a paginated list.
        operation_id="commitments_customers_search",
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def customers(self, request: Request) -> Response:
        """Whom a promise can be made to (accounts) and what about (their contacts and
        tickets): at most ten records the caller may see."""
        role = "subject" if request.query_params.get("role") == "subject" else "customer"
        found = customers.search(
            api_user(request),
            role,
            request.query_params.get("q", ""),
            request.query_params.get("within", ""),
        )
        return Response(CustomerOptionSerializer(found, many=True).data)

    def _act(self, request, func, **kwargs) -> Response:
        commitment = self.get_object()
        try:
            commitment = func(commitment, actor=request.user, **kwargs)
        except ValidationError as exc:
            raise exceptions.ValidationError({"detail": exc.messages}) from exc
        return Response(CommitmentSerializer(commitment).data)

    keep = _plain_action("keep", "The promise was fulfilled now: kept on time, or kept late.")
    pause = _plain_action("pause", "Stop the clock (waiting on the customer).")
    resume = _plain_action(
        "resume", "Start the clock again; the due time moves by the paused business time."
    )

    @extend_schema(request=CancelSerializer, responses=CommitmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._act(request, services.do_cancel, reason=data.validated_data.get("reason", ""))


@extend_schema(
    parameters=[
        OpenApiParameter(
            "days", int, description="Period length in days (default 90, at most 730)"
        ),
        OpenApiParameter("group", str, enum=list(services.GROUPS)),
    ],
    responses=OpenApiTypes.OBJECT,
)
@api_view(["GET"])
def trust(request: Request) -> Response:
    """Share of promises kept on time over a period, by market, team, owner, kind or customer."""
    if not can(request.user, CommitmentOperation.VIEW_TRUST):
        raise exceptions.PermissionDenied()
    try:
        days = int(request.query_params.get("days", 90))
    except ValueError:
        raise exceptions.ValidationError({"days": ["A whole number of days."]}) from None
    if not 1 <= days <= 730:
        raise exceptions.ValidationError({"days": ["Between 1 and 730."]})
    group = request.query_params.get("group", "market")
    period = services.Period.last_days(days)
    try:
        groups = services.trust_by(api_user(request), period, group)
    except ValidationError as exc:
        raise exceptions.ValidationError({"group": exc.messages}) from exc
    return Response(
        {
            "summary": services.trust_summary(api_user(request), period),
            "group": group,
            "groups": groups,
            "weekly": services.trust_weekly(api_user(request), period),
        }
    )
