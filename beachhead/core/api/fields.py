"""Serializer fields every pillar's API shares."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class MoneySerializer(serializers.Serializer):
    """An amount with its currency: ``{"amount": "100000.00", "currency": "USD"}``."""

    amount = serializers.DecimalField(max_digits=19, decimal_places=2)
    currency = serializers.CharField(min_length=3, max_length=3)


@extend_schema_field(MoneySerializer)
class MoneyField(serializers.Field):
    """Money out as ``{"amount": "…", "currency": "…"}``; in as that object, or a number (in
    the market's currency). The services check the currency."""

    def to_representation(self, value: Any) -> dict[str, str]:
        return {"amount": f"{Decimal(value.amount):.2f}", "currency": str(value.currency)}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict | str | int | float | Decimal):
            return data
        raise serializers.ValidationError('Give {"amount": "1000", "currency": "USD"} or a number.')
