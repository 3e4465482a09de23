"""Helpers of the browser tests (``-m browser``): full-page screenshots and signed-in pages."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

SHOTS = Path(settings.REPO_DIR) / "var" / "screenshots"
PASSWORD = "A-long-test-passphrase-42"  # the ``make_user`` fixture's
WIDTHS = {"desktop": 1440, "narrow": 390}


def shoot(page, name: str) -> None:
    """A full-page screenshot, var/screenshots/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, username: str, language: str = "", password: str = PASSWORD) -> None:
    """Sign in on the login page; with ``language``, choose it in the language switcher (which
    saves the choice as the user's preference)."""
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#sign-in")
    page.wait_for_url(f"{base}/")
    if language:
        page.click(f".language-switcher button[value='{language}']")
        page.wait_for_load_state("networkidle")


def signed_in_page(browser, base: str, username: str, language: str, errors=None, width=1440):
    """A new browser context ``width`` pixels wide and its page, signed in as ``username`` in
    ``language``; the page's script errors are appended to ``errors``. Returns (context, page)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    if errors is not None:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, base, username, language)
    return context, page
