"""Inputs that used to answer 500 answer 400, 404 or 409 now, in the API's JSON error format
under /api/ and as a page elsewhere. Several only failed on PostgreSQL (NUL characters): CI runs
this module on PostgreSQL and MariaDB too."""

from __future__ import annotations

import os
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client

from beachhead.core.models import User
from beachhead.core.tests import openapi

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999999"  # past 64 bits


@pytest.fixture
def demo(db):
    call_command("markets", "sync", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("demo", seed=5, accounts=3, no_progress=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return User.objects.get(username="admin")


@pytest.fixture
def browser(demo):
    client = Client(raise_request_exception=False)
    client.force_login(demo)
    return client


@pytest.fixture
def admin_api(api, demo):
    client = api(demo)
    client.raise_request_exception = False
    return client


def _is_json_error(response, status: int) -> bool:
    return (
        response.status_code == status
        and response["Content-Type"].startswith("application/json")
        and isinstance(response.json().get("error"), str)
    )


# --- NUL characters -----------------------------------------------------------------------------

NUL_API = [
    "/api/v1/accounts/?q=%00",
    "/api/v1/contacts/?q=%00",
    "/api/v1/tickets/?q=%00",
    "/api/v1/commitments/?q=%00",
    "/api/v1/markets/%00/",
    "/api/v1/lists/tickets/?f=subject:eq:%00",
    "/api/v1/lists/tickets/?q=a%00b",
    "/api/v1/saved-views/?source=%00",
]
NUL_PAGES = [
    "/support/survey/%00/",
    "/support/portal/sign-in/%00/",
    "/markets/%00/",
    "/accounts/?q=%00",
    "/support/?q=%00",
    "/lists/tickets/?f=subject:eq:%00",
    "/lists/accounts/?q=%00",
]


def test_a_nul_character_in_an_api_path_or_query_answers_400_json(admin_api):
    # given: every list of the API too
    lists = [
        f"{path}?q=%00"
        for path, operations in openapi.schema()["paths"].items()
        if "{" not in path and "get" in operations
    ]

    # when
    answers = {url: admin_api.get(url) for url in [*NUL_API, *lists]}

    # then
    wrong = {url: r.status_code for url, r in answers.items() if not _is_json_error(r, 400)}
    assert not wrong


def test_a_nul_character_in_a_page_path_or_query_answers_the_400_page(browser):
    # when
    answers = {url: browser.get(url) for url in NUL_PAGES}

    # then
    wrong = {url: r.status_code for url, r in answers.items() if r.status_code != 400}
    assert not wrong
    assert all(r["Content-Type"].startswith("text/html") for r in answers.values())
    assert "This request could not be read." in answers[NUL_PAGES[0]].content.decode()


def test_a_nul_character_in_a_json_body_answers_400(admin_api):
    # when
    response = admin_api.post(
        "/api/v1/accounts/",
        {"legal_name": "Acme\x00", "market": "JP", "industry": "retail"},
        format="json",
    )
    nested = admin_api.post(
        "/api/v1/saved-views/",
        {
            "source": "tickets",
            "name": "Mine",
            "config": {"filters": [{"field": "subject", "op": "eq", "value": "a\x00b"}]},
        },
        format="json",
    )

    # then
    openapi.check_error(response, 400)
    openapi.check_error(nested, 400)


def test_a_nul_character_in_a_form_field_answers_400(browser):
    # when
    response = browser.post(
        "/support/help/",
        urlencode({"email": "a@example.com", "subject": "x\x00y"}),
        content_type="application/x-www-form-urlencoded",
    )

    # then
    assert response.status_code == 400


# --- Parse errors, unknown paths and methods, server errors -------------------------------------


def test_a_deeply_nested_json_body_answers_400(admin_api):
    # given
    body = "[" * 100_000 + "]" * 100_000

    # when
    response = admin_api.post("/api/v1/saved-views/", body, content_type="application/json")

    # then
    openapi.check_error(response, 400)


def test_malformed_json_and_an_unknown_media_type_answer_json_errors(admin_api):
    # when
    malformed = admin_api.post("/api/v1/accounts/", "{", content_type="application/json")
    unknown = admin_api.post("/api/v1/accounts/", "x", content_type="text/csv")

    # then
    openapi.check_error(malformed, 400)
    openapi.check_error(unknown, 415)


def test_unknown_api_paths_and_methods_answer_json(admin_api):
    # when
    unknown = admin_api.get("/api/v1/no-such-thing/")
    method = admin_api.put("/api/v1/accounts/", {}, format="json")

    # then
    openapi.check_error(unknown, 404)
    openapi.check_error(method, 405)


def test_an_unhandled_error_under_api_answers_500_json_and_is_logged(
    admin_api, caplog, monkeypatch
):
    # given: the "me" endpoint breaks
    from beachhead.core.api import serializers

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(serializers.UserSerializer, "to_representation", broken)

    # when
    with caplog.at_level("ERROR", logger="django.request"):
        response = admin_api.get("/api/v1/me/")

    # then
    openapi.check_error(response, 500)
    assert "boom" not in response.content.decode()
    assert any(record.exc_info and "boom" in str(record.exc_info[1]) for record in caplog.records)


# --- Deletes that other rows prevent -------------------------------------------------------------


def test_deleting_an_account_that_has_tickets_answers_409_with_the_reason(admin_api):
    # given: a ticket of the account
    from beachhead.accounts.models import Account

    account = Account.objects.order_by("pk").first()
    created = admin_api.post(
        "/api/v1/tickets/",
        {"account": account.pk, "requester": "kim@example.com", "subject": "Hi", "body": "x"},
        format="json",
    )
    assert created.status_code == 201, created.content

    # when
    response = admin_api.delete(f"/api/v1/accounts/{account.pk}/")

    # then
    data = openapi.check_error(response, 409)
    assert data["error"] == "conflict"
    assert "ticket" in data["message"]
    assert Account.objects.filter(pk=account.pk).exists()


# --- Dates at the edges of the calendar, integers past 64 bits -----------------------------------

EDGE_FILTERS = [
    "due_at:lt:0001-01-01",
    "due_at:eq:0001-01-01",
    "due_at:gte:9999-12-31",
    "due_at:lte:9999-12-31",
    "due_at:eq:9999-12-31T23:59",
    "due_at:gt:0001-01-01T00:00",
    "due_at:between:0001-01-01,9999-12-31",
]


@pytest.mark.parametrize("condition", EDGE_FILTERS)
def test_dates_at_the_edges_of_the_calendar_in_list_filters_do_not_fail(
    admin_api, browser, condition
):
    # when
    api_answer = admin_api.get("/api/v1/lists/commitments/", {"f": condition})
    page = browser.get("/lists/commitments/", {"f": condition})

    # then
    assert api_answer.status_code in (200, 400), api_answer.content[:300]
    assert page.status_code in (200, 400)


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/v1/markets/JP/calendar/due/", {"start": "9999-12-31T23:00:00Z", "minutes": 600}),
        ("/api/v1/markets/US/calendar/due/", {"start": "9999-12-31T20:00:00", "minutes": 60}),
        ("/api/v1/markets/JP/calendar/due/", {"start": "0001-01-01T00:00:00Z", "minutes": 1}),
        (
            "/api/v1/markets/US/calendar/elapsed/",
            {"start": "0001-01-01T00:00:00", "end": "9999-12-31T23:59:59"},
        ),
        (
            "/api/v1/markets/JP/calendar/elapsed/",
            {"start": "0001-01-01T00:00:00Z", "end": "0001-01-02T00:00:00Z"},
        ),
        ("/api/v1/markets/JP/holidays/", {"year": 9999}),
        ("/api/v1/markets/JP/holidays/", {"year": 1}),
    ],
)
def test_the_calendar_at_its_edges_answers_400_or_a_result(admin_api, url, query):
    # when
    response = admin_api.get(url, query)

    # then
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        openapi.check_error(response, 400)


