from __future__ import annotations

from typing import cast

from rest_framework import serializers

from beachhead.commitments.models import Commitment
from beachhead.core.localise import local_name
from beachhead.markets.services import calendar_label, market_code_of
from beachhead.support.models import (
    AgentProfile,
    Attachment,
    Channel,
    Message,
    Priority,
    ReplyTemplate,
    ReplyTemplateVariant,
    Shift,
    SlaPolicy,
    Status,
    Ticket,
)
from beachhead.support.services.sla import policy_name


class TicketCommitmentSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", default=None, read_only=True)
    owner_name = serializers.CharField(source="owner.display_name", default=None, read_only=True)
    calendar_label = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = [
            "id", "kind", "due_at", "state", "calendar", "paused_at", "owner", "owner_name",
            "broken_at", "calendar_label",
        ]  # fmt: skip

    def get_calendar_label(self, obj) -> str:
        """The calendar in the reader's words ("Japan business hours", "Around the clock")."""
        return calendar_label(obj.calendar)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


class TicketSerializer(serializers.ModelSerializer):
    # Market and SLA policy names come from memory by id (``core.refcache``): a list page
    # neither joins nor decodes those rows (a market row carries its holidays and hours).
    market = serializers.SerializerMethodField()
    account_name = serializers.CharField(source="account.name", default=None, read_only=True)
    assignee = PersonSerializer(read_only=True, allow_null=True)
    team = serializers.CharField(source="team.name", default=None, read_only=True)
    tags = serializers.ListField(source="tag_list", child=serializers.CharField(), read_only=True)
    sla_policy = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "subject",
            "status",
            "priority",
            "channel",
            "language",
            "market",
            "account",
            "account_name",
            "requester",
            "requester_email",
            "requester_name",
            "assignee",
            "team",
            "tags",
            "product_version",
            "sla_policy",
            "sla_due_at",
            "routing_note",
            "message_count",
            "satisfaction",
            "created_at",
            "updated_at",
            "first_replied_at",
            "solved_at",
            "url",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_market(self, obj) -> str:
        return cast(str, market_code_of(obj.market_id))  # a ticket always has a market

    def get_sla_policy(self, obj) -> str | None:
        return policy_name(obj.sla_policy_id)


class TicketDetailSerializer(TicketSerializer):
    commitments = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "commitments"]

    def get_commitments(self, obj) -> list[dict]:
        rows = self.context.get("commitments")
        if rows is None:
            from beachhead.commitments.services import for_subject

            rows = for_subject(obj).select_related("owner").order_by("started_at", "pk")
        return TicketCommitmentSerializer(rows, many=True).data  # type: ignore[return-value]  # a list


class TicketCreateSerializer(serializers.Serializer):
    account = serializers.IntegerField(required=False, allow_null=True)
    requester = serializers.CharField(
        help_text="A contact id, or an e-mail address (an unknown one becomes a contact)."
    )
    requester_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    subject = serializers.CharField(max_length=300)
    body = serializers.CharField(allow_blank=True, required=False, max_length=200_000)
    priority = serializers.ChoiceField(Priority.choices, default=Priority.NORMAL)
    channel = serializers.ChoiceField(Channel.choices, default=Channel.API)
    language = serializers.CharField(required=False, allow_blank=True, max_length=16)
    tags = serializers.CharField(required=False, allow_blank=True, max_length=300)
    product_version = serializers.CharField(required=False, allow_blank=True, max_length=40)


class TicketUpdateSerializer(serializers.Serializer):
    subject = serializers.CharField(required=False, max_length=300)
    priority = serializers.ChoiceField(Priority.choices, required=False)
    status = serializers.ChoiceField(Status.choices, required=False)
    tags = serializers.CharField(required=False, allow_blank=True, max_length=300)
    product_version = serializers.CharField(required=False, allow_blank=True, max_length=40)
    assignee = serializers.CharField(
        required=False, allow_null=True, help_text="A user id or username; null to unassign."
    )


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "rejected", "reason"]


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", default=None, read_only=True)
    author_name = serializers.CharField(source="author.display_name", default=None, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    delivery_status = serializers.ChoiceField(
        ["", "pending", "retrying", "sent", "failed"],
        read_only=True,
        help_text="A public reply's e-mail: pending, retrying (after a temporary failure), "
        "sent, or failed (for good: see failure_reason); empty for customer messages and notes.",
    )

    class Meta:
        model = Message
        fields = [
            "id",
            "kind",
            "channel",
            "author",
            "author_name",
            "from_name",
            "from_address",
            "body_text",
            "body_html",
            "message_id",
            "created_at",
            "sent_at",
            "delivery_status",
            "send_attempts",
            "failed_at",
            "failure_reason",
            "attachments",
        ]


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=200_000)
    public = serializers.BooleanField(default=True)
    status = serializers.ChoiceField(Status.choices, required=False)
    follow_up_at = serializers.DateTimeField(required=False)


class IngestResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(["created", "appended", "duplicate", "rejected"])
    ticket = serializers.IntegerField(allow_null=True)
    message = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_null=True)


# The desk's settings ------------------------------------------------------------------------
# Inputs are typed here and checked by the services (``sla_policies``, ``agents``,
# ``reply_templates``), which answer with errors by field.


class SlaPolicySerializer(serializers.ModelSerializer):
    local_name = serializers.SerializerMethodField()

    class Meta:
        model = SlaPolicy
        fields = [
            "id",
            "name",
            "names",
            "local_name",
            "order",
            "is_active",
            "tiers",
            "priorities",
            "market_codes",
            "calendar",
            "coverage_markets",
            "first_reply_minutes",
            "next_reply_minutes",
            "periodic_update_minutes",
            "resolution_minutes",
        ]

    def get_local_name(self, obj) -> str:
        return local_name(obj)


def _codes(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), required=False, help_text=help_text)


def _minutes(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(required=False, allow_null=True, help_text=help_text)


class NamesField(serializers.DictField):
    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.CharField(allow_blank=True))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", 'Names by language: {"zh-hans": "…", "ja": "…"}')
        super().__init__(**kwargs)


class SlaPolicyWriteSerializer(serializers.Serializer):
    name = serializers.CharField(required=False)
    names = NamesField()
    order = serializers.IntegerField(required=False)
    is_active = serializers.BooleanField(required=False)
    tiers = _codes("strategic, enterprise, growth; empty: every tier")
    priorities = _codes("urgent, high, normal, low; empty: every priority")
    market_codes = _codes("ISO codes; empty: every market (admins only)")
    calendar = serializers.CharField(required=False, help_text="market, coverage or 24x7")
    coverage_markets = serializers.CharField(
        required=False, allow_blank=True, help_text="For coverage: codes such as JP,DE,US"
    )
    first_reply_minutes = _minutes("Required when creating; more than zero")
    next_reply_minutes = _minutes("More than zero, or null")
    periodic_update_minutes = _minutes("More than zero, or null")
    resolution_minutes = _minutes("More than zero (not before the first reply), or null")


class AgentProfileSerializer(serializers.ModelSerializer):
    agent = PersonSerializer(source="user", read_only=True)

    class Meta:
        model = AgentProfile
        fields = ["id", "agent", "languages", "skills", "accepts_tickets"]


class AgentProfileWriteSerializer(serializers.Serializer):
    agent = serializers.IntegerField(required=False, help_text="The agent's user id (create)")
    languages = _codes("Language codes such as ja, zh-hans")
    skills = _codes("Skills such as billing, kubernetes")
    accepts_tickets = serializers.BooleanField(required=False)


class ShiftSerializer(serializers.ModelSerializer):
    agent = PersonSerializer(source="user", read_only=True)
    timezone = serializers.CharField(source="user.timezone", read_only=True)
    past_midnight = serializers.SerializerMethodField()

    class Meta:
        model = Shift
        fields = ["id", "agent", "weekday", "start", "end", "timezone", "past_midnight"]

    def get_past_midnight(self, obj) -> bool:
        return obj.end <= obj.start


class ShiftWriteSerializer(serializers.Serializer):
    agent = serializers.IntegerField(required=False, help_text="The agent's user id")
    weekday = serializers.IntegerField(required=False, help_text="0 is Monday, 6 Sunday")
    start = serializers.CharField(required=False, help_text="HH:MM in the agent's time zone")
    end = serializers.CharField(required=False, help_text="HH:MM; before the start: past midnight")


class ReplyVariantSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReplyTemplateVariant
        fields = ["id", "template", "language", "market_code", "tone", "body"]


class ReplyTemplateSerializer(serializers.ModelSerializer):
    local_name = serializers.SerializerMethodField()
    variants = ReplyVariantSerializer(many=True, read_only=True)

    class Meta:
        model = ReplyTemplate
        fields = ["id", "key", "name", "names", "local_name", "variants"]

    def get_local_name(self, obj) -> str:
        return local_name(obj)


class ReplyTemplateWriteSerializer(serializers.Serializer):
    name = serializers.CharField(required=False)
    names = NamesField()
    key = serializers.CharField(required=False, help_text="Made from the name when omitted")


class ReplyVariantWriteSerializer(serializers.Serializer):
    template = serializers.IntegerField(required=False, help_text="The template's id (create)")
    language = serializers.CharField(required=False, help_text="A language code: ja, zh-hans")
    market_code = serializers.CharField(
        required=False, allow_blank=True, help_text="An ISO code; empty: every market"
    )
    tone = serializers.CharField(required=False, help_text="formal or friendly")
    body = serializers.CharField(
        required=False,
        help_text="The text; {customer} {agent} {ticket} {subject} {company} are filled in",
    )
