"""The accounts API: create and filter, the lifetime value, deals with their qualification
and compliance gap, bad input as JSON 400, and responses that match the schema."""

from __future__ import annotations

import pytest

from beachhead.accounts.models import Account
from beachhead.core.tests import openapi

LIST = "/api/v1/accounts/"


def test_create_with_name_market_tier_and_industry(api, ae):
    # when
    response = api(ae).post(
        LIST,
        {"name": "任天堂株式会社", "market": "jp", "tier": "strategic", "industry": "gaming"},
        format="json",
    )

    # then
    assert response.status_code == 201, response.content
    body = openapi.check(response, "post")
    assert body["market"] == "JP"
    assert body["legal_name"] == "任天堂株式会社"
    assert body["owner"] == ae.pk  # an account executive creates their own accounts
    assert body["expected_annual_spend"] == {"amount": "0.00", "currency": "JPY"}
    assert body["data_residency"] == "jp"


def test_filter_by_market_and_tier(api, admin, make_account):
    make_account(legal_name="A", tier="strategic")
    make_account(legal_name="B", tier="growth")
    make_account(legal_name="C", market="KR", tier="strategic")

    body = api(admin).get(LIST, {"market": "JP", "tier": "strategic"}).json()

    assert [row["legal_name"] for row in body["results"]] == ["A"]
    assert body["results"][0]["market"] == "JP"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"lifecycle": "customer"}, {"A"}),
        ({"industry": "finance"}, {"B"}),
        ({"owner": "me"}, {"A"}),
        ({"owner": "none"}, {"B"}),
        ({"market": "JP,KR"}, {"A", "B"}),
        ({"q": "alp"}, {"A"}),
        ({"named": "true"}, {"B"}),
    ],
)
def test_filters(api, ae, make_account, params, expected):
    make_account(owner=ae, legal_name="A", display_name="Alpha", lifecycle="customer")
    make_account(legal_name="B", industry="finance", named=True)
    body = api(ae).get(LIST, params).json()
    assert {row["legal_name"] for row in body["results"]} == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [({"tier": "platinum"}, "tier"), ({"market": "JPN"}, "market"), ({"named": "maybe"}, "named")],
)
def test_bad_filters_are_400(api, ae, params, field):
    data = openapi.check_error(api(ae).get(LIST, params), 400)
    assert field in data["fields"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "X", "market": "ZZ", "industry": "gaming"}, "market"),
        ({"name": "X", "market": "DE", "industry": "gaming"}, "market"),  # not the AE's market
        ({"name": "X", "market": "JP", "industry": "mining"}, "industry"),
        ({"market": "JP", "industry": "gaming"}, "legal_name"),
        (
            {"name": "X", "market": "JP", "industry": "gaming",
             "expected_annual_spend": {"amount": "100", "currency": "XYZ"}},
            "expected_annual_spend",
        ),
        (
            {"name": "X", "market": "JP", "industry": "gaming",
             "expected_annual_spend": {"amount": "-1", "currency": "USD"}},
            "expected_annual_spend",
        ),
        ({"name": "X", "market": "JP", "industry": "gaming", "country": "XX"}, "country"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_400(api, ae, payload, field):
    data = openapi.check_error(api(ae).post(LIST, payload, format="json"), 400)
    assert field in data["fields"], data
    assert not Account.objects.exists()


def test_an_impossible_phone_number_is_a_clear_400(api, ae, sony):
    response = api(ae).post(
        "/api/v1/contacts/",
        {"account": sony.pk, "full_name": "X", "phone": "+81 12"},
        format="json",
    )
    data = openapi.check_error(response, 400)
    assert "phone" in data["fields"]
    assert "+81 12" in data["message"]


def test_a_contact_s_phone_in_e164_and_national_format(api, ae, sony):
    response = api(ae).post(
        "/api/v1/contacts/",
        {
            "account": sony.pk,
            "full_name": "山田 太郎",
            "phone": "03-1234-5678",
            "roles": ["finance"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = openapi.check(response, "post")
    assert body["phone"] == "+81312345678"
    assert body["phone_national"] == "03-1234-5678"


def test_ltv_endpoint_with_and_without_a_deal(api, ae, sony):
    plain = openapi.check(api(ae).get(f"/api/v1/accounts/{sony.pk}/ltv/"))
    assert plain["qualification"] is None
    assert plain["valuation"]["motion"] == "sales_led"
    assert 3 <= float(plain["valuation"]["multiple"]) <= 5

    body = openapi.check(
        api(ae).get(f"/api/v1/accounts/{sony.pk}/ltv/", {"amount": "100000", "currency": "USD"})
    )
    assert body["qualification"]["verdict"] == "take"
    assert all(r["text"] for r in body["qualification"]["reasons"])
    openapi.check_error(api(ae).get(f"/api/v1/accounts/{sony.pk}/ltv/", {"amount": "lots"}), 400)


def test_deal_detail_has_qualification_and_compliance_gaps(api, admin, make_account, settings):
    settings.BEACHHEAD_CERTIFICATES_HELD = ["soc2_type2"]
    bank = make_account(market="US", industry="finance", legal_name="Bank", size="1-49")
    client = api(admin)
    created = client.post(
        "/api/v1/opportunities/",
        {
            "account": bank.pk,
            "name": "Core ledger",
            "amount": {"amount": "500000", "currency": "USD"},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = openapi.check(client.get(f"/api/v1/opportunities/{created.json()['id']}/"))
    assert body["compliance_gaps"] == ["ccpa", "soc1"]
    assert body["qualification"]["verdict"] in ("consider", "decline")
    assert body["stage"] == "qualification"
    assert body["market"] == "US"


def test_patch_a_deal_stage_and_amount(api, ae, sony):
    client = api(ae)
    deal = client.post(
        "/api/v1/opportunities/",
        {"account": sony.pk, "name": "Pilot", "amount": "1000000"},
        format="json",
    ).json()
    assert deal["amount"] == {"amount": "1000000.00", "currency": "JPY"}
    response = client.patch(
        f"/api/v1/opportunities/{deal['id']}/",
        {"stage": "won", "amount": {"amount": "12000", "currency": "EUR"}},
        format="json",
    )
    body = openapi.check(response, "patch")
    assert body["stage"] == "won"
    assert body["closed_at"]
    assert body["amount"]["currency"] == "EUR"
    openapi.check_error(
        client.patch(f"/api/v1/opportunities/{deal['id']}/", {"stage": "nowhere"}, format="json"),
        400,
    )


def test_deployments_and_stages(api, ae, sony):
    client = api(ae)
    created = client.post(
        "/api/v1/deployments/",
        {"account": sony.pk, "product": "Server", "version": "8.1", "node_count": 64},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert client.get(f"/api/v1/accounts/{sony.pk}/").json()["deep_user"] is True
    listed = openapi.check(client.get("/api/v1/deployments/", {"environment": "production"}))
    assert listed["count"] == 1
    stages = openapi.check(client.get("/api/v1/stages/"))
    assert next(s["key"] for s in stages["results"]) == "qualification"


def test_put_is_not_offered(api, ae, sony):
    response = api(ae).put(f"/api/v1/accounts/{sony.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 405


def test_delete_own_account(api, ae, sony):
    assert api(ae).delete(f"/api/v1/accounts/{sony.pk}/").status_code == 204
    assert not Account.objects.filter(pk=sony.pk).exists()


def test_list_queries_do_not_grow_with_rows(
    api, admin, make_account, django_assert_max_num_queries
):
    client = api(admin)
    make_account(legal_name="first")
    client.get(LIST)
    with django_assert_max_num_queries(10) as small:
        client.get(LIST)
    for i in range(20):
        make_account(legal_name=f"more {i}")
    with django_assert_max_num_queries(10) as large:
        client.get(LIST)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_more_account_filters(api, ae, ae2, sony, make_account):
    from beachhead.accounts.services import ltv

    make_account(owner=ae2, legal_name="Plain KK", health="weak")
    Account.objects.filter(pk=sony.pk).update(production_nodes=80, csm=ae2)
    client = api(ae)

    def names(params) -> set[str]:
        return {row["legal_name"] for row in client.get(LIST, params).json()["results"]}

    both = {sony.legal_name, "Plain KK"}
    assert names({"health": "weak"}) == {"Plain KK"}
    assert names({"csm": "aoi"}) == names({"csm": str(ae2.pk)}) == {sony.legal_name}
    assert names({"csm": "none"}) == names({"owner": "aoi"}) == {"Plain KK"}
    assert names({"deep": "true"}) == {sony.legal_name}
    assert names({"deep": "no"}) == {"Plain KK"}
    strategic = {
        a.legal_name for a in Account.objects.all() if ltv.is_strategic_value(a.annual_value)
    }
    assert names({"strategic": "true"}) == strategic
    assert names({"strategic": "false"}) == both  # only "true" narrows
    assert names({"q": "sony group", "tier": "STRATEGIC, growth"}) == {sony.legal_name}


def test_filter_errors_name_the_value_and_the_choices(api, ae):
    data = openapi.check_error(api(ae).get(LIST, {"tier": "platinum,growth", "deep": "x"}), 400)
    assert data["fields"]["tier"] == ["“platinum” is not one of: strategic, enterprise, growth."]
    assert data["fields"]["deep"] == ["“x” is neither true nor false."]
    data = openapi.check_error(api(ae).get("/api/v1/contacts/", {"account": "a1"}), 400)
    assert data["fields"]["account"] == ["An account id is a number."]


def test_contact_deal_and_deployment_filters(api, admin, ae, sony, make_account):
    from beachhead.accounts.services import contacts, deployments, opportunities

    seoul = make_account(legal_name="Seoul Co", market="KR")
    contacts.do_create_contact(sony, ae, full_name="Hana", roles=["finance"])
    contacts.do_create_contact(seoul, admin, full_name="Minji", roles=["champion"])
    won = opportunities.do_create_opportunity(sony, ae, name="Won deal")
    opportunities.do_update_opportunity(won, admin, {"stage": "won"})
    opportunities.do_create_opportunity(seoul, admin, name="Open deal", owner=admin)
    deployments.do_create_deployment(sony, ae, product="Server", version="8.1", node_count=3)
    deployments.do_create_deployment(
        seoul, admin, product="Cloud", version="7.5", node_count=1, environment="staging"
    )
    client = api(admin)

    def names(path: str, params, key: str = "full_name") -> set[str]:
        body = client.get(f"/api/v1/{path}/", params).json()
        return {str(row[key]) for row in body["results"]}

    assert names("contacts", {"role": "FINANCE"}) == {"Hana"}
    assert names("contacts", {"market": "kr"}) == {"Minji"}
    assert names("contacts", {"account": sony.pk, "q": "han"}) == {"Hana"}
    assert client.get("/api/v1/contacts/", {"role": "finance,champion"}).status_code == 400
    assert names("opportunities", {"open": "true"}, "name") == {"Open deal"}
    assert names("opportunities", {"open": "false"}, "name") == {"Won deal"}
    assert names("opportunities", {"stage": "Won,lost"}, "name") == {"Won deal"}
    assert names("opportunities", {"owner": "me", "q": "open"}, "name") == {"Open deal"}
    assert names("deployments", {"product": "server"}, "version") == {"8.1"}
    assert names("deployments", {"environment": "staging"}, "version") == {"7.5"}
    assert names("deployments", {"cloud_region": "nowhere"}, "version") == set()
    assert client.get("/api/v1/deployments/", {"environment": "moon"}).status_code == 400
