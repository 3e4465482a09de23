"""Password rules: length and common passwords, the deployment's own words, no composition."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize("password", ["Beachhead2026!", "my-beach_head-pass", "ACME corp rocks 1"])
def test_a_password_built_on_the_services_or_companys_name_is_refused(settings, password):
    settings.BEACHHEAD_COMPANY_NAME = "Acme Corp"
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert "name of this service or company" in " ".join(caught.value.messages)


def test_a_long_password_of_digits_only_is_accepted():
    """ASVS 6.2.5: no composition rule; Django's numeric-only validator is not installed."""
    validate_password("7301946258103749")


@pytest.mark.parametrize("password", ["short1!", "password123"])
def test_short_and_common_passwords_are_still_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)
