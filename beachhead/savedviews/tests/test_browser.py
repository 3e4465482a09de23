"""Browser test of a list page: a real Chromium builds a filter with htmx, edits a cell, moves a
card on the board, saves the view; full-page screenshots in three languages and two widths
under var/screenshots/."""

from __future__ import annotations

import re

import pytest

from beachhead.commitments.models import Commitment
from beachhead.core.models import Team
from beachhead.core.tests.browser import WIDTHS, shoot, signed_in_page
from beachhead.savedviews.models import SavedView

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUSTOMERS = ["ソニー株式会社", "任天堂", "Deutsche Bank AG", "中国银行", "Siam Commercial Bank"]


def _wait_until_htmx_owns(page, selector: str) -> None:
    """Wait until htmx has processed the form around a freshly swapped-in input; pressing
    Enter before that submits the form natively (a real person is never that fast)."""
    page.wait_for_selector(selector)
    page.wait_for_function(
        "sel => { const f = document.querySelector(sel)?.closest('form');"
        " return !!(f && f['htmx-internal-data']); }",
        arg=selector,
    )


def test_a_list_page_in_a_browser(live_server, browser, reference, make_user, promise):
    aoi = make_user("account_executive", ["JP"], username="aoi")
    desk = Team.objects.create(name="Tokyo desk", market_code="JP")
    desk.members.add(aoi)
    states = ["open", "open", "kept", "broken", "open", "kept_late"]
    for i in range(12):
        promise(
            aoi,
            hours=i + 1,
            title=f"Follow-up {i + 1} — 契約の確認と次回の打ち合わせ日程の調整",
            customer_label=CUSTOMERS[i % len(CUSTOMERS)],
            state=states[i % len(states)],
        )
    base = live_server.url
    errors: list[str] = []

    # --- the interactions, once, in English on a desktop ---
    context, page = signed_in_page(browser, base, "aoi", "en", errors)
    page.goto(f"{base}/lists/reference/?cols=title,customer_label,state,fee,due_at")
    assert page.locator("table.list-table tbody tr").count() == 12

    # a filter built with htmx: add a condition, pick the field (the row redraws), apply
    page.click("button[aria-controls=filter-panel]")
    page.click("text=Add condition")
    page.wait_for_selector(".filter-row")
    field = page.locator(".filter-row select[name$=_field]").first
    field.select_option("state")
    page.wait_for_selector(".filter-row input[type=checkbox], .filter-row select[name$=_value]")
    page.locator(".filter-row select[name$=_op]").first.select_option("in")
    page.wait_for_selector(".filter-row input[type=checkbox][value=open]")
    page.check(".filter-row input[type=checkbox][value=open]")
    page.check(".filter-row input[type=checkbox][value=kept]")
    page.click("text=Apply filters")
    page.wait_for_function("() => location.search.includes('state%3Ain%3Aopen%2Ckept')")
    assert page.locator("table.list-table tbody tr").count() == 8
    shoot(page, "lists-filtered-en-desktop")

    # inline edit: the cell turns into an input, saves, and re-renders
    first_id = Commitment.objects.order_by("due_at").values_list("pk", flat=True).first()
    cell = page.locator(f"#cell-{first_id}-title")
    cell.locator(".cell-edit-button").click()
    _wait_until_htmx_owns(page, f"#edit-{first_id}-title")
    page.fill(f"#edit-{first_id}-title", "Renamed in place")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#cell-{first_id}-title:has-text('Renamed in place')")
    assert Commitment.objects.get(pk=first_id).title == "Renamed in place"
    # a bad value shows the error inline
    page.locator(f"#cell-{first_id}-title .cell-edit-button").click()
    _wait_until_htmx_owns(page, f"#edit-{first_id}-title")
    page.fill(f"#edit-{first_id}-title", "x")
    page.keyboard.press("Enter")
    page.wait_for_selector(".cell-editing .invalid-feedback")

    # the board: switch layout, move a card with its select
    page.click("label[for=layout-kanban]")
    page.wait_for_selector(".kanban-lane")
    assert page.locator(".kanban-lane").count() == 5
    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        page.select_option(f"#move-{first_id}", "broken")
    assert moved.value.status == 200
    assert Commitment.objects.get(pk=first_id).state == "broken"
    # the board is redrawn: the card left the filtered board, the lane counts follow
    page.wait_for_selector(f"#move-{first_id}", state="detached")
    shoot(page, "lists-board-en-desktop")

    # save the view for the team
    page.click("#save-view-toggle")
    page.fill("#save_name", "Open and kept, on a board")
    page.select_option("#save_team", str(desk.pk))
    page.click(".save-menu button[type=submit]")
    page.wait_for_url(re.compile(r".*\?view=\d+$"))
    view = SavedView.objects.get()
    assert view.shared_with_team == desk
    assert view.config["layout"] == "kanban"
    context.close()

    # --- screenshots: three languages, two widths, table (grouped) and board ---
    for language in ("en", "zh-hans", "ja"):
        for label, width in WIDTHS.items():
            context, page = signed_in_page(browser, base, "aoi", language, errors, width)
            page.goto(
                f"{base}/lists/reference/?cols=title,customer_label,state,fee,due_at&group=state"
            )
            shoot(page, f"lists-table-{language}-{label}")
            page.goto(f"{base}/lists/reference/?view={view.pk}")
            page.wait_for_selector(".kanban-lane")
            shoot(page, f"lists-board-{language}-{label}")
            page.goto(f"{base}/lists/reference/?f=customer_label:eq:nobody")
            shoot(page, f"lists-empty-{language}-{label}")
            context.close()
    assert not errors, errors
