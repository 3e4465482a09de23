"""Demo accounts: the same seed gives the same accounts, people, deals and deployments."""

from __future__ import annotations

from django.db import transaction

from beachhead.accounts.demo import create_accounts
from beachhead.accounts.models import Account, Contact, Deployment, DeploymentEvent, Opportunity
from beachhead.core import demo


def fingerprint() -> dict:
    return {
        "accounts": list(
            Account.objects.order_by("pk").values_list(
                "legal_name", "latin_name", "market__code", "industry", "size", "tier",
                "lifecycle", "named", "owner__username", "expected_annual_spend",
                "expected_annual_spend_currency", "production_nodes", "ltv",
            )
        ),
        "contacts": list(
            Contact.objects.order_by("pk").values_list("full_name", "email", "phone", "roles")
        ),
        "deals": list(
            Opportunity.objects.order_by("pk").values_list("name", "stage__key", "amount", "amount_currency")
        ),
        "deployments": list(
            Deployment.objects.order_by("pk").values_list("version", "node_count", "environment")
        ),
        "events": DeploymentEvent.objects.count(),
    }  # fmt: skip


def run(seed: int, accounts: int) -> dict:
    ctx = demo.DemoContext(seed=seed, accounts=accounts)
    with transaction.atomic():
        demo.create_people(ctx)
        create_accounts(ctx)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_same_seed_same_accounts(markets, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    first = run(7, 60)
    second = run(7, 60)
    assert first == second
    assert len(first["accounts"]) == 60
    assert first["contacts"]
    assert first["deals"]
    assert run(8, 60)["accounts"] != first["accounts"]


def test_demo_figures_follow_the_seeds(markets, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = demo.DemoContext(seed=2026, accounts=400)
    demo.create_people(ctx)
    create_accounts(ctx)

    accounts = Account.objects.all()
    assert accounts.count() == 400
    assert len({a.market_id for a in accounts}) >= 20  # across the markets
    strategic = accounts.filter(annual_value__gte=1_000_000).count()
    deep = accounts.filter(production_nodes__gte=50).count()
    assert 0 < strategic < 40  # a few strategic accounts, many small
    assert 0 < deep < 60  # deep users are a minority
    japanese = accounts.filter(market__code="JP").values_list("legal_name", flat=True)
    assert any("株式会社" in name for name in japanese)
    assert accounts.filter(market__code="SA", legal_name__startswith="شركة").exists()
    # The two seed deals, first in Japan
    from beachhead.accounts.services.ltv import qualify_deal

    seeds = Opportunity.objects.filter(account__market__code="JP", stage__key="discovery").order_by(
        "pk"
    )[:2]
    seeds = [
        d
        for d in Opportunity.objects.filter(name__contains="·").order_by("pk")
        if d.account.latin_name in ("Mirai Telecom", "Hayate Lab") and d.stage.key == "discovery"
    ]
    verdicts = {d.account.latin_name: qualify_deal(d.account, d.amount).verdict for d in seeds}
    assert verdicts == {"Mirai Telecom": "take", "Hayate Lab": "decline"}
