"""Tickets join the customer timeline through the registry: the 360 page shows them without
the accounts pillar knowing about tickets."""

from __future__ import annotations

import pytest
from django.utils import translation

from beachhead.core.timeline import timeline
from beachhead.support.services import tickets


@pytest.mark.django_db
def test_tickets_on_the_customer_timeline_and_360_page(client, customer, admin, make_user):
    ticket = tickets.do_create_ticket(
        subject="データ移行の相談",
        body_text="本文",
        requester_email="yamada@yamato-seiki.co.jp",
    )
    entries = timeline(customer, admin, only={"tickets"})
    assert [e.url for e in entries] == [ticket.get_absolute_url()]
    client.force_login(admin)
    page = client.get(customer.get_absolute_url())
    assert page.status_code == 200
    assert "データ移行の相談" in page.content.decode()
    # Someone who may not see the ticket does not see it on the timeline either.
    outsider = make_user("account_executive", ["DE"], username="jonas")
    assert timeline(customer, outsider, only={"tickets"}) == []


@pytest.mark.django_db
def test_a_tickets_status_moves_reach_the_timeline_from_the_event_stream(
    customer, admin, make_user
):
    from beachhead.support.models import Status

    ticket = tickets.do_create_ticket(
        subject="ライセンスの更新", body_text="本文", requester_email="yamada@yamato-seiki.co.jp"
    )
    tickets.do_set_status(ticket, admin, Status.PENDING)
    tickets.do_set_status(ticket, admin, Status.SOLVED)

    with translation.override("en"):  # entries are written in the reader's language
        entries = timeline(customer, admin, only={"history"})

    assert [(e.title, e.state) for e in entries] == [
        (f"#{ticket.pk} ライセンスの更新: Solved", "kept"),
        (f"#{ticket.pk} ライセンスの更新: Pending on customer", "paused"),
    ]
    assert {e.url for e in entries} == {ticket.get_absolute_url()}
    outsider = make_user("account_executive", ["DE"], username="jonas")
    assert timeline(customer, outsider, only={"history"}) == []
