"""The ticket list is a saved-views source: badges and SLA due health in its cells, filters on
related fields, a constant number of queries whatever the page size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beachhead.support.services import tickets


def _make(n, prefix="ノード停止", **kw):
    return [
        tickets.do_create_ticket(
            subject=f"{prefix} {i}",
            body_text="本文",
            requester_email="yamada@yamato-seiki.co.jp",
            **kw,
        )
        for i in range(n)
    ]


@pytest.mark.django_db
def test_ticket_list_cells_and_filters(client, customer, admin):
    _make(2, priority="urgent")
    _make(1, prefix="ライセンスの質問", priority="low")
    client.force_login(admin)
    page = client.get("/lists/tickets/?f=priority:in:urgent&f=account__tier:in:strategic")
    assert page.status_code == 200
    html = page.content.decode()
    assert "ノード停止 0" in html
    assert "ノード停止 1" in html
    assert "ライセンスの質問" not in html
    assert "ticket-priority priority-urgent" in html
    assert "ticket-status status-new" in html
    assert "ti-clock" in html  # due in 15 minutes, before its warning time: on track
    # The export writes the plain values, not the badges.
    export = client.get("/lists/tickets/export.csv?f=priority:in:urgent")
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "urgent" in body.lower()
    assert "badge" not in body


@pytest.mark.django_db
def test_ticket_list_query_count_does_not_grow(client, customer, admin):
    client.force_login(admin)
    _make(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/lists/tickets/").status_code == 200
    _make(25, priority="high")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/lists/tickets/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
