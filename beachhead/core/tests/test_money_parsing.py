"""Reading amounts people type (beachhead.core.money: parse_decimal, parse_money) and the money
column every model uses (money_field)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from beachhead.core.money import Money, currency_choices, money_field, parse_decimal, parse_money


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12.5", Decimal("12.5")), (" 1,234.50 ", Decimal("1234.50")), (7, Decimal(7))],
)
def test_parse_decimal_reads_what_people_type(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["abc", "", "NaN", "Infinity", None])
def test_parse_decimal_refuses_what_is_not_a_finite_number(text):
    with pytest.raises(ValidationError, match="is not a number"):
        parse_decimal(text)


def test_parse_decimal_keeps_to_its_bounds():
    assert parse_decimal("0.5", minimum=Decimal("0.5"), maximum=30) == Decimal("0.5")
    with pytest.raises(ValidationError) as low:
        parse_decimal("-1", minimum=Decimal(0))
    assert low.value.messages == ["At least 0."]
    with pytest.raises(ValidationError) as high:
        parse_decimal("31", maximum=30)
    assert high.value.messages == ["At most 30."]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"amount": "1000", "currency": "usd"}, Money(Decimal("1000.00"), "USD")),
        ({"amount": "1000"}, Money(Decimal("1000.00"), "JPY")),
        (("12.346", "EUR"), Money(Decimal("12.35"), "EUR")),
        ("250 KRW", Money(Decimal("250.00"), "KRW")),
        ("99.9", Money(Decimal("99.90"), "JPY")),
        (Money(Decimal(5), "GBP"), Money(Decimal("5.00"), "GBP")),
    ],
)
def test_parse_money_reads_every_shape_an_amount_comes_in(value, expected):
    money = parse_money(value, "JPY")
    assert money == expected
    assert str(money.currency) == str(expected.currency)


def test_parse_money_refuses_negative_amounts_unknown_currencies_and_missing_amounts():
    with pytest.raises(ValidationError, match="At least 0"):
        parse_money("-5", "USD")
    with pytest.raises(ValidationError) as currency:
        parse_money("5 XYZ", "USD")
    assert currency.value.code == "bad_currency"
    with pytest.raises(ValidationError, match="Give an amount and a currency"):
        parse_money({"currency": "USD"}, "USD")


def test_money_field_is_the_column_every_model_keeps_money_in():
    field = money_field("amount")
    assert (field.max_digits, field.decimal_places) == (19, 2)
    assert field.default == Money(Decimal(0), "USD")
    assert list(field.currency_choices) == currency_choices()
    assert money_field("fee", default_currency="EUR").default == Money(Decimal(0), "EUR")
