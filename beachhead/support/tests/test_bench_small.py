"""The support benchmark's dataset builder and clean-up on a tiny scale, on whatever database
the suite runs (its SQL is hand-written per engine, so CI catches a break here rather than in a
full-scale run)."""

from __future__ import annotations

import sys

import pytest
from django.conf import settings
from django.db import connection

sys.path.insert(0, str(settings.REPO_DIR))

pytestmark = pytest.mark.skipif(
    connection.vendor not in ("sqlite", "postgresql"),
    reason="the tickets dataset is built on SQLite and PostgreSQL",
)


@pytest.fixture
def accounts(customer, growth_customer):
    from beachhead.accounts.models import Contact

    Contact.objects.create(
        account=growth_customer, full_name="佐藤 花子", email="hanako@example.jp"
    )
    return [customer, growth_customer]


def test_tickets_dataset_and_checkpoint(accounts):
    from beachhead.commitments.models import Commitment
    from beachhead.support.models import Message, Ticket
    from beachhead.support.services.tickets import do_create_ticket
    from bench import datasets
    from bench.tickets import Checkpoint, creation_bodies, make_mails

    datasets.seed_desk()
    datasets._build_tickets(300, batch=120)
    assert Ticket.objects.count() == 300
    assert Message.objects.count() == 1500
    assert Ticket.objects.filter(status="open").count() == datasets._expected_open(300)
    unsolved = Ticket.objects.filter(status__in=["new", "open", "pending", "on_hold"]).count()
    assert 10 <= unsolved <= 60  # about 10 %
    assert Ticket.objects.filter(channel="phone").count() == 30
    assert set(Ticket.objects.values_list("market__code", flat=True)) == {"JP"}
    ticket = Ticket.objects.order_by("pk").first()
    kinds = list(ticket.messages.order_by("created_at", "pk").values_list("kind", flat=True))
    assert kinds == ["inbound", "reply", "inbound", "reply", "note"]
    assert ticket.messages.filter(message_id=f"b{ticket.pk}.2@bench.beachhead.localhost").exists()

    checkpoint = Checkpoint.take([ticket.pk])
    body = creation_bodies(1)
    assert body  # strategic accounts of the regional manager's markets exist
    do_create_ticket(subject="Bench", body_text="x", account=accounts[0], priority="urgent")
    assert Commitment.objects.count() > checkpoint.ids[Commitment]
    checkpoint.restore()
    assert Ticket.objects.count() == 300
    assert Message.objects.count() == 1500
    assert not Commitment.objects.filter(pk__gt=checkpoint.ids[Commitment]).exists()
    mails, _answered = make_mails(10, [ticket.pk])
    assert len(mails) == 10
    assert all(isinstance(m, bytes) for m in mails)
