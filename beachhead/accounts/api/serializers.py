"""Serializers of the accounts API. Reading is declarative; writing only shapes the input for
the services, which validate it (their errors come back as JSON 400 by field)."""

from __future__ import annotations

from rest_framework import serializers

from beachhead.accounts import models
from beachhead.accounts.services.contacts import format_phone
from beachhead.accounts.services.deployments import deep_user_threshold
from beachhead.accounts.services.ltv import Motion, Verdict, is_strategic_value
from beachhead.core.api.fields import MoneyField


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    sign = serializers.ChoiceField(choices=["plus", "minus", "info"])


class ValuationSerializer(serializers.Serializer):
    """The lifetime-value model's outputs for one account."""

    first_year = MoneyField()
    ltv = MoneyField()
    annual_value = MoneyField()
    naive_ltv = MoneyField(help_text="First year × lifetime: the flat estimate.")
    multiple = serializers.DecimalField(max_digits=8, decimal_places=2)
    yearly = serializers.ListField(child=MoneyField())
    retention = serializers.DecimalField(max_digits=4, decimal_places=2)
    potential_score = serializers.IntegerField(min_value=0, max_value=100)
    motion = serializers.ChoiceField(choices=[c for c, _l in Motion.choices])
    strategic = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)


class QualificationSerializer(serializers.Serializer):
    """Take, consider or decline a deal, with the reasons in words."""

    verdict = serializers.ChoiceField(choices=[c for c, _l in Verdict.choices])
    verdict_label = serializers.CharField()
    deal = MoneyField(help_text="The deal in the reporting currency.")
    ltv = MoneyField(source="valuation.ltv")
    reasons = ReasonSerializer(many=True)


class LtvSerializer(serializers.Serializer):
    account = serializers.IntegerField()
    valuation = ValuationSerializer()
    deep_user = serializers.BooleanField()
    qualification = QualificationSerializer(
        allow_null=True, help_text="With ?amount=&currency=: that deal, qualified."
    )


# --- Accounts --------------------------------------------------------------------------------


class AccountSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="The display name, else the legal name.")
    market = serializers.CharField(source="market.code", read_only=True, help_text="ISO code")
    country = serializers.SerializerMethodField()
    expected_annual_spend = MoneyField(read_only=True)
    yearly_data_spend = MoneyField(read_only=True)
    annual_value = MoneyField(read_only=True)
    ltv = MoneyField(read_only=True)
    strategic = serializers.SerializerMethodField()
    deep_user = serializers.SerializerMethodField()

    class Meta:
        model = models.Account
        fields = [
            "id", "name", "legal_name", "display_name", "latin_name", "market", "country",
            "industry", "size", "website", "tier", "lifecycle", "named", "owner", "csm",
            "data_residency", "health", "expected_annual_spend", "data_volume_tb",
            "yearly_data_spend", "growth_rate", "expected_lifetime_years", "annual_value", "ltv",
            "potential_score", "production_nodes", "strategic", "deep_user", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_country(self, obj) -> str:
        return str(obj.country or "")

    def get_strategic(self, obj) -> bool:
        return is_strategic_value(obj.annual_value)

    def get_deep_user(self, obj) -> bool:
        return obj.production_nodes >= deep_user_threshold()


class AccountWriteSerializer(serializers.Serializer):
    """What a client may set. ``name`` is the legal name (``legal_name`` also works)."""

    name = serializers.CharField(max_length=200, required=False)
    legal_name = serializers.CharField(max_length=200, required=False)
    display_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    latin_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    market = serializers.CharField(max_length=10, required=False, help_text="ISO code, e.g. JP")
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    industry = serializers.ChoiceField(choices=models.Industry.choices, required=False)
    size = serializers.ChoiceField(choices=models.Size.choices, required=False)
    website = serializers.CharField(max_length=200, required=False, allow_blank=True)
    tier = serializers.ChoiceField(choices=models.Tier.choices, required=False)
    lifecycle = serializers.ChoiceField(choices=models.Lifecycle.choices, required=False)
    health = serializers.ChoiceField(choices=models.Health.choices, required=False)
    named = serializers.BooleanField(required=False)
    owner = serializers.IntegerField(required=False, allow_null=True, help_text="A user id")
    csm = serializers.IntegerField(required=False, allow_null=True, help_text="A user id")
    data_residency = serializers.CharField(max_length=8, required=False, allow_blank=True)
    expected_annual_spend = MoneyField(required=False)
    data_volume_tb = serializers.DecimalField(max_digits=12, decimal_places=1, required=False)
    yearly_data_spend = MoneyField(required=False)
    growth_rate = serializers.DecimalField(max_digits=5, decimal_places=3, required=False)
    expected_lifetime_years = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False
    )

    def changes(self) -> dict:
        data = dict(self.validated_data)
        name = data.pop("name", None)
        if name is not None and "legal_name" not in data:
            data["legal_name"] = name
        return data