def test_integers_past_64_bits_answer_404_or_400(admin_api, browser):
    # when
    paths = [
        admin_api.get(f"/api/v1/accounts/{BIG}/"),
        admin_api.get(f"/api/v1/tickets/{BIG}/"),
        admin_api.get(f"/api/v1/saved-views/{BIG}/"),
    ]
    filters = [
        admin_api.get("/api/v1/lists/tickets/", {"f": f"assignee:eq:{BIG}"}),
        admin_api.get("/api/v1/lists/tickets/", {"assignee": BIG}),
        admin_api.get("/api/v1/lists/commitments/", {"f": f"target_seconds:gt:{BIG}"}),
        admin_api.get("/api/v1/tickets/", {"assignee": BIG}),
        admin_api.get("/api/v1/lists/tickets/", {"view": BIG}),
    ]
    pages = [
        browser.get("/lists/tickets/", {"f": f"assignee:eq:{BIG}"}),
        browser.get("/lists/tickets/", {"view": BIG}),
    ]

    # then
    assert [r.status_code for r in paths] == [404, 404, 404]
    assert all(r.status_code in (200, 400, 404) for r in filters), [
        (r.status_code, r.content[:200]) for r in filters
    ]
    assert all(r.status_code in (200, 400, 404) for r in pages)


