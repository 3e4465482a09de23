"""Who sees and changes accounts, in pages and the API alike: an account executive changes
their own accounts and reads the others of their market; a regional manager changes those of
their markets and sees no other; outside one's markets an account does not exist (404)."""

from __future__ import annotations

import pytest

from beachhead.accounts.models import Account
from beachhead.accounts.services import accounts as services
from beachhead.core.access import Action, may, scoped


@pytest.fixture
def world(make_account, ae, ae2):
    """Accounts of Japan (one each for ren and aoi, one unowned), Korea and Germany."""
    return {
        "mine": make_account(owner=ae, legal_name="Ren's account"),
        "colleague": make_account(owner=ae2, legal_name="Aoi's account"),
        "unowned": make_account(legal_name="Nobody's account"),
        "korea": make_account(market="KR", legal_name="Korean account"),
        "germany": make_account(market="DE", legal_name="German account"),
    }


def names(qs) -> set[str]:
    return {a.legal_name for a in qs}


def test_an_account_executive_sees_their_market_and_changes_their_own(world, ae):
    assert names(scoped(Account, ae)) == {"Ren's account", "Aoi's account", "Nobody's account"}
    assert names(scoped(Account, ae, Action.CHANGE)) == {"Ren's account"}
    assert may(ae, world["mine"])
    assert not may(ae, world["colleague"])


def test_a_regional_manager_sees_and_changes_only_their_markets(world, manager):
    expected = {"Ren's account", "Aoi's account", "Nobody's account", "Korean account"}
    assert names(scoped(Account, manager)) == expected
    assert names(scoped(Account, manager, Action.CHANGE)) == expected


def test_a_csm_changes_the_accounts_they_look_after(world, make_user, admin):
    csm = make_user("customer_success", ["DE"], username="felix")
    account = world["germany"]
    services.do_update_account(account, admin, {"csm": csm})
    assert names(scoped(Account, csm, Action.CHANGE)) == {"German account"}


# --- API -------------------------------------------------------------------------------------


def test_api_lists_exactly_what_each_may_see(world, api, ae, manager, berlin):
    def listed(user):
        return {row["legal_name"] for row in api(user).get("/api/v1/accounts/").json()["results"]}

    assert listed(ae) == names(scoped(Account, ae))
    assert listed(manager) == names(scoped(Account, manager))
    assert listed(berlin) == {"German account"}


def test_api_patch_of_a_colleague_s_account_is_404_and_changes_nothing(world, api, ae):
    colleague = world["colleague"]
    url = f"/api/v1/accounts/{colleague.pk}/"
    assert api(ae).get(url).status_code == 200  # readable
    response = api(ae).patch(url, {"tier": "strategic"}, format="json")
    assert response.status_code == 404
    assert api(ae).delete(url).status_code == 404
    colleague.refresh_from_db()
    assert colleague.tier == "growth"


def test_api_patch_of_one_s_own_account(world, api, ae):
    url = f"/api/v1/accounts/{world['mine'].pk}/"
    response = api(ae).patch(url, {"tier": "strategic", "lifecycle": "prospect"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["tier"] == "strategic"


def test_api_outside_one_s_markets_is_404(world, api, ae, manager):
    germany = world["germany"]
    for user in (ae, manager):
        assert api(user).get(f"/api/v1/accounts/{germany.pk}/").status_code == 404
        assert api(user).get(f"/api/v1/accounts/{germany.pk}/ltv/").status_code == 404
        assert (
            api(user)
            .patch(f"/api/v1/accounts/{germany.pk}/", {"tier": "growth"}, format="json")
            .status_code
            == 404
        )


def test_api_a_manager_changes_any_account_of_their_market(world, api, manager):
    response = api(manager).patch(
        f"/api/v1/accounts/{world['colleague'].pk}/",
        {"named": True, "tier": "enterprise"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["named"] is True


def test_api_only_a_manager_reassigns_or_plans(world, api, ae, ae2):
    response = api(ae).patch(
        f"/api/v1/accounts/{world['mine'].pk}/", {"owner": ae2.pk}, format="json"
    )
    assert response.status_code == 403
    assert "manager" in response.json()["message"]


def test_api_contacts_deals_and_deployments_follow_their_account(world, api, ae, berlin):
    colleague = world["colleague"]
    for path, payload in [
        ("/api/v1/contacts/", {"full_name": "X"}),
        ("/api/v1/opportunities/", {"name": "X"}),
        ("/api/v1/deployments/", {"product": "Server", "version": "8", "node_count": 3}),
    ]:
        # a read-only account takes no new rows
        refused = api(ae).post(path, {**payload, "account": colleague.pk}, format="json")
        assert refused.status_code == 400, path
        assert "account" in refused.json()["fields"], path
        created = api(ae).post(path, {**payload, "account": world["mine"].pk}, format="json")
        assert created.status_code == 201, (path, created.content)
        row = created.json()["id"]
        assert api(berlin).get(f"{path}{row}/").status_code == 404
        assert api(ae).get(f"{path}{row}/").status_code == 200


# --- Pages -----------------------------------------------------------------------------------


def test_page_of_one_s_own_account_offers_edits(world, client, ae):
    client.force_login(ae)
    html = client.get(f"/accounts/{world['mine'].pk}/").content.decode()
    assert f"/accounts/{world['mine'].pk}/edit/" in html
    assert f"/accounts/{world['mine'].pk}/contacts/new/" in html


def test_page_of_a_colleague_s_account_is_read_only(world, client, ae):
    client.force_login(ae)
    colleague = world["colleague"]
    response = client.get(f"/accounts/{colleague.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"/accounts/{colleague.pk}/edit/" not in html
    assert "/contacts/new/" not in html
    assert "/opportunities/new/" not in html
    assert "Read only" in html
    assert client.get(f"/accounts/{colleague.pk}/edit/").status_code == 404
    response = client.post(f"/accounts/{colleague.pk}/edit/", {"legal_name": "Hacked"})
    assert response.status_code == 404
    assert (
        client.post(f"/accounts/{colleague.pk}/contacts/new/", {"full_name": "X"}).status_code
        == 404
    )
    colleague.refresh_from_db()
    assert colleague.legal_name == "Aoi's account"


def test_pages_outside_one_s_markets_are_404(world, client, manager):
    client.force_login(manager)
    assert client.get(f"/accounts/{world['germany'].pk}/").status_code == 404
    assert client.get(f"/accounts/{world['korea'].pk}/").status_code == 200
    html = client.get(f"/accounts/{world['colleague'].pk}/").content.decode()
    assert f"/accounts/{world['colleague'].pk}/edit/" in html  # managers edit their markets


def test_deal_page_follows_the_same_rules(world, client, ae, berlin, admin):
    from beachhead.accounts.services.opportunities import do_create_opportunity

    deal = do_create_opportunity(world["colleague"], admin, name="Their deal")
    client.force_login(ae)
    response = client.get(deal.get_absolute_url())
    assert response.status_code == 200
    assert 'name="stage"' not in response.content.decode()  # no move for a reader
    assert client.post(deal.get_absolute_url(), {"stage": "won"}).status_code == 403
    client.force_login(berlin)
    assert client.get(deal.get_absolute_url()).status_code == 404
