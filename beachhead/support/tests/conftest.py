"""Fixtures of the support tests: a Japanese strategic customer, agents with shifts in Tokyo,
Berlin and New York, and tickets made through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from beachhead.support.models import AgentProfile, Shift


@pytest.fixture
def markets(markets):
    """The root fixture's markets, plus the default SLA policies of the data migration: a
    transactional test (the browser tests' live server) empties every table when it ends,
    rows of data migrations included."""
    from importlib import import_module

    from django.apps import apps

    from beachhead.support.models import SlaPolicy

    if not SlaPolicy.objects.exists():
        import_module("beachhead.support.migrations.0002_default_sla_policies").seed(apps, None)
    return markets


@pytest.fixture
def admin(make_user):
    return make_user("admin", username="boss")


@pytest.fixture
def customer(admin, markets):
    """A strategic Japanese customer with one contact who writes in Japanese."""
    from beachhead.accounts.models import Contact
    from beachhead.accounts.services.accounts import do_create_account
    from beachhead.support.models import MailDomain

    account = do_create_account(
        admin,
        market="JP",
        legal_name="株式会社ヤマト精機",
        industry="manufacturing",
        tier="strategic",
        lifecycle="customer",
    )
    Contact.objects.create(
        account=account, full_name="山田 太郎", email="yamada@yamato-seiki.co.jp", language="ja"
    )
    MailDomain.objects.create(domain="yamato-seiki.co.jp", account=account)
    return account


@pytest.fixture
def growth_customer(admin, markets):
    from beachhead.accounts.services.accounts import do_create_account

    return do_create_account(
        admin, market="JP", legal_name="小さな会社", industry="retail", tier="growth"
    )


@pytest.fixture
def make_agent(make_user):
    """make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja", "en"], shifts=[("09:00", "18:00")])
    (Monday to Friday unless ``days``; a shift from 00:00 to 00:00 lasts the whole day; other
    keyword arguments are the user's fields, such as ``first_name``.)"""

    def make(username, markets, tz, languages, shifts=None, team=None, days=range(5), **fields):
        user = make_user("support_agent", markets, username=username, timezone_name=tz, **fields)
        AgentProfile.objects.create(user=user, languages=languages)
        for start, end in shifts or [("09:00", "18:00")]:
            for day in days:
                Shift.objects.create(
                    user=user,
                    weekday=day,
                    start=dt.time.fromisoformat(start),
                    end=dt.time.fromisoformat(end),
                )
        if team is not None:
            team.members.add(user)
        return user

    return make


@pytest.fixture
def tokyo_team(make_user):
    from beachhead.core.models import Team

    manager = make_user("regional_manager", ["JP"], username="kenji", timezone_name="Asia/Tokyo")
    return Team.objects.create(
        name="Tokyo support", market_code="JP", timezone="Asia/Tokyo", manager=manager
    )


@pytest.fixture
def mailed_ticket():
    """mailed_ticket(account, "who@…", "subject", "body", priority=…, at=…): a ticket opened by
    e-mail through the service (``account`` None: found from the sender)."""
    from beachhead.support.services import tickets

    def make(account, requester_email, subject, body_text, **fields):
        return tickets.do_create_ticket(
            subject=subject,
            body_text=body_text,
            account=account,
            requester_email=requester_email,
            channel="email",
            **fields,
        )

    return make


@pytest.fixture
def api_ticket(customer):
    """api_ticket(client, "who@…", "Their name", "subject", body=…, …): ``customer``'s ticket
    from a named requester, created through the API (``POST /api/v1/tickets/``); the response."""

    def post(client, requester, requester_name, subject, **fields):
        data = {
            "account": customer.pk,
            "requester": requester,
            "requester_name": requester_name,
            "subject": subject,
            **fields,
        }
        return client.post("/api/v1/tickets/", data, format="json")

    return post
