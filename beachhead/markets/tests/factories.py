"""Factories of markets for tests that need more markets than the playbooks ship."""

from __future__ import annotations

import string

import factory

from beachhead.markets.models import Market

# Two-letter codes no playbook uses ("Q" is a user-assigned ISO 3166 range).
_CODES = [f"Q{letter}" for letter in string.ascii_uppercase] + [
    f"X{letter}" for letter in string.ascii_uppercase
]


class MarketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Market
        django_get_or_create = ("code",)

    code = factory.Iterator(_CODES)
    name_en = factory.LazyAttribute(lambda m: f"Test market {m.code}")
    name_zh_hans = factory.LazyAttribute(lambda m: f"测试市场 {m.code}")
    name_ja = factory.LazyAttribute(lambda m: f"テスト市場 {m.code}")
    countries = factory.LazyAttribute(lambda m: [m.code])
    currency = "EUR"
    timezones = factory.LazyFunction(lambda: ["Europe/Berlin"])
    languages = factory.LazyFunction(lambda: ["de"])
    data_residency = "eu"
    holiday_country = "DE"
    weekly_hours = factory.LazyFunction(
        lambda: {
            **{day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
            "sat": [],
            "sun": [],
        }
    )
    support_channels = factory.LazyFunction(lambda: ["email", "phone"])
    tone = factory.LazyFunction(lambda: {"en": "Be precise."})
    payment_methods = factory.LazyFunction(lambda: [{"code": "card", "timing": "prepay"}])
    contract_practice = factory.LazyFunction(lambda: {"en": "Contracts are kept."})
    compliance = factory.LazyFunction(lambda: {"all": ["gdpr"]})
