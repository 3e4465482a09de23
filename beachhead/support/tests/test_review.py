"""Regression tests of the support pillar's review: header safety of outbound mail, the
language of customer mail, bad numbers in the API, SLA clocks on priority changes and mail
to closed tickets."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from beachhead.accounts.models import Contact
from beachhead.commitments.models import State
from beachhead.commitments.services import for_subject
from beachhead.support.models import Status, Ticket
from beachhead.support.services import ingest, outbound, tickets

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def agent(make_agent, tokyo_team):
    return make_agent(
        "aiko", ["JP"], "Asia/Tokyo", ["ja", "en"], [("00:00", "00:00")], tokyo_team, range(7)
    )


@pytest.mark.django_db
def test_newline_in_requester_name_neither_injects_nor_blocks_the_reply(
    api, agent, customer, django_capture_on_commit_callbacks, api_ticket
):
    """A name with CR/LF (API input, or a contact saved elsewhere) must not make every send of
    the reply fail with BadHeaderError (nor add headers)."""
    client = api(agent)
    created = api_ticket(
        client, "new@yamato-seiki.co.jp", "Evil\r\nBcc: victim@example.com", "Hello"
    )
    assert created.status_code == 201, created.content
    Contact.objects.create(
        account=customer, full_name="Bad\nName", email="bad@yamato-seiki.co.jp", language="ja"
    )
    other = tickets.do_create_ticket(subject="x", requester_email="bad@yamato-seiki.co.jp")
    for pk in (created.json()["id"], other.pk):
        ticket = Ticket.objects.get(pk=pk)
        with django_capture_on_commit_callbacks(execute=True):
            tickets.do_reply(ticket, agent, "Thanks")
    assert len(mail.outbox) == 2
    for sent in mail.outbox:
        header = sent.message()["To"]
        assert "\n" not in header
        assert "\r" not in header
        assert not sent.bcc


@pytest.mark.django_db
def test_reply_mail_in_the_nearest_interface_language(agent, customer):
    """A mail's language hint is often ``zh-CN`` or ``ja-JP``: the customer's mail must come in
    Chinese or Japanese, not English."""
    for language in ("zh-cn", "ja-jp"):
        ticket = tickets.do_create_ticket(
            subject="x",
            account=customer,
            requester_email=f"{language}@yamato-seiki.co.jp",
            language=language,
        )
        assert ticket.language == language
        message = tickets.do_reply(ticket, agent, "Thanks")
        email = outbound.build_reply(message)
        assert " at " not in email.from_email, (language, email.from_email)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "#99999999999999999999999"])
def test_api_filters_answer_400_for_bad_numbers(api, agent, customer, value):
    client = api(agent)
    for name in ("account", "team", "assignee", "q"):
        response = client.get("/api/v1/tickets/", {name: value})
        assert response.status_code in (200, 400), (name, value, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999999999999999999999", "²"])
def test_api_create_and_patch_answer_400_for_bad_numbers(api, agent, customer, value):
    client = api(agent)
    response = client.post("/api/v1/tickets/", {"requester": value, "subject": "x"}, format="json")
    assert response.status_code == 400, response.content
    response = client.post(
        "/api/v1/tickets/",
        {"requester": "yamada@yamato-seiki.co.jp", "subject": "x", "account": 10**22},
        format="json",
    )
    assert response.status_code == 400, response.content
    created = client.post(
        "/api/v1/tickets/", {"requester": "yamada@yamato-seiki.co.jp", "subject": "x"}
    ).json()
    response = client.patch(f"/api/v1/tickets/{created['id']}/", {"assignee": value}, format="json")
    assert response.status_code == 400, response.content


@pytest.mark.django_db
def test_priority_change_while_pending_keeps_the_clocks_paused(customer, agent):
    monday = dt.datetime(2027, 1, 18, 10, 0, tzinfo=TOKYO)
    ticket = tickets.do_create_ticket(
        subject="x", requester_email="yamada@yamato-seiki.co.jp", priority="normal", at=monday
    )
    tickets.do_set_status(ticket, agent, Status.PENDING, at=monday + dt.timedelta(minutes=5))
    ticket.refresh_from_db()
    tickets.do_update_ticket(
        ticket, agent, {"priority": "urgent"}, at=monday + dt.timedelta(minutes=10)
    )
    assert for_subject(ticket).filter(kind="periodic_update", state=State.OPEN).exists()
    running = for_subject(ticket).filter(state=State.OPEN, paused_at__isnull=True)
    assert not running.exists(), list(running.values_list("kind", flat=True))
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None
    # The customer answers: the clocks run again.
    tickets.do_add_customer_message(
        ticket, text="Here you are", at=monday + dt.timedelta(minutes=20)
    )
    assert for_subject(ticket).filter(state=State.OPEN, paused_at__isnull=True).exists()


def _mail(subject: str, *, message_id: str, in_reply_to: str = "") -> bytes:
    head = [
        "From: 山田 太郎 <yamada@yamato-seiki.co.jp>",
        "To: support@example.com",
        f"Subject: {subject}",
        f"Message-ID: <{message_id}>",
        "Date: Mon, 18 Jan 2027 10:00:00 +0900",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ]
    if in_reply_to:
        head.append(f"In-Reply-To: <{in_reply_to}>")
    return ("\r\n".join(head) + "\r\n\r\nまた問題が起きました。\r\n").encode()


@pytest.mark.django_db
def test_mail_answering_a_closed_ticket_opens_a_new_one(customer, agent):
    """A closed ticket stays closed (the portal and the status service say so): mail in its
    thread starts a new ticket instead of reopening it."""
    first = ingest.ingest(_mail("Problem", message_id="a1@yamato-seiki.co.jp"))
    ticket = Ticket.objects.get(pk=first.ticket)
    tickets.do_set_status(ticket, agent, Status.SOLVED)
    tickets.do_set_status(ticket, agent, Status.CLOSED)
    again = ingest.ingest(
        _mail(
            f"Re: Problem {ticket.reference}",
            message_id="a2@yamato-seiki.co.jp",
            in_reply_to="a1@yamato-seiki.co.jp",
        )
    )
    assert again.result == "created", again
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


@pytest.mark.django_db
def test_reply_on_a_pending_urgent_ticket_does_not_start_a_running_update(customer, agent):
    ticket = tickets.do_create_ticket(
        subject="x", requester_email="yamada@yamato-seiki.co.jp", priority="urgent"
    )
    tickets.do_reply(ticket, agent, "Could you send the logs?", status=Status.PENDING)
    ticket.refresh_from_db()
    tickets.do_reply(ticket, agent, "One more thing: the version, please.")
    running = for_subject(ticket).filter(state=State.OPEN, paused_at__isnull=True)
    assert not running.exists(), list(running.values_list("kind", flat=True))
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None


@pytest.mark.django_db
def test_the_reply_footer_links_to_the_served_address_when_no_base_url_is_set(
    agent, customer, settings
):
    """``beachhead serve --port 8123`` hands its children ``BEACHHEAD_BASE_URL``; a reply mail
    sent by the worker then links there (and never to an empty host)."""
    from beachhead.core.management.commands.serve import child_environment

    settings.BEACHHEAD_BASE_URL = child_environment("127.0.0.1", 8123, environ={})[
        "BEACHHEAD_BASE_URL"
    ]
    ticket = tickets.do_create_ticket(
        subject="x", account=customer, requester_email="a@yamato-seiki.co.jp"
    )
    email = outbound.build_reply(tickets.do_reply(ticket, agent, "Thanks"))
    assert "http://127.0.0.1:8123/support/portal/" in email.body

    settings.BEACHHEAD_BASE_URL = ""
    email = outbound.build_reply(tickets.do_reply(ticket, agent, "Again"))
    assert "http://127.0.0.1:8000/support/portal/" in email.body
