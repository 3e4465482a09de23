"""What a newcomer sees, role by role and language by language: a real Chromium signs in as each
demo role in English, Chinese and Japanese, opens the main pages (every sidebar entry and the
first record of each list) and fails on

- a script error or a console error;
- a raw code on screen: a calendar key (``market:JP``, ``coverage:…``) or a ``snake_case`` label
  (``kept_late``, ``account_executive``) where a word belongs;
- on a Chinese or Japanese page, an English interface string: a message of our catalogue shown
  untranslated, or Django's relative-time words.

User data (names people typed, e-mail bodies, code) is left out: text inside ``code``, ``pre``,
form fields and elements marked ``data-user-text``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command

from beachhead.core.tests.browser import SHOTS, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One demo login per role (core.demo.DEMO_PEOPLE), each in the three interface languages.
ROLES = [
    "admin",
    "founder",
    "rm.apac",
    "ae.tokyo",
    "agent.berlin",
    "cs.singapore",
    "finance",
    "compliance",
    "community",
]
LANGUAGES = ("en", "zh-hans", "ja")
DETAIL_OF = ("/accounts/", "/support/", "/commitments/", "/markets/", "/teams/", "/settings/")

RAW_CODE = re.compile(r"\b(?:market|coverage):[A-Z]{2}\b|(?<![\w@./-])[a-z]+_[a-z_]+(?![\w@(])")
# A relative time left in English ("3 hours ago", "in 2 days, 4 hours"): the whole text, so a
# customer's sentence that mentions minutes is not taken for one.
ENGLISH_TIME = re.compile(
    r"^(?:in )?\d+ (?:second|minute|hour|day|week|month|year)s?"
    r"(?:, \d+ (?:second|minute|hour|day|week|month|year)s?)*(?: ago)?$"
)

# The visible text of the page's content, as (text, where) pairs, user data left out.
VISIBLE_TEXT = """() => {
  const skip = "code, pre, script, style, textarea, select, input, [data-user-text], .visually-hidden";
  const root = document.querySelector(".page-wrapper") || document.body;
  const page = (document.documentElement.lang || "en").slice(0, 2).toLowerCase();
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest(skip)) continue;
    // Text marked as another language (the language switcher, a market's names in each
    // language) is meant to be in it.
    const marked = el.closest("[lang]");
    if (marked && marked !== document.documentElement && !marked.lang.toLowerCase().startsWith(page)) continue;
    if (!el.offsetParent && getComputedStyle(el).position !== "fixed") continue;
    out.push([text, el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ")[0] : "")]);
  }
  return out;
}"""


def _catalogue_english(language: str) -> set[str]:
    """Our interface strings whose translation differs from the English: shown verbatim on a
    page in ``language``, they are untranslated."""
    folder = {"zh-hans": "zh_Hans", "ja": "ja"}[language]
    path = Path(__file__).resolve().parents[2] / "locale" / folder / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=folder)
    found = set()
    for message in catalog:
        if not message.id or isinstance(message.id, tuple) or "%" in message.id:
            continue
        if message.string and message.string != message.id and len(message.id) > 3:
            found.add(message.id)
    return found


def _problems(texts, language: str, english: set[str]) -> list[str]:
    problems = []
    for text, where in texts:
        for match in RAW_CODE.finditer(text):
            problems.append(f"raw code {match.group(0)!r} in {where}: {text[:80]!r}")
        if language != "en":
            if text in english:
                problems.append(f"English {text!r} in {where}")
            elif ENGLISH_TIME.match(text):
                problems.append(f"English time words in {where}: {text[:80]!r}")
    return problems


def _pages(page, base: str) -> list[str]:
    links = page.eval_on_selector_all(
        "#sidebar-menu a.nav-link", "els => els.map(e => e.getAttribute('href'))"
    )
    return [href for href in links if href and href.startswith("/")]


def _first_detail(page, href: str) -> str | None:
    hrefs = page.locator(f".page-body a[href^='{href}']").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    return next(
        (
            h
            for h in hrefs
            if h and h.split("?")[0].rstrip("/") != href.rstrip("/") and "?" not in h
        ),
        None,
    )


def _audit(page, base, href, language, english, report, name=""):
    response = page.goto(f"{base}{href}")
    status = response.status if response else None
    if status != 200:
        report.append(f"{href}: HTTP {status}")
        return
    page.wait_for_load_state("networkidle")
    for problem in _problems(page.evaluate(VISIBLE_TEXT), language, english):
        report.append(f"{href}: {problem}")
    if name:
        shoot(page, name)


def test_each_role_sees_its_pages_in_its_language(live_server, browser, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from beachhead.markets.services import do_sync_markets

    do_sync_markets()
    call_command("demo", seed=7, accounts=30, no_progress=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    base = live_server.url
    report: list[str] = []
    for language in LANGUAGES:
        english = _catalogue_english(language) if language != "en" else set()
        for username in ROLES:
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            page = context.new_page()
            where = [f"{username}/{language}"]
            page.on("pageerror", lambda exc, w=where: report.append(f"{w[0]}: script error {exc}"))
            page.on(
                "console",
                lambda msg, w=where: (
                    msg.type == "error" and report.append(f"{w[0]}: console error {msg.text}")
                ),
            )
            sign_in(page, base, username, language, password="beachhead-demo")
            for href in _pages(page, base):
                where[0] = f"{username}/{language} {href}"
                found: list[str] = []
                # Screenshots of the administrator's pages only: they show every page.
                name = (
                    f"audit-{language}-{href.strip('/').replace('/', '-') or 'home'}"
                    if username == "admin"
                    else ""
                )
                _audit(page, base, href, language, english, found, name)
                if href in DETAIL_OF and (detail := _first_detail(page, href)):
                    where[0] = f"{username}/{language} {detail}"
                    _audit(page, base, detail, language, english, found, name and f"{name}-detail")
                report.extend(f"{username}/{language} {line}" for line in found)
            context.close()
    unique = list(dict.fromkeys(report))
    (SHOTS.parent / "audit-report.txt").write_text("\n".join(unique) + "\n", encoding="utf-8")
    assert not unique, f"{len(unique)} problems:\n" + "\n".join(unique[:150])
