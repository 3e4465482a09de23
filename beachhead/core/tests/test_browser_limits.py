"""Browser check of the rate-limit refusals: the spraying lockout on the login page and the
password reset's "try again later", in three languages (screenshots under var/screenshots/)."""

from __future__ import annotations

import pytest

from beachhead.core import login_guard
from beachhead.core.tests.browser import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"en": "en-US", "zh-hans": "zh-CN", "ja": "ja-JP"}
LOCKED_TITLE = {
    "en": "Too many sign-in attempts from your network",
    "zh-hans": "来自您所在网络的登录尝试过多",
    "ja": "お使いのネットワークからのログイン試行が多すぎます",
}
RESET_TITLE = {"en": "Please try again later", "zh-hans": "请稍后再试", "ja": "しばらくしてから"}


def test_the_refusals_read_well_in_three_languages(live_server, browser, make_user, settings):
    make_user("support_agent", ["JP"], username="aoi", email="aoi@example.com")
    settings.BEACHHEAD_PASSWORD_RESET_RATE_IP = "0/15m"  # every reset from here is over
    for i in range(10):  # ten usernames failed from the browser's address: it is locked
        login_guard.record_failure("127.0.0.1", f"sprayed{i}")
    errors: list[str] = []
    for language, locale in LOCALES.items():
        context = browser.new_context(
            viewport={"width": 1280, "height": 800},
            locale=locale,
            extra_http_headers={"Accept-Language": language},
        )
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "aoi")
        page.fill("#id_password", "A-long-test-passphrase-42")
        page.click("#sign-in")
        page.wait_for_load_state("networkidle")
        assert LOCKED_TITLE[language] in page.content()
        shoot(page, f"limits-login-spraying-{language}")

        page.goto(f"{live_server.url}/password/reset/")
        page.fill("#id_email", "aoi@example.com")
        page.click("form:has(#id_email) button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert RESET_TITLE[language] in page.content()
        shoot(page, f"limits-password-reset-{language}")
        context.close()
    assert errors == []