# --- E-mail addresses ------------------------------------------------------------------------------

BAD_ADDRESSES = ["@", "a@b@c", "a@example.com\r\nBcc: b@example.com", "a@exa\nmple.com", "x"]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_an_invalid_address_is_refused_with_400_wherever_the_api_takes_one(admin_api, address):
    # given
    from beachhead.accounts.models import Account

    account = Account.objects.order_by("pk").first()

    # when
    answers = {
        "contact": admin_api.post(
            "/api/v1/contacts/",
            {"account": account.pk, "full_name": "Kim", "email": address},
            format="json",
        ),
        "user": admin_api.post(
            "/api/v1/users/",
            {"username": "someone", "role": "support_agent", "email": address},
            format="json",
        ),
        "requester": admin_api.post(
            "/api/v1/tickets/",
            {"requester": address, "subject": "Help", "body": "Please"},
            format="json",
        ),
    }

    # then
    wrong = {
        k: (r.status_code, r.content[:200]) for k, r in answers.items() if r.status_code != 400
    }
    assert not wrong


def test_an_invalid_address_is_refused_on_the_web_form_and_the_portal(demo):
    # given
    from django.core import mail

    from beachhead.support.models import Ticket

    client = Client(raise_request_exception=False)
    tickets = Ticket.objects.count()

    for address in BAD_ADDRESSES:
        # when
        form = client.post(
            "/support/help/", {"email": address, "name": "Kim", "subject": "Hi", "body": "Help"}
        )
        portal = client.post("/support/portal/", {"email": address})

        # then: the form shows again with the error, nothing is created or sent
        assert form.status_code in (200, 400), address
        assert portal.status_code in (200, 400), address
    assert Ticket.objects.count() == tickets
    assert not mail.outbox


def test_a_page_whose_delete_other_rows_prevent_goes_back_with_a_message(browser, monkeypatch):
    # given: deleting the contact is prevented by a deal that refers to it
    from django.contrib.messages import get_messages
    from django.db.models import ProtectedError

    from beachhead.accounts.models import Contact, Opportunity
    from beachhead.accounts.services import contacts

    contact = Contact.objects.order_by("pk").first()
    deal = Opportunity.objects.order_by("pk").first()

    def prevented(*args, **kwargs):
        raise ProtectedError("still needed", {deal})

    monkeypatch.setattr(contacts, "do_delete_contact", prevented)
    page = f"/accounts/{contact.account_id}/"

    # when
    response = browser.post(f"/accounts/contacts/{contact.pk}/delete/", HTTP_REFERER=page)

    # then
    assert response.status_code == 302
    assert response["Location"] == page
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == [
        f"This cannot be deleted while other records still refer to it: 1 {Opportunity._meta.verbose_name}."
    ]
