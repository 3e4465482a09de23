"""The ledger through the API and its pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from beachhead.commitments import services
from beachhead.commitments.models import Commitment, State

T0 = datetime(2027, 3, 3, 1, 0, tzinfo=UTC)


@pytest.fixture
def agent(make_user):
    return make_user("support_agent", ["JP"], username="aoi")


def make(owner, markets, minutes=60, code="JP", start=None):
    return services.do_create_commitment(
        kind="follow_up",
        calendar="24x7",
        target=timedelta(minutes=minutes),
        owner=owner,
        start=start or datetime.now(UTC),
        market=markets[code],
        customer_label="Nintendo",
        subject_label="Ticket #42",
    )


# --- API ------------------------------------------------------------------------------------


def test_create_through_the_api_on_the_market_calendar(api, agent, markets):
    response = api(agent).post(
        "/api/v1/commitments/",
        {
            "kind": "follow_up",
            "market": "jp",
            "minutes": 15,
            "start": "2027-01-08T17:55:00+09:00",
            "customer_label": "Sony",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["due_at"].startswith("2027-01-12T00:10:00")  # Tue 09:10 in Tokyo, in UTC
    assert body["calendar"] == "market:JP"
    assert body["owner"] == agent.pk
    assert body["state"] == "open"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "bogus", "market": "JP", "minutes": 5}, "kind"),
        ({"kind": "follow_up", "market": "DE", "minutes": 5}, "market"),  # not the agent's
        ({"kind": "follow_up", "market": "JP", "minutes": 0}, "minutes"),
        ({"kind": "follow_up", "market": "JP", "minutes": 5, "start": "yesterday"}, "start"),
        ({"kind": "follow_up", "market": "JP", "minutes": 5, "calendar": "lunar"}, None),
    ],
)
def test_bad_input_gets_a_clear_json_error(api, agent, markets, payload, field):
    response = api(agent).post("/api/v1/commitments/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["message"]
    if field:
        assert field in body["fields"]
    assert not Commitment.objects.exists()


def test_list_filters_and_is_paginated(api, agent, markets, make_user):
    other = make_user("support_agent", ["JP"])
    make(agent, markets)
    make(agent, markets)
    make(other, markets)
    client = api(agent)
    assert client.get("/api/v1/commitments/").json()["count"] == 3
    mine = client.get("/api/v1/commitments/?owner=me").json()
    assert mine["count"] == 2
    assert "next" in mine
    assert client.get("/api/v1/commitments/?state=kept").json()["count"] == 0


def test_keep_pause_resume_cancel_through_the_api(api, agent, markets):
    c = make(agent, markets, minutes=600)
    client = api(agent)
    assert client.post(f"/api/v1/commitments/{c.pk}/pause/").json()["health"] == "paused"
    assert client.post(f"/api/v1/commitments/{c.pk}/resume/").json()["health"] == "on_track"
    assert client.post(f"/api/v1/commitments/{c.pk}/keep/").json()["state"] == "kept"
    response = client.post(f"/api/v1/commitments/{c.pk}/cancel/", {"reason": "x"}, format="json")
    assert response.status_code == 400  # only open promises can be cancelled
    detail = client.get(f"/api/v1/commitments/{c.pk}/").json()
    assert [e["kind"] for e in detail["events"]] == ["created", "paused", "resumed", "kept"]


def test_promises_outside_your_markets_are_not_found(api, agent, markets, make_user):
    berlin = make_user("support_agent", ["DE"])
    c = make(berlin, markets, code="DE")
    assert api(agent).get(f"/api/v1/commitments/{c.pk}/").status_code == 404
    assert api(agent).post(f"/api/v1/commitments/{c.pk}/keep/").status_code == 404
    c.refresh_from_db()
    assert c.state == State.OPEN


def test_trust_endpoint(api, agent, markets):
    services.do_keep(make(agent, markets, start=T0), at=T0 + timedelta(minutes=5))
    body = api(agent).get("/api/v1/trust/?days=730&group=owner").json()
    assert body["summary"]["kept"] >= 0
    assert body["group"] == "owner"
    assert api(agent).get("/api/v1/trust/?group=planet").status_code == 400
    assert api(agent).get("/api/v1/trust/?days=abc").status_code == 400
    assert api().get("/api/v1/trust/").status_code == 401


# --- Pages ----------------------------------------------------------------------------------


def test_pages_render(client, agent, markets):
    c = make(agent, markets)
    client.force_login(agent)
    for url in (
        "/commitments/",
        f"/commitments/{c.pk}/",
        "/commitments/trust/",
        "/commitments/new/",
        "/",
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
    assert "Ticket #42" in client.get("/commitments/", follow=True).content.decode()


def test_record_a_promise_from_the_page(client, agent, markets, accounts):
    client.force_login(agent)
    response = client.post(
        "/commitments/new/",
        {
            "kind": "follow_up",
            "title": "Send the capacity plan",
            "customer": f"account:{accounts[0].pk}",
            "market": "JP",
            "calendar": "market",
            "hours": "8",
        },
    )
    c = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/commitments/{c.pk}/"
    assert c.owner == agent
    assert c.calendar == "market:JP"
    assert c.target_seconds == 8 * 3600


def test_actions_from_the_page(client, agent, markets):
    c = make(agent, markets)
    client.force_login(agent)
    client.post(f"/commitments/{c.pk}/keep/")
    c.refresh_from_db()
    assert c.state == State.KEPT


def test_list_query_count_does_not_grow_with_rows(
    client, agent, markets, django_assert_max_num_queries
):
    client.force_login(agent)
    make(agent, markets)
    with django_assert_max_num_queries(60) as small:
        client.get("/commitments/", follow=True)
    for _ in range(25):
        make(agent, markets)
    with django_assert_max_num_queries(60) as large:
        client.get("/commitments/", follow=True)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_owner_must_cover_the_market(api, agent, markets, make_user):
    berlin = make_user("support_agent", ["DE"])
    tokyo = make_user("support_agent", ["JP"])
    client = api(agent)
    payload = {"kind": "follow_up", "market": "JP", "minutes": 30}
    refused = client.post("/api/v1/commitments/", payload | {"owner": berlin.pk}, format="json")
    assert refused.status_code == 400
    assert "owner" in refused.json()["fields"]
    taken = client.post("/api/v1/commitments/", payload | {"owner": tokyo.pk}, format="json")
    assert taken.status_code == 201
    assert taken.json()["owner"] == tokyo.pk


# --- Record a promise to a customer picked from a search -------------------------------------


@pytest.fixture
def accounts(make_user, markets):
    """A Tokyo account (with a contact) the agent sees, and a Berlin one they do not."""
    from beachhead.accounts.models import Contact
    from beachhead.accounts.services.accounts import do_create_account

    admin = make_user("admin")
    tokyo = do_create_account(
        admin, market="JP", legal_name="株式会社ヤマト精機", display_name="Yamato Seiki",
        industry="manufacturing", tier="strategic", lifecycle="customer",
    )  # fmt: skip
    berlin = do_create_account(
        admin, market="DE", legal_name="Nordwind GmbH", industry="manufacturing",
        tier="growth", lifecycle="customer",
    )  # fmt: skip
    contact = Contact.objects.create(account=tokyo, full_name="山田 太郎", email="yamada@ys.jp")
    return tokyo, berlin, contact


def test_the_search_offers_only_accounts_in_scope(client, api, agent, accounts):
    tokyo, berlin, contact = accounts
    client.force_login(agent)

    html = client.get("/commitments/new/options/customer/", {"q": "a"}).content.decode()
    assert f'data-value="account:{tokyo.pk}"' in html
    assert 'role="option"' in html
    assert f"account:{berlin.pk}" not in html

    found = api(agent).get("/api/v1/commitments/customers/", {"q": "Nordwind"}).json()
    assert found == []
    subjects = client.get(
        "/commitments/new/options/subject/", {"customer": f"account:{tokyo.pk}", "q": "山田"}
    ).content.decode()
    assert f'data-value="contact:{contact.pk}"' in subjects


def test_a_promise_recorded_to_an_account_shows_on_its_360_page(client, agent, accounts):
    tokyo, _berlin, contact = accounts
    client.force_login(agent)

    response = client.post(
        "/commitments/new/",
        {
            "kind": "follow_up",
            "title": "Send the capacity plan",
            "customer": f"account:{tokyo.pk}",
            "subject": f"contact:{contact.pk}",
            "market": "JP",
            "calendar": "market",
            "hours": "8",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    c = Commitment.objects.get()
    assert c.customer == tokyo
    assert c.customer_label == "Yamato Seiki"
    assert c.subject == contact
    assert c.subject_label == "山田 太郎"
    page = client.get(tokyo.get_absolute_url()).content.decode()
    assert "Send the capacity plan" in page


def test_an_account_out_of_scope_cannot_be_picked(client, api, agent, accounts):
    _tokyo, berlin, _contact = accounts
    client.force_login(agent)
    form = {
        "kind": "follow_up", "title": "x", "customer": f"account:{berlin.pk}", "market": "JP",
        "calendar": "market", "hours": "8",
    }  # fmt: skip

    response = client.post("/commitments/new/", form)
    assert response.status_code == 200
    assert response.context["form"].errors["customer"]
    answer = api(agent).post(
        "/api/v1/commitments/",
        {"kind": "follow_up", "minutes": 60, "customer": f"account:{berlin.pk}"},
        format="json",
    )
    assert answer.status_code == 400
    assert "customer" in str(answer.json())
    assert not Commitment.objects.exists()


def test_the_api_records_a_promise_about_a_ticket_of_the_account(api, agent, accounts):
    from beachhead.support.services import tickets

    tokyo, _berlin, _contact = accounts
    ticket = tickets.do_create_ticket(subject="ノードが落ちる", account=tokyo, priority="low")

    answer = api(agent).post(
        "/api/v1/commitments/",
        {
            "kind": "follow_up",
            "minutes": 120,
            "customer": f"account:{tokyo.pk}",
            "subject": f"ticket:{ticket.pk}",
        },
        format="json",
    )

    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["customer_label"] == "Yamato Seiki"
    assert body["subject_label"] == f"#{ticket.pk} ノードが落ちる"
    assert body["market"] == "JP"  # the account's, when none is given


def test_a_picker_id_in_other_digits_is_no_record_not_an_error(api, agent, markets):
    # "²" and "١٢" are digits to str.isdigit but not ids: nothing is found, nothing breaks
    response = api(agent).get(
        "/api/v1/commitments/customers/", {"role": "subject", "within": "١٢", "q": "x"}
    )

    assert response.status_code == 200
    assert response.json() == []
