"""Browser test of Preferences → Security: the sessions page (three devices, this one marked,
one signed out) and the API tokens page (a token made, shown once, copied), in English,
Chinese and Japanese. Screenshots go to var/screenshots/ and, for the docs, to
docs/screenshots/security/ (1440×900, the first screen)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from beachhead.core import tokens
from beachhead.core.models import ApiToken, UserSession
from beachhead.core.tests.browser import PASSWORD, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(django_settings.REPO_DIR) / "docs" / "screenshots" / "security"
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
LANGUAGES = ("en", "zh-hans", "ja")


def _sign_in(browser, base: str, agent: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, user_agent=agent)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", "mina")
    page.fill("#id_password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(f"{base}/")
    return context, page


def _docs_shot(page, name: str) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / f"{name}.png"))


def test_sessions_and_tokens_pages_in_three_languages(live_server, browser, make_user):
    base = live_server.url
    make_user("admin", username="mina", first_name="Mina", last_name="Sato")
    errors: list[str] = []
    now = timezone.now()

    # given: signed in on a Mac (this browser), an iPhone and a Windows PC
    mac_context, mac = _sign_in(browser, base, CHROME_MAC)
    mac.on("pageerror", lambda exc: errors.append(str(exc)))
    phone_context, phone = _sign_in(browser, base, SAFARI_IPHONE)
    pc_context, _pc = _sign_in(browser, base, FIREFOX_WINDOWS)
    places = {
        "Macintosh": ("203.0.113.7", dt.timedelta(hours=3), dt.timedelta(0)),
        "iPhone": ("198.51.100.23", dt.timedelta(days=2), dt.timedelta(minutes=42)),
        "Windows": ("192.0.2.44", dt.timedelta(hours=9), dt.timedelta(hours=5)),
    }
    for row in UserSession.objects.all():
        ip, since, seen = next(v for k, v in places.items() if k in row.user_agent)
        UserSession.objects.filter(pk=row.pk).update(
            ip=ip, created_at=now - since, last_seen_at=now - seen
        )
    # … and three tokens: one in daily use, one that never expires, one expired
    user = UserSession.objects.first().user
    for name, days, age, used in (
        ("Reporting script", 90, dt.timedelta(days=12), dt.timedelta(hours=3)),
        ("Zapier", None, dt.timedelta(days=40), dt.timedelta(days=1)),
        ("Old CI runner", 30, dt.timedelta(days=45), None),
    ):
        token, _key = tokens.do_create_token(user, name=name, expires_in_days=days, now=now - age)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now - used if used else None)

    for language in LANGUAGES:
        mac.goto(f"{base}/")
        mac.click(f".language-switcher button[value='{language}']")
        mac.wait_for_load_state("networkidle")

        # when: the sessions page
        mac.goto(f"{base}/preferences/sessions/")
        # then: three devices, this one marked
        assert mac.locator("[data-testid=session]").count() == 3
        assert mac.locator("[data-testid=session] .badge").count() == 1
        shoot(mac, f"security-sessions-{language}")
        _docs_shot(mac, f"sessions-{language}")

        # when: making a token
        mac.goto(f"{base}/preferences/tokens/")
        shoot(mac, f"security-tokens-{language}")
        _docs_shot(mac, f"tokens-{language}")
        mac.fill("#id_name", "Data warehouse sync")
        mac.select_option("#id_expires", "365")
        mac.click("form.card button[type=submit]")
        mac.wait_for_load_state("networkidle")
        # then: the key, once, with a copy button
        key = mac.input_value("#new-token-key")
        assert key.startswith("bh_")
        mac.click("[data-copy]")
        shoot(mac, f"security-token-created-{language}")
        _docs_shot(mac, f"token-created-{language}")
        mac.goto(f"{base}/preferences/tokens/")
        assert key not in mac.content()
        # the new token is revoked again (so each language makes its own)
        ApiToken.objects.filter(name="Data warehouse sync").delete()

        # the Preferences page's Security card
        mac.goto(f"{base}/preferences/")
        shoot(mac, f"security-preferences-{language}")

    # an administrator's view of the person (here: herself), and the page on a phone
    mac.goto(f"{base}/preferences/sessions/")
    mac.set_viewport_size({"width": 390, "height": 900})
    shoot(mac, "security-sessions-narrow")
    mac.set_viewport_size({"width": 1440, "height": 900})
    mac.goto(f"{base}/settings/people/{user.pk}/")
    assert mac.locator("[data-testid=person-sessions] li").count() == 3
    shoot(mac, "security-person-sessions")

    # when: the Mac signs the iPhone out
    mac.goto(f"{base}/preferences/sessions/")
    phone_row = mac.locator("[data-testid=session]", has_text="iOS")
    phone_row.locator("button[type=submit]").click()
    mac.wait_for_load_state("networkidle")

    # then: the iPhone's next request goes to the login page
    phone.goto(f"{base}/preferences/")
    assert "/login/" in phone.url
    assert mac.locator("[data-testid=session]").count() == 2
    assert errors == []
    for context in (mac_context, phone_context, pc_context):
        context.close()
