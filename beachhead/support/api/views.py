"""The support API: tickets (with their SLA commitments), their messages, and a raw-MIME
endpoint for mail gateways. Rows come through the access layer; writes through the services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import exceptions, mixins, parsers, status, viewsets
from rest_framework.decorators import action, api_view, parser_classes
from rest_framework.request import Request
from rest_framework.response import Response

from beachhead.accounts.models import Account, Contact
from beachhead.core.access import Action, scoped, scoped_in_markets
from beachhead.core.api.errors import RequestTooLarge
from beachhead.core.api.views import (
    ParentRow,
    ScopedViewSetMixin,
    ServiceWriteViewSet,
    WriteServices,
)
from beachhead.core.db import is_id
from beachhead.core.http import api_user
from beachhead.core.roles import can
from beachhead.core.uploads import body_limit
from beachhead.savedviews import params
from beachhead.support import lists
from beachhead.support.api import serializers as s
from beachhead.support.models import (
    AgentProfile,
    Message,
    ReplyTemplate,
    ReplyTemplateVariant,
    Shift,
    SlaPolicy,
    Ticket,
)
from beachhead.support.roles import SupportOperation
from beachhead.support.services import agents as agent_services
from beachhead.support.services import flagship, outbound, reply_templates, sla_policies
from beachhead.support.services import ingest as mail_ingest
from beachhead.support.services import tickets as services
from beachhead.support.services.conversation import messages_of

TICKET_PARAMS = [
    OpenApiParameter(
        "status",
        str,
        description="new, open, pending, on_hold, solved, closed "
        "(comma-separated); “unsolved” for the first four",
    ),
    OpenApiParameter("priority", str, description="urgent, high, normal, low (comma-separated)"),
    OpenApiParameter("channel", str, description="email, web_form, portal, api, phone, chat"),
    OpenApiParameter("market", str, description="ISO code(s), e.g. JP or JP,KR"),
    OpenApiParameter("account", int, description="An account id"),
    OpenApiParameter("assignee", str, description="A user id, a username, “me” or “none”"),
    OpenApiParameter("team", int, description="A team id"),
    OpenApiParameter("tag", str, description="A tag the ticket carries"),
    OpenApiParameter("q", str, description="Text in the subject or the requester's e-mail"),
]


class TicketViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Tickets of your markets (and those assigned to you), newest activity first."""

    queryset = Ticket.objects.all()
    serializer_class = s.TicketSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return {
            "create": s.TicketCreateSerializer,
            "partial_update": s.TicketUpdateSerializer,
            "retrieve": s.TicketDetailSerializer,
            "messages": s.MessageSerializer,
            "retry_send": s.MessageSerializer,
        }.get(self.action, s.TicketSerializer)

    def get_queryset(self):
        query = self.request.query_params
        markets = params.value(lists.TICKETS, "market", query) if self.action == "list" else None
        if markets:
            # The markets asked for, through the access layer: where the user sees those whole
            # markets, no OR with ownership (the market's index answers the page).
            return self.scope_queryset(scoped_in_markets(Ticket, self.request.user, markets))
        if self.action in ("messages", "retry_send"):
            # Reading and answering the conversation both need only the right to see it; the
            # reply service checks the right to change the ticket.
            return self.scope_queryset(scoped(Ticket, self.request.user, Action.VIEW))
        return super().get_queryset()

    def scope_queryset(self, queryset):
        # Only the columns the JSON shows of the joined rows (an account row is wide).
        queryset = queryset.select_related("account", "assignee", "team").only(
            *(f.attname for f in Ticket._meta.concrete_fields),
            "account__legal_name",
            "account__display_name",
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
            "team__name",
        )
        if self.action == "list":
            queryset = params.narrow(
                lists.TICKETS, queryset, self.request.query_params, self.request.user
            )
        return queryset

    list_parameters = TICKET_PARAMS

    @extend_schema(request=s.TicketCreateSerializer, responses={201: s.TicketDetailSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        data = s.TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        account = None
        if v.get("account"):
            account = scoped(Account, request.user).filter(pk=v["account"]).first()
            if account is None:
                raise exceptions.ValidationError({"account": ["No such account."]})
        requester = None
        requester_email = ""
        value = v["requester"].strip()
        if value.isdigit():
            if not is_id(value):
                raise exceptions.ValidationError({"requester": ["No such contact."]})
            requester = scoped(Contact, request.user).filter(pk=int(value)).first()
            if requester is None:
                raise exceptions.ValidationError({"requester": ["No such contact."]})
        elif "@" in value:
            requester_email = value.lower()
            try:
                validate_email(requester_email)
            except DjangoValidationError:
                raise exceptions.ValidationError(
                    {"requester": ["Enter a valid e-mail address."]}
                ) from None
        else:
            raise exceptions.ValidationError(
                {"requester": ["Give a contact id or an e-mail address."]}
            )
        ticket = services.do_create_ticket(
            subject=v["subject"],
            body_text=v.get("body", ""),
            channel=v["channel"],
            priority=v["priority"],
            account=account,
            requester=requester,
            requester_email=requester_email,
            requester_name=v.get("requester_name", ""),
            language=v.get("language", ""),
            tags=v.get("tags", ""),
            product_version=v.get("product_version", ""),
            actor=api_user(request),
        )
        # The ticket as written, with the promises it started: nothing to read back.
        written = s.TicketDetailSerializer(
            ticket, context={"commitments": ticket.sla_commitments}
        ).data
        return Response(written, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TicketUpdateSerializer, responses=s.TicketDetailSerializer)
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        ticket = self.get_object()
        data = s.TicketUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.do_update_ticket(ticket, api_user(request), dict(data.validated_data))
        ticket = self.scope_queryset(Ticket.objects.all()).get(pk=ticket.pk)
        return Response(s.TicketDetailSerializer(ticket).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise exceptions.MethodNotAllowed("PUT")
        return super().update(request, *args, **kwargs)

    @extend_schema(
        methods=["GET"],
        responses=s.MessageSerializer(many=True),
        description="The conversation, oldest first. Internal notes (kind “note”) are listed "
        "only to the roles that read them (admin, executive, regional manager, support agent, "
        "customer success); other roles get the customer conversation alone.",
    )
    @extend_schema(
        methods=["POST"],
        request=s.ReplySerializer,
        responses={201: s.MessageSerializer},
        description="A public reply (e-mailed to the requester) or, with public false, an "
        "internal note: 403 for the roles that do not read notes.",
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request: Request, pk=None) -> Response:
        """The conversation, oldest first (GET); a public reply or internal note (POST)."""
        ticket = self.get_object()
        if request.method == "POST":
            data = s.ReplySerializer(data=request.data)
            data.is_valid(raise_exception=True)
            v = data.validated_data
            message = services.do_reply(
                ticket,
                api_user(request),
                v["body"],
                public=v["public"],
                status=v.get("status"),
                follow_up_at=v.get("follow_up_at"),
            )
            return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)
        rows = (
            messages_of(ticket, request.user)
            .select_related("author")
            .prefetch_related(Prefetch("attachments"))
            .order_by("created_at", "pk")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.MessageSerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={200: s.MessageSerializer},
        description="Queue a public reply that was not delivered (delivery_status “failed”) "
        "to be sent again. Idempotent: a reply that is not failed is left as it is; the answer "
        "is the message either way.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"messages/(?P<message_id>[0-9]+)/retry",
        url_name="retry-send",
    )
    def retry_send(self, request: Request, pk=None, message_id=None) -> Response:
        ticket = self.get_object()
        if not is_id(str(message_id)):
            raise exceptions.NotFound()
        message = (
            messages_of(ticket, request.user)
            .filter(kind=Message.Kind.REPLY, pk=int(str(message_id)))
            .first()
        )
        if message is None:
            raise exceptions.NotFound()
        message.ticket = ticket
        outbound.do_retry_send(message, api_user(request))
        message.refresh_from_db()
        return Response(s.MessageSerializer(message).data)


class RawMailParser(parsers.BaseParser):
    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        # core.uploads refused a bigger Content-Length; this bounds a stream of untold length.
        limit = settings.BEACHHEAD_MAIL_MAX_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(f"A raw message may be at most {limit} bytes.")
        return raw


@extend_schema(
    request={"message/rfc822": OpenApiTypes.BINARY},
    responses={
        200: s.IngestResultSerializer,  # a duplicate of a message already delivered
        201: s.IngestResultSerializer,  # a new ticket, or a reply appended to one
        422: s.IngestResultSerializer,  # rejected (kept for an admin)
        413: OpenApiResponse(description="The message is larger than BEACHHEAD_MAIL_MAX_BYTES."),
    },
    description="Deliver one raw RFC 822 message (the body of the request, as is). Answers "
    "created, appended, duplicate or rejected; a rejected message is kept for an admin.",
)
@body_limit("BEACHHEAD_MAIL_MAX_BYTES")
@api_view(["POST"])
@parser_classes([RawMailParser])
def inbound_mail(request: Request) -> Response:
    if not can(request.user, SupportOperation.INGEST_MAIL):
        raise exceptions.PermissionDenied("Only mail gateways (admins) may deliver raw mail.")
    raw = request.data if isinstance(request.data, bytes) else b""
    result = mail_ingest.ingest(raw, source=f"http:{request.user.username}")
    code = {"created": 201, "appended": 201, "duplicate": 200}.get(result.result, 422)
    return Response(result.as_dict(), status=code)


# --- The desk's settings -----------------------------------------------------------------------
# Everyone signed in reads them (they explain a ticket's promises and who is on shift); writes
# reach only the rows the user may change (their markets; others answer 404).


class _SettingsViewSet(ServiceWriteViewSet):
    # ``changeable(user, row)``: the services' row rule, applied to PATCH and DELETE.
    changeable: Any = None
    ordering: tuple[str, ...] = ("pk",)
    related: tuple[str, ...] = ()

    def scope_queryset(self, queryset):
        queryset = queryset.select_related(*self.related).order_by(*self.ordering)
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return queryset
        rule = type(self).changeable
        ids = [row.pk for row in queryset if rule(self.request.user, row)]
        return queryset.filter(pk__in=ids)


class SlaPolicyViewSet(_SettingsViewSet):
    """SLA policies in the order tickets try them. Admins change every policy; regional
    managers those whose markets are all theirs (and create policies for their markets)."""

    queryset = SlaPolicy.objects.all()
    serializer_class = s.SlaPolicySerializer
    write_serializer = s.SlaPolicyWriteSerializer
    services = WriteServices(
        create=sla_policies.do_create_sla_policy,
        update=sla_policies.do_update_sla_policy,
        delete=sla_policies.do_delete_sla_policy,
    )
    changeable = staticmethod(sla_policies.may_change_policy)
    ordering = ("order", "pk")

    @extend_schema(responses={204: None, 200: s.SlaPolicySerializer})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Delete a policy no ticket follows; one that tickets follow is deactivated instead
        (200 with the policy)."""
        policy = self.get_object()
        if sla_policies.do_delete_sla_policy(policy, request.user):
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(s.SlaPolicySerializer(policy).data)


class AgentProfileViewSet(_SettingsViewSet):
    """Agents' routing profiles: languages, skills, whether they take new tickets. Admins
    change every agent's; regional managers those of agents who cover one of their markets."""

    queryset = AgentProfile.objects.all()
    serializer_class = s.AgentProfileSerializer
    write_serializer = s.AgentProfileWriteSerializer
    services = WriteServices(
        create=agent_services.do_create_agent_profile,
        update=agent_services.do_update_agent_profile,
        delete=agent_services.do_delete_agent_profile,
    )
    changeable = staticmethod(lambda user, row: agent_services.may_manage_agent(user, row.user))
    related = ("user",)


class ShiftViewSet(_SettingsViewSet):
    """Agents' weekly shifts in their own time zone (an end before the start runs past
    midnight). Admins change every agent's; regional managers those of their markets' agents."""

    queryset = Shift.objects.all()
    serializer_class = s.ShiftSerializer
    write_serializer = s.ShiftWriteSerializer
    services = WriteServices(
        create=agent_services.do_create_shift,
        update=agent_services.do_update_shift,
        delete=agent_services.do_delete_shift,
    )
    changeable = staticmethod(lambda user, row: agent_services.may_manage_agent(user, row.user))
    ordering = ("user_id", "weekday", "start")
    related = ("user",)


class ReplyTemplateViewSet(_SettingsViewSet):
    """Reply templates with their wordings. Admins change every template; regional managers
    add templates and change those whose wordings are all for their markets."""

    queryset = ReplyTemplate.objects.prefetch_related("variants")
    serializer_class = s.ReplyTemplateSerializer
    write_serializer = s.ReplyTemplateWriteSerializer
    services = WriteServices(
        create=reply_templates.do_create_reply_template,
        update=reply_templates.do_update_reply_template,
        delete=reply_templates.do_delete_reply_template,
    )
    changeable = staticmethod(reply_templates.may_change_template)
    ordering = ("name", "pk")


class ReplyVariantViewSet(_SettingsViewSet):
    """Wordings of reply templates (a language, optionally a market, a tone). Regional
    managers change the wordings for their markets."""

    queryset = ReplyTemplateVariant.objects.all()
    serializer_class = s.ReplyVariantSerializer
    write_serializer = s.ReplyVariantWriteSerializer
    services = WriteServices(
        create=reply_templates.do_create_reply_variant,
        update=reply_templates.do_update_reply_variant,
        delete=reply_templates.do_delete_reply_variant,
        parent=ParentRow("template", ReplyTemplate),
    )
    changeable = staticmethod(reply_templates.may_change_variant)
    ordering = ("template_id", "language", "market_code", "tone")


@extend_schema(
    parameters=[
        OpenApiParameter(
            "days", int, description="Window in days, by clock start (default 90, at most 730)"
        ),
    ],
    responses=OpenApiTypes.OBJECT,
    description="The 15-minute promise: urgent incidents of strategic accounts get a first human "
    "reply within 15 minutes. Kept on time out of the decided promises and the median minutes "
    "to the first reply, overall and per market, in the markets the caller sees.",
)
@api_view(["GET"])
def fifteen_minutes(request: Request) -> Response:
    try:
        days = int(request.query_params.get("days", flagship.WINDOW_DAYS))
    except ValueError:
        raise exceptions.ValidationError({"days": ["A whole number of days."]}) from None
    if not 1 <= days <= 730:
        raise exceptions.ValidationError({"days": ["Between 1 and 730."]})
    return Response(flagship.fifteen_minutes(api_user(request), days=days).as_dict())
