"""Fixtures of the accounts tests: people in Japan and Germany, and accounts made through the
services (the shared ones — make_user, api, markets — are in beachhead/conftest.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from beachhead.core.money import Money


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing properly costs most of a second a user; these tests are not about passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin(make_user):
    return make_user("admin", username="boss")


@pytest.fixture
def ae(make_user, markets):
    """An account executive in Japan."""
    return make_user("account_executive", ["JP"], username="ren")


@pytest.fixture
def ae2(make_user, markets):
    """Another account executive in Japan."""
    return make_user("account_executive", ["JP"], username="aoi")


@pytest.fixture
def manager(make_user, markets):
    """The regional manager of Japan and Korea."""
    return make_user("regional_manager", ["JP", "KR"], username="haruka")


@pytest.fixture
def berlin(make_user, markets):
    return make_user("account_executive", ["DE"], username="jonas")


@pytest.fixture
def make_account(admin, markets):
    """make_account(owner=ae, market="JP", **fields) → an account made by an admin."""
    from beachhead.accounts.services.accounts import do_create_account

    def make(owner=None, market: str = "JP", **fields):
        fields.setdefault("legal_name", "株式会社テスト")
        fields.setdefault("industry", "gaming")
        return do_create_account(admin, market=market, owner=owner, **fields)

    return make


@pytest.fixture
def sony(make_account, ae):
    """A large, healthy, data-heavy Japanese company owned by ``ae``."""
    return make_account(
        owner=ae,
        legal_name="ソニーグループ株式会社",
        display_name="ソニー",
        latin_name="Sony Group",
        industry="technology",
        size="50000+",
        tier="strategic",
        lifecycle="customer",
        health="strong",
        data_volume_tb=Decimal(2000),
        yearly_data_spend=Money(Decimal(5_000_000), "USD"),
        growth_rate=Decimal("0.35"),
        expected_lifetime_years=Decimal(10),
        expected_annual_spend=Money(Decimal(100_000), "USD"),
    )
