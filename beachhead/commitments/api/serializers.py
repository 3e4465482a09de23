from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from beachhead.commitments import kinds
from beachhead.commitments.lists import HEALTH_CHOICES
from beachhead.commitments.models import Commitment, CommitmentEvent
from beachhead.markets.services import calendar_label


class CommitmentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitmentEvent
        fields = ["kind", "at", "actor", "data"]
        read_only_fields = fields


class CommitmentSerializer(serializers.ModelSerializer):
    market = serializers.CharField(
        source="market.code", read_only=True, allow_null=True, default=None
    )
    health = serializers.SerializerMethodField()
    owner_name = serializers.CharField(
        source="owner.display_name",
        read_only=True,
        default=None,
        help_text="The owner's full name (``owner`` is their id).",
    )
    # What a person reads, in the request's language, beside the codes above.
    market_label = serializers.CharField(
        source="market.name", read_only=True, allow_null=True, default=None
    )
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    health_label = serializers.SerializerMethodField()
    calendar_label = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = [
            "id", "kind", "title", "state", "health", "market", "owner", "owner_name", "team", "calendar",
            "started_at", "target_seconds", "due_at", "warn_at", "escalate_at", "paused_at",
            "broken_at", "resolved_at", "subject_label", "customer_label", "created_at",
            "market_label", "state_label", "health_label", "calendar_label",
        ]  # fmt: skip
        read_only_fields = fields

    def get_health(self, obj) -> str:
        return obj.health(timezone.now())

    def get_health_label(self, obj) -> str:
        health = obj.health(timezone.now())
        return str(dict(HEALTH_CHOICES).get(health, health))

    def get_calendar_label(self, obj) -> str:
        return calendar_label(obj.calendar)


class CommitmentDetailSerializer(CommitmentSerializer):
    events = CommitmentEventSerializer(many=True, read_only=True)

    class Meta(CommitmentSerializer.Meta):
        fields = [*CommitmentSerializer.Meta.fields, "events"]
        read_only_fields = fields


class CommitmentCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[])
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    market = serializers.CharField(
        max_length=2,
        required=False,
        help_text="ISO code of the customer's market; default: the chosen customer's.",
    )
    calendar = serializers.CharField(
        max_length=120,
        required=False,
        help_text="“business” (the market's hours, default), “24x7”, or “coverage:JP,DE,US”.",
    )
    minutes = serializers.IntegerField(min_value=1, max_value=5_256_000)
    start = serializers.DateTimeField(required=False)
    owner = serializers.IntegerField(required=False, help_text="User id; default: you.")
    customer = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="The customer account, as offered by GET /api/v1/commitments/customers/: "
        "“account:12”. Sets customer and customer_label (the account's 360 page counts it).",
    )
    subject = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="What the promise is about, a contact or ticket of that account: “ticket:42”, "
        "“contact:7”. Sets subject and subject_label.",
    )
    customer_label = serializers.CharField(max_length=200, required=False, allow_blank=True)
    subject_label = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [code for code, _label in kinds.choices()]

    def validate_minutes(self, value):
        return timedelta(minutes=value)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CustomerOptionSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="What to post as customer or subject: “account:12”.")
    name = serializers.CharField(source="label", help_text="What the record is called.")
    detail = serializers.CharField()
    market = serializers.CharField()