# --- Contacts --------------------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(read_only=True, help_text="E.164, e.g. +81312345678")
    phone_national = serializers.SerializerMethodField()
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=models.ContactRole.choices), read_only=True
    )

    class Meta:
        model = models.Contact
        fields = [
            "id", "account", "full_name", "latin_name", "job_title", "email", "phone",
            "phone_national", "language", "timezone", "roles", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_phone_national(self, obj) -> str:
        return format_phone(obj.phone)


class ContactWriteSerializer(serializers.Serializer):
    account = serializers.IntegerField(required=False, help_text="Only when creating.")
    full_name = serializers.CharField(max_length=200, required=False)
    latin_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    job_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Read in the account's country"
    )
    language = serializers.CharField(max_length=16, required=False, allow_blank=True)
    timezone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    roles = serializers.ListField(child=serializers.CharField(), required=False)


# --- Deals -----------------------------------------------------------------------------------


class StageSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # a field, not Field.label

    class Meta:
        model = models.Stage
        fields = [
            "id",
            "key",
            "name",
            "names",
            "label",
            "order",
            "probability",
            "is_won",
            "is_lost",
            "is_active",
        ]
        read_only_fields = fields


class StageWriteSerializer(serializers.Serializer):
    """What an administrator sets on a stage (its place: ``POST /stages/reorder/``)."""

    name = serializers.CharField(max_length=80)
    names = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text='Variants by language: {"zh-hans": "…", "ja": "…"}',
    )
    probability = serializers.IntegerField(min_value=0, max_value=100, required=False)
    outcome = serializers.ChoiceField(choices=["open", "won", "lost"], required=False)


class StageOrderSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Every stage's id, in the new order"
    )


class OpportunitySerializer(serializers.ModelSerializer):
    market = serializers.CharField(source="account.market.code", read_only=True)
    stage = serializers.CharField(source="stage.key", read_only=True)
    stage_label = serializers.CharField(source="stage.label", read_only=True)
    probability = serializers.IntegerField(source="stage.probability", read_only=True)
    amount = MoneyField(read_only=True)

    class Meta:
        model = models.Opportunity
        fields = [
            "id", "account", "market", "name", "stage", "stage_label", "probability", "amount",
            "close_date", "owner", "closed_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class RequirementSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    held = serializers.BooleanField()
    scope = serializers.CharField(help_text="“all”, or the industry that adds it")


class OpportunityDetailSerializer(OpportunitySerializer):
    qualification = QualificationSerializer(read_only=True)
    compliance_gaps = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Codes the market asks of the industry that the company does not hold.",
    )
    compliance = RequirementSerializer(many=True, read_only=True)

    class Meta(OpportunitySerializer.Meta):
        fields = [
            *OpportunitySerializer.Meta.fields,
            "qualification",
            "compliance_gaps",
            "compliance",
        ]
        read_only_fields = fields


class OpportunityWriteSerializer(serializers.Serializer):
    account = serializers.IntegerField(required=False, help_text="Only when creating.")
    name = serializers.CharField(max_length=200, required=False)
    stage = serializers.CharField(max_length=40, required=False, help_text="A stage key")
    amount = MoneyField(required=False)
    close_date = serializers.CharField(required=False, allow_null=True, help_text="YYYY-MM-DD")
    owner = serializers.IntegerField(required=False, allow_null=True)


# --- Deployments -----------------------------------------------------------------------------


class DeploymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Deployment
        fields = [
            "id", "account", "product", "version", "node_count", "cloud_region", "environment",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class DeploymentWriteSerializer(serializers.Serializer):
    account = serializers.IntegerField(required=False, help_text="Only when creating.")
    product = serializers.CharField(max_length=80, required=False)
    version = serializers.CharField(max_length=40, required=False)
    node_count = serializers.IntegerField(min_value=0, required=False)
    cloud_region = serializers.CharField(max_length=80, required=False, allow_blank=True)
    environment = serializers.ChoiceField(choices=models.Environment.choices, required=False)
