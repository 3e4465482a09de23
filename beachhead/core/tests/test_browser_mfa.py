"""Browser test of two-factor sign-in: a finance user (a role that requires it) signs in with
the password, is sent to the setup page, scans nothing but reads the key, confirms with a code,
sees the recovery codes, signs out and signs in again with a code. In English, Simplified
Chinese and Japanese; the screens go to var/screenshots/, and with
``BEACHHEAD_DOCS_SCREENSHOTS=1`` also to docs/screenshots/security/*.png (1440×900, the first
screen, like the other documentation screenshots), which is how those were made.

The live server runs on the real clock, so codes are computed from the device's key for the
instant they are typed (django-otp accepts the step before and after: no boundary flakiness).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from beachhead.core.tests.browser import PASSWORD, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(django_settings.REPO_DIR) / "docs" / "screenshots" / "security"
LANGUAGES = ("en", "zh-hans", "ja")


def code_at(device: TOTPDevice, at: float) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at
    return f"{totp.token():0{device.digits}d}"


def doc_shot(page, name: str) -> None:
    if os.environ.get("BEACHHEAD_DOCS_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"{name}.png"))
    shoot(page, name)


@pytest.mark.parametrize("language", LANGUAGES)
def test_enrol_then_sign_in_with_a_code(live_server, browser, make_user, settings, language):
    settings.BEACHHEAD_MFA_REQUIRED = True
    user = make_user(
        "finance",
        ["JP", "DE"],
        username=f"fumi-{language}",
        first_name={"en": "Fumiko", "zh-hans": "文", "ja": "文子"}[language],
        last_name={"en": "Sato", "zh-hans": "李", "ja": "佐藤"}[language],
        language=language,
    )
    base = live_server.url
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # The password: the role requires an app, so the setup page opens before any other.
    page.goto(f"{base}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(f"{base}/security/mfa/setup/?next=%2F")
    assert page.locator(".mfa-qr svg").count() == 1
    assert page.locator("html").get_attribute("lang") == language
    doc_shot(page, f"mfa-setup-{language}")

    # A code from the app (computed from the key the page shows)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    shown = page.inner_text("#mfa-secret").replace(" ", "")
    import base64

    assert base64.b32encode(device.bin_key).decode().rstrip("=") == shown
    page.fill("#id_code", code_at(device, time.time()))
    page.click("#confirm-code")
    page.wait_for_url(f"{base}/security/mfa/codes/?next=%2F")
    assert page.locator("#recovery-codes li").count() == 10
    doc_shot(page, f"mfa-recovery-codes-{language}")
    page.click("#codes-saved")
    page.wait_for_url(f"{base}/")

    # Signed out, then in again: the password alone is not enough.
    context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(f"{base}/login/code/")
    assert page.locator("#id_code").get_attribute("autocomplete") == "one-time-code"
    doc_shot(page, f"mfa-code-{language}")
    page.fill("#id_code", "000000")
    page.click("#verify-code")
    assert page.locator("#mfa-error").is_visible()
    time.sleep(1.1)  # the wait after a wrong code (django-otp's throttle)
    device.refresh_from_db()
    # The code of the next 30-second step: the one used to confirm cannot be used again.
    page.fill("#id_code", code_at(device, time.time() + device.step))
    page.click("#verify-code")
    page.wait_for_url(f"{base}/")

    # The Security section of Preferences shows it on, and leads to the page that manages it.
    page.goto(f"{base}/preferences/")
    assert page.locator("#security-mfa .badge.bg-green-lt").count() == 1
    shoot(page, f"mfa-preferences-{language}")
    page.click("#security-mfa")
    page.wait_for_url(f"{base}/security/mfa/")
    assert page.inner_text("#codes-left").startswith(("10", "剩余 10", "残り 10"))
    doc_shot(page, f"mfa-manage-{language}")
    context.close()
    assert not errors, errors


def test_an_administrator_sets_the_policy_and_resets_a_colleague(live_server, browser, make_user):
    from beachhead.core import mfa
    from beachhead.core.tests.browser import signed_in_page

    colleague = make_user("finance", ["JP"], username="fumi", first_name="Fumiko")
    device = mfa.do_start_totp(colleague)
    mfa.do_confirm_totp(colleague, code_at(device, time.time()))
    make_user("admin", username="ada", first_name="Ada")
    base = live_server.url
    errors: list[str] = []
    context, page = signed_in_page(browser, base, "ada", "", errors)

    # The policy: the hub leads to it; support agents join the required roles.
    page.goto(f"{base}/settings/")
    page.click("[data-settings-page='security']")
    page.wait_for_url(f"{base}/settings/security/")
    assert page.is_checked("#role-finance")
    page.check("#role-support_agent")
    page.click("#save-policy")
    page.wait_for_url(f"{base}/settings/security/")
    assert page.is_checked("#role-support_agent")
    shoot(page, "mfa-settings-policy")
    assert "support_agent" in mfa.required_roles()

    # A colleague lost their phone: reset from their page.
    page.goto(f"{base}/settings/people/{colleague.pk}/")
    shoot(page, "mfa-settings-person")
    page.click("#reset-mfa")
    page.wait_for_url(f"{base}/settings/people/{colleague.pk}/")
    assert not mfa.has_mfa(colleague)
    context.close()
    assert not errors, errors
