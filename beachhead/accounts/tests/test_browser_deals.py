"""Browser test of the deals board: a real Chromium drags a deal to another stage, moves one
with the keyboard through the card's menu, and the board's lanes scroll inside the page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from beachhead.accounts.models import Opportunity
from beachhead.accounts.services import opportunities
from beachhead.core.money import Money
from beachhead.core.tests.browser import shoot, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_deals_move_by_drag_and_by_keyboard(live_server, browser, sony, ae):
    dragged = opportunities.do_create_opportunity(
        sony, ae, name="Dragged deal", amount=Money(Decimal(1_000_000), "JPY")
    )
    keyed = opportunities.do_create_opportunity(
        sony, ae, name="Keyboard deal", amount=Money(Decimal(20_000), "EUR")
    )
    base = live_server.url
    errors: list[str] = []
    context, page = signed_in_page(browser, base, ae.username, "en", errors)
    page.goto(f"{base}/accounts/opportunities/")
    page.wait_for_selector(".kanban-lane[data-lane=pilot]")

    # drag and drop: the card lands on the Pilot lane, the server records it
    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        page.drag_and_drop(
            f".kanban-card[data-pk='{dragged.pk}']", ".kanban-lane[data-lane=pilot] .kanban-cards"
        )
    assert moved.value.status == 200
    page.wait_for_selector(f".kanban-lane[data-lane=pilot] .kanban-card[data-pk='{dragged.pk}']")
    assert Opportunity.objects.get(pk=dragged.pk).stage.key == "pilot"

    # the keyboard: focus the card's menu, choose a lane with the arrow keys
    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        page.focus(f"#move-{keyed.pk}")
        page.select_option(f"#move-{keyed.pk}", "proposal")
    assert moved.value.status == 200
    page.wait_for_selector(f".kanban-lane[data-lane=proposal] .kanban-card[data-pk='{keyed.pk}']")
    assert Opportunity.objects.get(pk=keyed.pk).stage.key == "proposal"

    # the lanes scroll inside the board, never widen the page
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " document.querySelector('.kanban').scrollWidth,"
        " document.querySelector('.kanban').clientWidth]"
    )
    assert widths[0] <= widths[1]
    assert widths[2] >= widths[3]
    shoot(page, "deals-board-en-desktop")
    context.close()
    assert errors == []
