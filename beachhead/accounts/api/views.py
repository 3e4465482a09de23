"""The accounts API: accounts (with their lifetime value), contacts, deals, deployments and the
stage pipeline. Rows come through the access layer; writes go through the services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from beachhead.accounts import lists
from beachhead.accounts.api import serializers as s
from beachhead.accounts.models import Account, Contact, Deployment, Opportunity, Stage
from beachhead.accounts.services import accounts as account_services
from beachhead.accounts.services import compliance, ltv
from beachhead.accounts.services import contacts as contact_services
from beachhead.accounts.services import deployments as deployment_services
from beachhead.accounts.services import opportunities as opportunity_services
from beachhead.accounts.services import stages as stage_services
from beachhead.core.api.views import (
    ParentRow,
    ServiceWriteViewSet,
    WriteServices,
)
from beachhead.core.money import parse_money
from beachhead.savedviews.params import narrow

if TYPE_CHECKING:
    from beachhead.core.models import User

ACCOUNT_PARAMS = [
    OpenApiParameter("market", str, description="ISO code(s), e.g. JP or JP,KR"),
    OpenApiParameter("tier", str, description="strategic, enterprise, growth (comma-separated)"),
    OpenApiParameter("lifecycle", str, description="target, prospect, pilot, customer, churned"),
    OpenApiParameter("industry", str, description="A playbook industry code, e.g. finance"),
    OpenApiParameter("health", str, description="unknown, weak, fair, strong"),
    OpenApiParameter("owner", str, description="A user id, a username, “me” or “none”"),
    OpenApiParameter("csm", str, description="A user id, a username, “me” or “none”"),
    OpenApiParameter("named", bool, description="On the named-account plan"),
    OpenApiParameter("strategic", bool, description="Worth the strategic bar a year or more"),
    OpenApiParameter("deep", bool, description="Deep users (production nodes ≥ the threshold)"),
    OpenApiParameter("q", str, description="Text in the legal, display or Latin name"),
]
CHILD_PARAMS = [
    OpenApiParameter("account", int, description="An account id"),
    OpenApiParameter("market", str, description="ISO code(s) of the account's market"),
]


def _filtered(source, queryset: QuerySet, request: Request) -> QuerySet:
    try:
        return narrow(source, queryset, request.query_params, request.user)
    except ValidationError as exc:
        raise exceptions.ValidationError(exc.message_dict) from exc


#: Contacts, deals and deployments are created on an account the user may change.
ACCOUNT = ParentRow("account", Account, select_related=("market",))


class _AccountRowViewSet(ServiceWriteViewSet):
    # Contacts, deals and deployments: rows of an account, listed through the filters of their
    # list (``rows``, a list source) in ``ordering``.
    rows: Any
    ordering: tuple[str, ...]

    def scope_queryset(self, queryset):
        if self.action == "list":
            queryset = _filtered(self.rows, queryset, self.request)
        return queryset.order_by(*self.ordering)


class AccountViewSet(ServiceWriteViewSet):
    """Accounts: companies you sell to, with market (ISO code), industry, tier, lifecycle,
    owner and the inputs and outputs of their lifetime value. Account executives change their
    own accounts and read the others of their markets; regional managers change those of
    their markets."""

    queryset = Account.objects.all()
    serializer_class = s.AccountSerializer
    write_serializer = s.AccountWriteSerializer
    services = WriteServices(
        create=account_services.do_create_account,
        update=account_services.do_update_account,
        delete=account_services.do_delete_account,
    )

    def scope_queryset(self, queryset):
        queryset = queryset.select_related("market")
        if self.action == "list":
            queryset = _filtered(lists.ACCOUNTS, queryset, self.request)
        return queryset.order_by("legal_name", "pk")

    list_parameters = ACCOUNT_PARAMS

    def create(self, request: Request, *args, **kwargs) -> Response:
        """Create an account: at least ``name``, ``market`` (ISO code) and ``industry``."""
        return super().create(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter("amount", str, description="Qualify a deal of this amount"),
            OpenApiParameter("currency", str, description="Its currency (default: the market's)"),
        ],
        responses=s.LtvSerializer,
    )
    @action(detail=True, methods=["get"])
    def ltv(self, request: Request, pk=None) -> Response:
        """The lifetime value of the account with its reasons; with ``amount`` (and
        ``currency``), the qualification of a deal of that size."""
        account = self.get_object()
        qualification = None
        amount = request.query_params.get("amount")
        if amount:
            currency = request.query_params.get("currency") or account.market.currency
            try:
                money = parse_money({"amount": amount, "currency": currency}, currency)
            except ValidationError as exc:
                raise exceptions.ValidationError({"amount": exc.messages}) from exc
            qualification = ltv.qualify_deal(account, money)
        body = {
            "account": account.pk,
            "valuation": ltv.value_account(account),
            "deep_user": deployment_services.is_deep_user(account),
            "qualification": qualification,
        }
        return Response(s.LtvSerializer(body).data)


class ContactViewSet(_AccountRowViewSet):
    """People at your accounts, with functional roles (procurement, operations, logistics,
    finance, technical_lead, executive_sponsor, champion). Phones are validated for the
    account's country and returned in E.164 and national format."""

    queryset = Contact.objects.all()
    serializer_class = s.ContactSerializer
    write_serializer = s.ContactWriteSerializer
    services = WriteServices(
        create=contact_services.do_create_contact,
        update=contact_services.do_update_contact,
        delete=contact_services.do_delete_contact,
        parent=ACCOUNT,
    )
    rows = lists.CONTACTS
    ordering = ("full_name", "pk")

    list_parameters = [*CHILD_PARAMS, OpenApiParameter("role", str), OpenApiParameter("q", str)]


