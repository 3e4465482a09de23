"""The deals board: open deals by close date by default, a total per stage in the reporting
currency (other currencies converted, the original amount on the card), moves between stages
through the deal's service (dragged or chosen from the card's menu) with access checked, and
the dashboard's links that filter the lists they open."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import translation

from beachhead.accounts.models import Opportunity
from beachhead.accounts.services import opportunities
from beachhead.core.money import Money, to_reporting

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 6, 1)


@pytest.fixture
def deals(sony, ae):
    """Two proposals (one in yen, one in dollars), a later discovery, and a won deal."""

    def deal(name, stage, amount, days):
        made = opportunities.do_create_opportunity(
            sony, ae, name=name, amount=amount, close_date=DAY + dt.timedelta(days=days)
        )
        opportunities.do_update_opportunity(made, ae, {"stage": stage})
        return made

    return {
        "yen": deal("Yen proposal", "proposal", Money(Decimal(15_600_000), "JPY"), 20),
        "usd": deal("Dollar proposal", "proposal", Money(Decimal(50_000), "USD"), 10),
        "later": deal("Later discovery", "discovery", Money(Decimal(1_000), "USD"), 40),
        "won": deal("Won deal", "won", Money(Decimal(9_999), "USD"), 0),
    }


def _lanes(html: str) -> dict[str, list[str]]:
    """Each lane's label and the titles of its cards, in order."""
    result = {}
    for section in re.findall(r'<section class="kanban-lane".*?</section>', html, re.S):
        label = re.search(r'<h3 class="h5 mb-0" id="lane-\d+">([^<]+)</h3>', section).group(1)
        result[label] = re.findall(
            r'<div class="kanban-card-title[^>]*>(?:<a[^>]*>)?([^<]+)<', section
        )
    return result


def test_the_stage_totals_convert_to_the_reporting_currency(deals):
    totals = opportunities.totals_by_stage(Opportunity.objects.all())

    proposal = totals["proposal"]
    assert proposal.amount == to_reporting(Money(Decimal(15_600_000), "JPY")) + Money(50_000, "USD")
    assert proposal.amount == Money(Decimal(150_000), "USD")  # 15.6M yen at 156 a dollar
    assert proposal.converted
    assert totals["discovery"] == opportunities.StageTotal(Money(1_000, "USD"), converted=False)


def test_deals_open_as_a_board_of_open_deals_by_close_date(client, deals, ae):
    client.force_login(ae)
    with translation.override("en"):
        page = client.get("/accounts/opportunities/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()

    lanes = _lanes(html)
    assert lanes["Proposal"] == ["Dollar proposal", "Yen proposal"]  # sooner first
    assert lanes["Discovery"] == ["Later discovery"]
    assert lanes["Won"] == []  # closed deals are not on the default board
    # The lane's total in dollars, marked as converted; the card keeps its yen.
    assert "≈ $150K" in html
    assert "15,600,000" in html
    assert 'draggable="true"' in html
    assert 'data-lane="won"' in html  # a lane to drop a deal on to win it


def test_the_board_costs_the_same_queries_for_more_deals(
    client, deals, sony, ae, django_assert_max_num_queries
):
    client.force_login(ae)
    client.get("/lists/opportunities/")  # warm the caches of stages and markets
    with django_assert_max_num_queries(20) as few:
        client.get("/lists/opportunities/")
    for i in range(12):
        opportunities.do_create_opportunity(
            sony, ae, name=f"More {i}", amount=Money(100 + i, "EUR"), close_date=DAY
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/lists/opportunities/")


def test_moving_a_card_changes_the_stage_through_the_service(client, deals, ae):
    client.force_login(ae)
    deal = deals["later"]

    response = client.post(
        f"/lists/opportunities/rows/{deal.pk}/move/",
        {"value": "won", "state": ""},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.stage.key == "won"
    assert deal.closed_at is not None  # the service's rule, not the board's
    sony = deal.account
    sony.refresh_from_db()
    assert sony.lifecycle == "customer"


def test_nobody_moves_a_deal_they_may_not_change(client, deals, berlin, ae2):
    deal = deals["later"]
    client.force_login(berlin)  # another market: the deal is not there
    assert (
        client.post(f"/lists/opportunities/rows/{deal.pk}/move/", {"value": "won"}).status_code
        == 404
    )
    deal.refresh_from_db()
    assert deal.stage.key == "discovery"


def test_the_api_moves_a_deal_too(api, deals, ae):
    deal = deals["later"]
    response = api(ae).patch(f"/api/v1/opportunities/{deal.pk}/", {"stage": "pilot"}, format="json")
    assert response.status_code == 200, response.content
    deal.refresh_from_db()
    assert deal.stage.key == "pilot"


@pytest.mark.parametrize(
    ("url", "shown", "hidden"),
    [
        ("/accounts/?strategic=true", "ソニーグループ株式会社", "小さな会社"),
        ("/accounts/?deep=true", "ソニーグループ株式会社", "小さな会社"),
        ("/accounts/?deep=false", "小さな会社", "ソニーグループ株式会社"),
    ],
)
def test_dashboard_links_filter_the_accounts_list(
    client, sony, make_account, ae, url, shown, hidden
):
    from beachhead.accounts.models import Account

    # Sony is worth the strategic bar and runs enough production nodes to be a deep user.
    Account.objects.filter(pk=sony.pk).update(
        annual_value=Decimal(5_000_000), annual_value_currency="USD", production_nodes=500
    )
    make_account(owner=ae, legal_name="小さな会社", tier="growth")
    client.force_login(ae)

    html = client.get(url, follow=True).content.decode()

    assert shown in html
    assert hidden not in html


def test_an_account_link_filters_its_deals(client, deals, sony, make_account, ae):
    other = make_account(owner=ae, legal_name="別の会社")
    opportunities.do_create_opportunity(other, ae, name="Someone else's deal")
    client.force_login(ae)

    response = client.get(f"/accounts/opportunities/?account={sony.pk}", follow=True)

    html = response.content.decode()
    assert "Dollar proposal" in html
    assert "Someone else&#x27;s deal" not in html
    assert "Someone else's deal" not in html


def test_the_sidebar_and_breadcrumb_name_the_section_of_a_list(client, deals, ae):
    client.force_login(ae)
    with translation.override("en"):
        html = client.get("/lists/opportunities/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    active = re.search(r'<li class="nav-item active">\s*<a class="nav-link" href="([^"]+)"', html)
    assert active.group(1) == "/accounts/opportunities/"
    crumb = re.search(r'<ol class="breadcrumb[^"]*">(.*?)</ol>', html, re.S).group(1)
    assert "Deals" in crumb
    assert "Lists" not in crumb
