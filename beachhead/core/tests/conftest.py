"""Fixtures of the core tests only (the shared ones are in beachhead/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default hasher costs ~0.5 s a password on purpose; the access matrix creates a dozen
    # people per test. The hasher is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
