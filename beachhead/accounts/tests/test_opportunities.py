"""Deals: stages move the account along its lifecycle; closing stamps the time."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from beachhead.accounts.models import Stage
from beachhead.accounts.services import opportunities as services
from beachhead.core.money import Money


def test_stages_are_seeded_in_order(db):
    assert list(Stage.objects.order_by("order").values_list("key", flat=True)) == [
        "qualification", "discovery", "pilot", "proposal", "negotiation", "won", "lost",
    ]  # fmt: skip
    assert Stage.objects.get(key="won").is_won
    assert Stage.objects.get(key="lost").is_lost


def test_a_deal_moves_its_account_forward_never_back(make_account, ae):
    # given: a target
    account = make_account(owner=ae, lifecycle="target")

    # when: a deal opens, enters pilot, is won, then someone moves it back
    deal = services.do_create_opportunity(account, ae, name="Pilot", amount=Money(1000, "JPY"))
    account.refresh_from_db()
    assert account.lifecycle == "prospect"
    services.do_update_opportunity(deal, ae, {"stage": "pilot"})
    account.refresh_from_db()
    assert account.lifecycle == "pilot"
    services.do_update_opportunity(deal, ae, {"stage": "won"})
    account.refresh_from_db()
    deal.refresh_from_db()
    assert account.lifecycle == "customer"
    assert deal.closed_at is not None
    services.do_update_opportunity(deal, ae, {"stage": "discovery"})

    # then
    account.refresh_from_db()
    deal.refresh_from_db()
    assert account.lifecycle == "customer"
    assert deal.closed_at is None


def test_amount_in_the_market_s_currency_unless_given(make_account, ae):
    account = make_account(owner=ae)
    deal = services.do_create_opportunity(account, ae, name="A", amount="1500000")
    assert deal.amount == Money(Decimal(1_500_000), "JPY")
    deal = services.do_create_opportunity(
        account, ae, name="B", amount={"amount": "10", "currency": "eur"}
    )
    assert deal.amount == Money(Decimal(10), "EUR")


def test_bad_deal_input(make_account, ae, berlin):
    account = make_account(owner=ae)
    with pytest.raises(ValidationError) as info:
        services.do_create_opportunity(
            account, ae, name="", stage="dreaming", amount="-5", close_date="soon"
        )
    assert set(info.value.message_dict) == {"name", "stage", "amount", "close_date"}
    with pytest.raises(ValidationError) as info:
        services.do_create_opportunity(account, ae, name="x", owner=berlin.pk)
    assert "owner" in info.value.message_dict  # Jonas does not work in Japan