class OpportunityViewSet(_AccountRowViewSet):
    """Deals: stage, amount and currency, close date and owner. The detail adds the
    qualification against the account's lifetime value and the compliance gap."""

    queryset = Opportunity.objects.all()
    serializer_class = s.OpportunitySerializer
    detail_serializer = s.OpportunityDetailSerializer
    write_serializer = s.OpportunityWriteSerializer
    services = WriteServices(
        create=opportunity_services.do_create_opportunity,
        update=opportunity_services.do_update_opportunity,
        delete=opportunity_services.do_delete_opportunity,
        parent=ACCOUNT,
    )
    rows = lists.OPPORTUNITIES
    ordering = ("close_date", "pk")

    def scope_queryset(self, queryset):
        return super().scope_queryset(
            queryset.select_related("stage", "account", "account__market")
        )

    list_parameters = [
        *CHILD_PARAMS,
        OpenApiParameter("stage", str, description="Stage key(s)"),
        OpenApiParameter("owner", str, description="A user id, a username or “me”"),
        OpenApiParameter("open", bool, description="Not won or lost yet"),
        OpenApiParameter("q", str),
    ]

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        """A deal with its qualification (verdict and reasons) and its compliance gap."""
        deal = self.get_object()
        deal.qualification = ltv.qualify_deal(deal.account, deal.amount)
        deal.compliance = compliance.requirements(deal.account)
        deal.compliance_gaps = [r.code for r in deal.compliance if not r.held]
        return Response(s.OpportunityDetailSerializer(deal).data)


class DeploymentViewSet(_AccountRowViewSet):
    """What customers run: product, version, node count, cloud region and environment. An
    account with enough production nodes is a deep user."""

    queryset = Deployment.objects.all()
    serializer_class = s.DeploymentSerializer
    write_serializer = s.DeploymentWriteSerializer
    services = WriteServices(
        create=deployment_services.do_create_deployment,
        update=deployment_services.do_update_deployment,
        delete=deployment_services.do_delete_deployment,
        parent=ACCOUNT,
    )
    rows = lists.DEPLOYMENTS
    ordering = ("account_id", "environment", "pk")

    list_parameters = [
        *CHILD_PARAMS,
        OpenApiParameter("environment", str),
        OpenApiParameter("product", str),
        OpenApiParameter("version", str),
        OpenApiParameter("cloud_region", str),
    ]


def _update_stage(row: Stage, user: Any, changes: dict[str, Any]) -> None:
    stage_services.do_update_stage(row, user, changes)


class StageViewSet(ServiceWriteViewSet):
    """The deal pipeline's stages, in order, with their probability. Administrators add
    (POST), change (PATCH), reorder and remove them (DELETE: a stage deals have been in is
    deactivated, not deleted)."""

    queryset = Stage.objects.all()
    serializer_class = s.StageSerializer
    write_serializer = s.StageWriteSerializer
    services = WriteServices(
        create=stage_services.do_add_stage,
        update=_update_stage,
        delete=stage_services.do_retire_stage,
    )

    def scope_queryset(self, queryset):
        return queryset.order_by("order", "pk")

    @extend_schema(request=s.StageOrderSerializer, responses=s.StageSerializer(many=True))
    @action(detail=False, methods=["post"], pagination_class=None)
    def reorder(self, request: Request) -> Response:
        """Put the stages in a new order (every stage's id, once)."""
        data = s.StageOrderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = cast("User", request.user)  # the API's permission class lets only users in
        stage_services.do_reorder_stages(user, data.validated_data["ids"])
        rows = Stage.objects.order_by("order", "pk")
        return Response(s.StageSerializer(rows, many=True).data)
