"""Fixtures of the markets tests: people with roles and markets with known hours (the API
clients come from the project's conftest)."""

from __future__ import annotations

import itertools

import pytest

PASSWORD = "x-Very-long-pass-1"
STANDARD_WEEK = {
    **{day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [],
    "sun": [],
}
_numbers = itertools.count(1)


@pytest.fixture
def make_user(db, settings):
    """``make_user(role, markets=[...], language="en")`` → a saved user."""
    from beachhead.core.services import do_create_user

    # Hashing a password properly takes most of a second; these tests never log in with one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    def make(role: str = "admin", markets: list[str] | None = None, language: str = "en"):
        user, _password = do_create_user(
            username=f"{role}-{next(_numbers)}",
            role=role,
            markets=markets or [],
            password=PASSWORD,
            language=language,
            validate=False,
        )
        return user

    return make


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def jp(db):
    """Japan as its playbook ships it (09:00–18:00 Monday to Friday), whatever a test did."""
    from beachhead.markets.models import Market

    market = Market.objects.get(code="JP")
    if market.weekly_hours != STANDARD_WEEK:
        market.weekly_hours = STANDARD_WEEK
        market.save()
    return market
