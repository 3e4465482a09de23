"""Money across currencies (beachhead.core.money): dated rate tables, rounding, errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from beachhead.core import money
from beachhead.core.money import Money, check_currency, convert, format_money


def test_every_market_currency_has_a_rate(markets):
    known = set(money.currencies())
    assert {m.currency for m in markets.values()} <= known


def test_convert_rounds_to_the_target_currency():
    yen = convert(Money(Decimal("100.00"), "USD"), "JPY")
    assert yen.currency.code == "JPY"
    assert yen.amount == Decimal(15600)
    assert convert(yen, "USD").amount == Decimal("100.00")


def test_same_currency_is_unchanged():
    assert convert(Money(Decimal("12.34"), "EUR"), "EUR") == Money(Decimal("12.34"), "EUR")


def test_a_date_before_every_table_uses_the_oldest():
    early = convert(Money(100, "USD"), "EUR", on=date(2000, 1, 1))
    assert early == convert(Money(100, "USD"), "EUR")


def test_unknown_currency_is_a_clear_error():
    with pytest.raises(ValidationError) as info:
        check_currency("XYZ")
    assert "XYZ" in info.value.messages[0]
    assert check_currency(" jpy ") == "JPY"


def test_money_is_shown_with_its_currency_in_the_reader_s_language():
    with translation.override("en"):
        assert format_money(Money(1234567, "USD"), whole=True) == "$1,234,567"
        assert format_money(Money(1234567, "USD"), compact=True) == "$1.2M"
    with translation.override("ja"):
        assert "1,234,567" in format_money(Money(1234567, "JPY"))
