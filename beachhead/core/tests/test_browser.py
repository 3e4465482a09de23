"""Browser smoke test: a real Chromium signs in, visits every page in the navigation, switches to
Chinese and Japanese, and saves full-page screenshots under var/screenshots/."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from beachhead.core.tests.browser import WIDTHS, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"en": "Sign in", "zh-hans": "登录", "ja": "ログイン"}


def test_every_page_in_three_languages(live_server, browser, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from beachhead.markets.services import do_sync_markets

    do_sync_markets()
    call_command("demo", seed=7, accounts=40, no_progress=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    base = live_server.url
    errors: list[str] = []

    for language, login_word in LANGUAGES.items():
        for label, width in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": 900},
                locale={"en": "en-US", "zh-hans": "zh-CN", "ja": "ja-JP"}[language],
                extra_http_headers={"Accept-Language": language},
            )
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            # Nothing the Content-Security-Policy refuses, on any page (test_browser_csp.py).
            page.on(
                "console",
                lambda message: (
                    errors.append(message.text)
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            page.goto(f"{base}/login/")
            assert page.locator("html").get_attribute("lang") == language
            assert login_word in page.content()
            shoot(page, f"login-{language}-{label}")
            sign_in(page, base, "admin", password="beachhead-demo")
            # The signed-in user's own language wins over the browser's: switch it.
            page.goto(f"{base}/")
            page.click(f".language-switcher button[value='{language}']")
            page.wait_for_load_state("networkidle")
            assert page.locator("html").get_attribute("lang") == language
            links = page.eval_on_selector_all(
                "#sidebar-menu a.nav-link", "els => els.map(e => e.getAttribute('href'))"
            )
            assert len(links) >= 6, links
            for href in links:
                response = page.goto(f"{base}{href}")
                assert response is not None, href
                assert response.status == 200, href
                page.wait_for_load_state("networkidle")
                name = href.strip("/").replace("/", "-") or "home"
                shoot(page, f"{name}-{language}-{label}")
                # follow the first detail link of list pages, so detail pages are seen too
                if width == 1440 and href in ("/commitments/", "/markets/", "/teams/"):
                    first = page.locator(f"main a[href^='{href}'], .page-body a[href^='{href}']")
                    detail = next(
                        (
                            h
                            for h in first.evaluate_all(
                                "els => els.map(e => e.getAttribute('href'))"
                            )
                            if h and h.rstrip("/") != href.rstrip("/") and h.count("/") >= 3
                        ),
                        None,
                    )
                    if detail:
                        response = page.goto(f"{base}{detail}")
                        assert response is not None, detail
                        assert response.status == 200, detail
                        shoot(page, f"{name}-detail-{language}-{label}")
            context.close()
    assert not errors, errors
