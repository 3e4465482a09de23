"""Take the screenshots of docs/screenshots/ from a running Beachhead with demo data.

usage: python docs/screenshots/take.py BASE_URL OUT_DIR PAGE=PATH [PAGE=PATH …]
       e.g. take.py http://127.0.0.1:8000 docs/screenshots/after home=/ trust=/commitments/trust/

Signs in as the demo admin, switches the interface to each language in turn and saves
OUT_DIR/<page>-<language>.png at 1440×900 (the first screen a person sees, not the whole page,
so the files stay small). A PATH of ``first:/support/`` opens the first record linked from
that list.

The demo admin's role requires two-factor sign-in: run the server with
``BEACHHEAD_MFA_REQUIRED=0`` for this script (the MFA screens of docs/screenshots/security/ come
from ``beachhead/core/tests/test_browser_mfa.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

LANGUAGES = ("en", "zh-hans", "ja")


def first_record(page, base: str, path: str) -> str:
    page.goto(base + path)
    hrefs = page.locator(f".page-body a[href^='{path}']").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    return next(h for h in hrefs if h.split("?")[0].rstrip("/") != path.rstrip("/"))


def main(base: str, out: str, pages: list[str]) -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(base + "/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", "beachhead-demo")
        page.click("#sign-in")
        page.wait_for_url(base + "/")
        for language in LANGUAGES:
            page.goto(base + "/")
            page.click(f".language-switcher button[value='{language}']")
            page.wait_for_load_state("load")
            for item in pages:
                name, _, path = item.partition("=")
                if path.startswith("first:"):
                    path = first_record(page, base, path.removeprefix("first:"))
                page.goto(base + path)
                page.wait_for_load_state("load")
                page.wait_for_timeout(700)
                page.screenshot(path=str(folder / f"{name}-{language}.png"))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3:])
