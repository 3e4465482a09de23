"""API shapes of markets: the playbook document (read and PATCH) and calendar answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from beachhead.markets import services
from beachhead.markets.models import Market


@extend_schema_field(
    {
        "type": "object",
        "properties": {language: {"type": "string"} for language in ("en", "zh-hans", "ja")},
        "additionalProperties": False,
    }
)
class LocalisedField(serializers.DictField):
    """Text by language: the keys en, zh-hans and ja only."""


def _localised(help_text: str, **kwargs: Any) -> serializers.DictField:
    return LocalisedField(
        child=serializers.CharField(allow_blank=True),
        help_text=help_text + " " + "Keys: en, zh-hans, ja.",
        **kwargs,
    )


class HolidayCalendarSerializer(serializers.Serializer):
    country = serializers.CharField(help_text="Country whose public holidays apply, e.g. JP.")
    subdiv = serializers.CharField(
        allow_null=True,
        allow_blank=True,
        required=False,
        help_text="Subdivision (state, province) or null for national holidays only.",
    )


class PaymentMethodSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Payment method code, e.g. konbini.")
    timing = serializers.CharField(help_text="When the money moves, e.g. authorise_capture.")
    note = _localised("Practical detail in each interface language.", required=False)


class MarketStatusSerializer(serializers.Serializer):
    local_time = serializers.DateTimeField(help_text="Now, in the market's time zone.")
    utc_offset = serializers.CharField(help_text="e.g. +09:00")
    open = serializers.BooleanField(help_text="Within the market's working hours now.")
    next_open = serializers.DateTimeField(allow_null=True, help_text="When closed: next opening.")
    closes_at = serializers.DateTimeField(allow_null=True, help_text="When open: closing time.")
    holiday = serializers.CharField(allow_blank=True, help_text="Today's public holiday, if any.")


#: API field → the model fields it writes.
WRITABLE = {
    "name": ("name_en", "name_zh_hans", "name_ja"),
    "currency": ("currency",),
    "timezones": ("timezones",),
    "languages": ("languages",),
    "weekly_hours": ("weekly_hours",),
    "hours_note": ("hours_note",),
    "holidays": ("holiday_country", "holiday_subdiv"),
    "holiday_categories": ("holiday_categories",),
    "support_channels": ("support_channels",),
    "tone": ("tone",),
    "payment_methods": ("payment_methods",),
    "contract_practice": ("contract_practice",),
    "compliance": ("compliance",),
    "data_residency": ("data_residency",),
    "data_residency_by_industry": ("data_residency_by_industry",),
    "data_residency_note": ("data_residency_note",),
}
#: Model field → the API field to blame in an error.
API_FIELD = {model: api for api, models in WRITABLE.items() for model in models}


class MarketSerializer(serializers.Serializer):
    """A market's playbook, as ``beachhead markets show --json`` prints it, plus its status.

    PATCH any of the writable fields; each field changed is marked as edited locally, so the
    next ``markets sync`` keeps it.
    """

    # A PATCH naming a field that is not writable is refused: the schema says so.
    refuses_unknown_fields = True

    code = serializers.CharField(read_only=True)
    name = _localised("The market's name.")
    countries = serializers.ListField(child=serializers.CharField(), read_only=True)
    currency = serializers.CharField(help_text="ISO 4217 code used to invoice, e.g. JPY.")
    timezone = serializers.CharField(read_only=True, help_text="The first of `timezones`.")
    timezones = serializers.ListField(child=serializers.CharField(), help_text="IANA names.")
    languages = serializers.ListField(child=serializers.CharField(), help_text="BCP 47 tags.")
    weekly_hours = serializers.DictField(
        child=serializers.ListField(child=serializers.ListField(child=serializers.CharField())),
        help_text='Local working hours: {"mon": [["09:00", "18:00"]], …, "sun": []}.',
    )
    hours_note = _localised("What the weekly hours cannot express.", required=False)
    holidays = HolidayCalendarSerializer()
    holiday_categories = serializers.ListField(
        child=serializers.CharField(),
        help_text='Categories of the holidays library, "public" first, e.g. ["public", "bank"].',
    )
    support_channels = serializers.ListField(
        child=serializers.CharField(), help_text="Channels customers expect, most preferred first."
    )
    tone = _localised("How to write replies there.")
    payment_methods = PaymentMethodSerializer(many=True)
    contract_practice = _localised("How contracts behave there.")
    compliance = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Proofs buyers demand by industry; "all" applies to every industry.',
    )
    data_residency = serializers.CharField(help_text="Region label, e.g. jp, eu, any.")
    data_residency_by_industry = serializers.DictField(child=serializers.CharField())
    data_residency_note = _localised("Why data resides there.", required=False)
    edited_fields = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Fields changed locally; a sync from the files leaves them alone.",
    )
    status = MarketStatusSerializer(read_only=True)
    # What a person reads, in the request's language (Accept-Language or the user's setting).
    name_label = serializers.CharField(read_only=True, help_text="The name in your language.")
    timezone_label = serializers.CharField(
        read_only=True, help_text="The city of `timezone`, e.g. Tokyo, 東京."
    )
    languages_label = serializers.CharField(
        read_only=True, help_text="The languages, named in yours: Japanese, English."
    )
    holidays_label = serializers.CharField(
        read_only=True,
        help_text="The holiday calendar: Japan national holidays + bank holidays (Dec 31 – Jan 3).",
    )
    synced_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance: Market) -> dict[str, Any]:
        data = services.market_document(instance)
        status = services.market_status(instance)
        data["status"] = {
            "local_time": status.local_time.isoformat(),
            "utc_offset": status.utc_offset,
            "open": status.is_open,
            "next_open": status.next_open.isoformat() if status.next_open else None,
            "closes_at": status.closes_at.isoformat() if status.closes_at else None,
            "holiday": status.holiday,
        }
        data.update(services.market_labels(instance))
        data["synced_at"] = instance.synced_at.isoformat() if instance.synced_at else None
        data["updated_at"] = instance.updated_at.isoformat()
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(WRITABLE))
        if unknown:
            raise serializers.ValidationError(
                {
                    name: [_("This field cannot be changed here.")]
                    if name in self.fields
                    else [_("Unknown field.")]
                    for name in unknown
                }
            )
        return attrs

    def model_changes(self) -> dict[str, Any]:
        """The validated PATCH body as changes to model fields (for ``do_edit_market``)."""
        changes: dict[str, Any] = {}
        for name, value in self.validated_data.items():
            if name == "name":
                for language, field in (
                    ("en", "name_en"),
                    ("zh-hans", "name_zh_hans"),
                    ("ja", "name_ja"),
                ):
                    if language in value:
                        changes[field] = value[language]
                unknown = set(value) - {"en", "zh-hans", "ja"}
                if unknown:
                    raise serializers.ValidationError(
                        {"name": [_("Use the keys en, zh-hans and ja.")]}
                    )
            elif name == "holidays":
                changes["holiday_country"] = value["country"]
                changes["holiday_subdiv"] = value.get("subdiv") or ""
            elif name == "payment_methods":
                changes[name] = [dict(method) for method in value]
            else:
                changes[WRITABLE[name][0]] = value
        return changes


class DueQuerySerializer(serializers.Serializer):
    start = serializers.CharField(
        help_text="ISO 8601 instant; without an offset it is read in the market's time zone."
    )
    minutes = serializers.IntegerField(
        min_value=0, max_value=services.MAX_MINUTES, help_text="Working minutes to add."
    )
    calendar = serializers.ChoiceField(
        choices=services.CALENDAR_CHOICES,
        default="business",
        help_text="business: the market's hours and holidays; 24x7: always open.",
    )


# The fields a calendar answer starts with (a comment: a docstring would reach the schema).
class _FromStartSerializer(serializers.Serializer):
    market = serializers.CharField()
    start = serializers.DateTimeField()


class DueSerializer(_FromStartSerializer):
    minutes = serializers.IntegerField()
    calendar = serializers.CharField()
    due = serializers.DateTimeField(help_text="With the market's UTC offset.")
    due_utc = serializers.DateTimeField()


class ElapsedQuerySerializer(serializers.Serializer):
    start = serializers.CharField(help_text="ISO 8601 instant (market time zone if no offset).")
    end = serializers.CharField(help_text="ISO 8601 instant (market time zone if no offset).")
    calendar = serializers.ChoiceField(choices=services.CALENDAR_CHOICES, default="business")


class ElapsedSerializer(_FromStartSerializer):
    end = serializers.DateTimeField()
    calendar = serializers.CharField()
    minutes = serializers.IntegerField(help_text="Whole working minutes in [start, end).")


class HolidaysQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=1900, max_value=2200, required=False, help_text="Default: this year."
    )
    language = serializers.ChoiceField(
        choices=list(services.HOLIDAY_LANGUAGES),
        required=False,
        help_text="Language of the names where the holidays library has it (default: yours).",
    )


class HolidaySerializer(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField()


class HolidaysSerializer(serializers.Serializer):
    market = serializers.CharField()
    year = serializers.IntegerField()
    language = serializers.CharField()
    holidays = HolidaySerializer(many=True)
