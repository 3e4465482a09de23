"""The lifetime-value model: the seeds' cases, compounding, the strategic bar, the motion, and
reasons in words (translated)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from beachhead.accounts.models import Account
from beachhead.accounts.services.ltv import (
    Motion,
    Verdict,
    is_strategic_value,
    qualify_deal,
    value_account,
)
from beachhead.core.money import Money

USD = "USD"


def company(**fields) -> Account:
    """An unsaved account: the model reads only its fields."""
    defaults = {
        "legal_name": "Example",
        "size": "unknown",
        "health": "unknown",
        "data_volume_tb": Decimal(0),
        "yearly_data_spend": Money(0, USD),
        "growth_rate": Decimal("0.1"),
        "expected_lifetime_years": Decimal(5),
        "expected_annual_spend": Money(0, USD),
    }
    return Account(**{**defaults, **fields})


def large_healthy_data_heavy() -> Account:
    return company(
        size="50000+",
        health="strong",
        data_volume_tb=Decimal(2000),
        yearly_data_spend=Money(5_000_000, USD),
        growth_rate=Decimal("0.35"),
        expected_lifetime_years=Decimal(10),
        expected_annual_spend=Money(100_000, USD),
    )


def unknown_small() -> Account:
    return company(
        size="1-49",
        health="unknown",
        data_volume_tb=Decimal(2),
        yearly_data_spend=Money(50_000, USD),
        growth_rate=Decimal("0.1"),
        expected_lifetime_years=Decimal(3),
    )


def codes(qualification) -> set[str]:
    return {r.code for r in qualification.reasons}


# --- The seeds -------------------------------------------------------------------------------


def test_a_100k_first_deal_from_a_large_healthy_data_heavy_company_qualifies():
    # when
    result = qualify_deal(large_healthy_data_heavy(), Money(100_000, USD))

    # then
    assert result.verdict == Verdict.TAKE
    assert not result.flagged
    assert {"healthy", "large", "data_heavy", "land_and_expand"} <= codes(result)
    assert not [r for r in result.reasons if r.sign == "minus"]


def test_a_500k_deal_from_an_unknown_small_company_is_flagged():
    # when
    result = qualify_deal(unknown_small(), Money(500_000, USD))

    # then
    assert result.flagged
    assert result.verdict == Verdict.DECLINE
    assert {"unknown_health", "small", "over_budget"} <= codes(result)
    over = next(r for r in result.reasons if r.code == "over_budget")
    assert "10.0×" in over.text  # the deal is ten times their yearly data spend


def test_the_same_company_is_judged_in_any_currency():
    # given: the large company's figures in yen, the deal too
    account = large_healthy_data_heavy()
    account.expected_annual_spend = Money(15_600_000, "JPY")
    account.yearly_data_spend = Money(780_000_000, "JPY")

    # when
    result = qualify_deal(account, Money(15_600_000, "JPY"))

    # then: about USD 100k, and the same verdict
    assert result.deal.currency.code == USD
    assert result.deal.amount == Decimal("100000.00")
    assert result.verdict == Verdict.TAKE


def test_real_lifetime_values_are_several_times_the_flat_guess():
    # given: a healthy customer growing 35 % a year for ten years
    account = large_healthy_data_heavy()

    # when
    valuation = value_account(account)

    # then: compounding makes it 3–5× first year × lifetime
    assert 3 <= valuation.multiple <= 5
    assert valuation.naive_ltv == Money(1_000_000, USD)
    assert valuation.yearly[1].amount > valuation.yearly[0].amount  # it grows
    assert sum(m.amount for m in valuation.yearly) == pytest.approx(valuation.ltv.amount, abs=1)


def test_growth_stops_at_a_share_of_the_data_wallet():
    # given: fast growth, a small data budget
    account = company(
        health="strong",
        growth_rate=Decimal("1.0"),
        expected_lifetime_years=Decimal(6),
        expected_annual_spend=Money(100_000, USD),
        yearly_data_spend=Money(500_000, USD),
    )

    # when
    valuation = value_account(account)

    # then: never more than 30 % of 500k a year
    assert max(m.amount for m in valuation.yearly) <= Decimal(150_000)
    assert "wallet_ceiling" in {r.code for r in valuation.reasons}


def test_a_partial_last_year_counts_pro_rata():
    account = company(
        health="strong", growth_rate=Decimal(0), expected_lifetime_years=Decimal("1.5"),
        expected_annual_spend=Money(100_000, USD),
    )  # fmt: skip
    valuation = value_account(account)
    assert [m.amount for m in valuation.yearly] == [Decimal(100_000), Decimal("47500.00")]


@pytest.mark.parametrize(
    ("spend", "lifetime", "strategic"),
    [(900_000, 5, True), (400_000, 5, False)],
)
def test_strategic_means_worth_the_bar_a_year(spend, lifetime, strategic):
    account = company(
        health="strong", growth_rate=Decimal("0.2"), expected_lifetime_years=Decimal(lifetime),
        expected_annual_spend=Money(spend, USD), yearly_data_spend=Money(10_000_000, USD),
    )  # fmt: skip
    valuation = value_account(account)
    assert valuation.strategic is strategic
    assert is_strategic_value(valuation.annual_value) is strategic


def test_the_strategic_bar_is_a_setting(settings):
    settings.BEACHHEAD_STRATEGIC_ANNUAL_USD = 100_000
    assert is_strategic_value(Money(150_000, USD))
    assert value_account(large_healthy_data_heavy()).strategic


@pytest.mark.parametrize(
    ("spend", "lifetime", "motion"),
    [
        (200_000, 6, Motion.SALES_LED),
        (20_000, 6, Motion.PRODUCT_LED),
        (400_000, 2, Motion.PRODUCT_LED),
    ],
)
def test_long_large_lifetime_values_are_sales_led(spend, lifetime, motion):
    account = company(
        health="fair",
        expected_lifetime_years=Decimal(lifetime),
        expected_annual_spend=Money(spend, USD),
    )
    assert value_account(account).motion == motion


def test_potential_is_a_score_out_of_100():
    big = value_account(large_healthy_data_heavy()).potential_score
    small = value_account(unknown_small()).potential_score
    assert 0 <= small < big <= 100


def test_reasons_are_written_in_the_reader_s_language():
    # when
    with translation.override("ja"):
        japanese = qualify_deal(unknown_small(), Money(500_000, USD))
    with translation.override("en"):
        english = qualify_deal(unknown_small(), Money(500_000, USD))

    # then: the same reasons, in other words
    assert [r.code for r in japanese.reasons] == [r.code for r in english.reasons]
    assert all(r.text for r in japanese.reasons)
    assert japanese.reasons[0].text != english.reasons[0].text
    assert "We know nothing" in english.reasons[0].text


def test_no_floats_in_money():
    valuation = value_account(large_healthy_data_heavy())
    for money in (valuation.ltv, valuation.annual_value, *valuation.yearly):
        assert isinstance(money.amount, Decimal)
        assert money.amount == money.amount.quantize(Decimal("0.01"))
