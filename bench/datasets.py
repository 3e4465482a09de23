"""Datasets for the benchmarks, built with set-based SQL so a million rows take seconds, not an
hour of ORM saves. Each builder is idempotent: a dataset of the right size is reused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

NOW = datetime(2027, 3, 3, 2, 0, tzinfo=UTC)
BENCH_KIND = "follow_up"


def _owner():
    from beachhead.core.models import User
    from beachhead.core.services import do_create_user
    from beachhead.markets.models import Market
    from beachhead.markets.services import do_sync_markets

    if not Market.objects.exists():
        do_sync_markets()
    user = User.objects.filter(username="bench.owner").first()
    if user is None:
        user, _pw = do_create_user(
            username="bench.owner",
            role="support_agent",
            markets=["JP"],
            password="x",
            validate=False,
        )
    return user, Market.objects.get(code="JP")


def _wipe(*model_classes) -> None:
    """Empty these tables with one raw DELETE each (children first), in one transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        for model in model_classes:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _analyze(*tables: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        elif connection.vendor == "mysql":
            cursor.execute(f"ANALYZE TABLE {', '.join(tables)}")


def _fmt(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def seed_commitments(open_count: int, due: int) -> datetime:
    """``open_count`` open commitments, of which ``due`` are due at ``NOW``; returns NOW."""
    from beachhead.commitments.models import Commitment

    owner, market = _owner()
    if Commitment.objects.count() == open_count:
        reset_sweep(NOW)
        return NOW
    # Raw deletes: the ORM's cascade collector takes many minutes (and gigabytes) over a million
    # rows, which made every switch between scales on one bench database crawl.
    from beachhead.commitments.models import CommitmentEvent
    from beachhead.core.models import Notification

    Notification.objects.filter(key__startswith="commitment:").delete()
    _wipe(CommitmentEvent, Commitment)
    due_at = _fmt(NOW - timedelta(minutes=1))
    start = _fmt(NOW - timedelta(hours=2))
    future = NOW + timedelta(days=1)
    columns = (
        "kind, title, subject_id, subject_label, customer_id, customer_label, market_id, owner_id,"
        " calendar, started_at, target_seconds, due_at, warn_at, escalate_at, state,"
        " created_at, updated_at"
    )
    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(
                f"""WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %s)
                INSERT INTO commitments_commitment ({columns})
                SELECT %s, 'Promise ' || n, '', '', '', 'Bench customer', %s, %s, '24x7', %s, 3600,
                  CASE WHEN n <= %s THEN %s ELSE datetime(%s, '+' || (n %% 5000) || ' minutes') END,
                  CASE WHEN n <= %s THEN %s ELSE datetime(%s, '+' || (n %% 5000) || ' minutes', '-30 minutes') END,
                  CASE WHEN n <= %s THEN %s ELSE datetime(%s, '+' || (n %% 5000) || ' minutes', '-10 minutes') END,
                  'open', %s, %s FROM seq""",
                [
                    open_count, BENCH_KIND, market.pk, owner.pk, start,
                    due, due_at, _fmt(future), due, due_at, _fmt(future), due, due_at, _fmt(future),
                    start, start,
                ],
            )  # fmt: skip
        elif vendor == "postgresql":
            cursor.execute(
                f"""INSERT INTO commitments_commitment ({columns})
                SELECT %s, 'Promise ' || n, '', '', '', 'Bench customer', %s, %s, '24x7', %s, 3600,
                  CASE WHEN n <= %s THEN %s::timestamptz ELSE %s::timestamptz + (n %% 5000) * interval '1 minute' END,
                  CASE WHEN n <= %s THEN %s::timestamptz ELSE %s::timestamptz + (n %% 5000) * interval '1 minute' - interval '30 minutes' END,
                  CASE WHEN n <= %s THEN %s::timestamptz ELSE %s::timestamptz + (n %% 5000) * interval '1 minute' - interval '10 minutes' END,
                  'open', %s, %s FROM generate_series(1, %s) AS n""",
                [
                    BENCH_KIND, market.pk, owner.pk, start + "+00",
                    due, due_at + "+00", _fmt(future) + "+00", due, due_at + "+00", _fmt(future) + "+00",
                    due, due_at + "+00", _fmt(future) + "+00", start + "+00", start + "+00", open_count,
                ],
            )  # fmt: skip
        else:
            _seed_rows_in_batches(
                cursor, columns, open_count, due, owner, market, start, due_at, future
            )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE commitments_commitment")
    elif vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return NOW


def _seed_rows_in_batches(cursor, columns, open_count, due, owner, market, start, due_at, future):
    sql = (
        f"INSERT INTO commitments_commitment ({columns}) VALUES "
        "(%s, %s, '', '', '', 'Bench customer', %s, %s, '24x7', %s, 3600, %s, %s, %s, 'open', %s, %s)"
    )
    batch = []
    for n in range(1, open_count + 1):
        if n <= due:
            d = w = e = due_at
        else:
            at = future + timedelta(minutes=n % 5000)
            d, w, e = _fmt(at), _fmt(at - timedelta(minutes=30)), _fmt(at - timedelta(minutes=10))
        batch.append(
            (BENCH_KIND, f"Promise {n}", market.pk, owner.pk, start, d, w, e, start, start)
        )
        if len(batch) == 5000:
            cursor.executemany(sql, batch)
            batch = []
    if batch:
        cursor.executemany(sql, batch)


def reset_sweep(now: datetime) -> None:
    """Put the due commitments back to open, as before the first sweep."""
    from beachhead.commitments.models import Commitment, CommitmentEvent, State
    from beachhead.core.models import Notification

    with transaction.atomic():
        broken = Commitment.objects.filter(state=State.BROKEN)
        CommitmentEvent.objects.filter(commitment__in=broken).delete()
        Notification.objects.filter(key__startswith="commitment:").delete()
        broken.update(state=State.OPEN, broken_at=None)


# --- Accounts ---------------------------------------------------------------------------------

#: The accounts dataset at full scale (issue 4, "Scale targets"); small scale is 1/100 of it.
ACCOUNT_COUNTS = {"accounts": 10_000, "contacts": 100_000, "deals": 50_000, "deployments": 30_000}
#: The large account the customer-360 measurement opens (the same at every scale).
LARGE = {"contacts": 300, "deals": 120, "deployments": 40}
LARGE_WEBSITE = "https://www.bench-large-account.example.jp"
ACCOUNTS_SEED = 4
BENCH_RM = "bench.rm"
BENCH_RM_MARKETS = ["JP", "KR", "CN", "US", "CA"]


def _now() -> datetime:
    """Accounts' history ends today (the demo's does), not at the sweep's ``NOW``."""
    from django.utils import timezone

    return timezone.now().replace(microsecond=0)


def account_targets(factor: float) -> dict[str, int]:
    return {key: max(1, int(value * factor)) for key, value in ACCOUNT_COUNTS.items()}


def regional_manager():
    """The regional manager the list pages are measured for (markets JP, KR, CN, US, CA)."""
    from beachhead.core.models import User
    from beachhead.core.services import do_create_user

    _owner()  # the markets
    user = User.objects.filter(username=BENCH_RM).first()
    if user is None:
        user, _pw = do_create_user(
            username=BENCH_RM,
            role="regional_manager",
            markets=BENCH_RM_MARKETS,
            password="x",
            validate=False,
        )
    return user


def _account_counts() -> dict[str, int]:
    from beachhead.accounts.models import Account, Contact, Deployment, Opportunity

    return {
        "accounts": Account.objects.count(),
        "contacts": Contact.objects.count(),
        "deals": Opportunity.objects.count(),
        "deployments": Deployment.objects.count(),
    }


def seed_accounts(factor: float):
    """Accounts, contacts, deals and deployments at ``factor`` × ``ACCOUNT_COUNTS``, with one
    large account (``LARGE``); returns the large account. Reused when the counts match.

    The accounts come from the accounts demo generator (names in each market's script, owners,
    lifetime values, tiers, what they run), run for accounts alone: its promises go through
    the commitments ledger, which is slow at scale and would disturb the sweep's dataset, so
    they are left out. The demo gives about 3 contacts, 1.2 deals and 0.8 deployments an
    account; the rest, up to the targets, are added here with bulk inserts (same vocabulary,
    spread at random over the accounts), and one Japanese account is made a large customer.
    """
    from beachhead.accounts.models import Account

    targets = account_targets(factor)
    large = Account.objects.filter(website=LARGE_WEBSITE).first()
    if large is not None and _account_counts() == targets:
        return large
    _wipe_accounts()
    _owner()  # the markets
    _build_accounts(targets)
    _analyze(
        "accounts_account",
        "accounts_contact",
        "accounts_opportunity",
        "accounts_deployment",
        "accounts_deploymentevent",
    )
    counts = _account_counts()
    assert counts == targets, (counts, targets)
    return Account.objects.get(website=LARGE_WEBSITE)


def _wipe_accounts() -> None:
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from beachhead.accounts.models import Account, Contact, Deployment, DeploymentEvent, Opportunity

    models = (DeploymentEvent, Deployment, Opportunity, Contact, Account)
    LogEntry.objects.filter(
        content_type__in=ContentType.objects.get_for_models(*models).values()
    ).delete()
    _wipe(*models)


def _build_accounts(targets: dict[str, int]) -> None:
    from unittest import mock

    from beachhead.accounts import demo
    from beachhead.core.demo import DemoContext

    ctx = DemoContext(seed=ACCOUNTS_SEED, accounts=targets["accounts"])
    with transaction.atomic():
        with mock.patch.object(demo, "_make_promises", lambda *args, **kwargs: None):
            demo.create_accounts(ctx)
        large = _make_large(ctx)
        with demo._explicit_timestamps(*_account_models()):
            _top_up(ctx, targets, large)
        _recount_production_nodes()


def _account_models():
    from beachhead.accounts.models import Account, Contact, Deployment, Opportunity

    return (Account, Contact, Opportunity, Deployment)


def _make_large(ctx):
    """A large Japanese customer (the JP account with the most expected spend, past the two
    showcase deals the demo puts first), marked by its website."""
    from beachhead.accounts.demo import SIZE_INDEX
    from beachhead.accounts.models import Account, Health, Lifecycle, Size, Tier
    from beachhead.accounts.services.accounts import apply_valuation
    from beachhead.core.models import User

    japan = Account.objects.filter(market__code="JP").order_by("pk")
    showcase = list(japan.values_list("pk", flat=True)[:2])
    account = (
        japan.exclude(pk__in=showcase).order_by("-expected_annual_spend", "pk").first()
        or japan.first()
    )
    assert account is not None, "the demo made no Japanese account"
    account.website = LARGE_WEBSITE
    account.lifecycle = Lifecycle.CUSTOMER
    account.size = Size.GIANT if SIZE_INDEX[account.size] < 5 else account.size
    account.health = Health.STRONG
    account.named = True
    account.tier = Tier.STRATEGIC
    account.csm = User.objects.filter(username="cs.tokyo").first()
    apply_valuation(account)
    account.save()
    return account


def _top_up(ctx, targets: dict[str, int], large) -> None:
    """Contacts, deals and deployments up to the targets: the large account's first, then the
    rest spread at random over the others (deployments only where something runs)."""
    from beachhead.accounts.models import Account, Contact, Deployment, Lifecycle, Opportunity

    rng = ctx.rng("bench:top-up")
    accounts = list(Account.objects.select_related("market", "owner").order_by("pk"))
    large = next(a for a in accounts if a.pk == large.pk)
    others = [a for a in accounts if a.pk != large.pk]
    running = [
        a for a in others if a.lifecycle in (Lifecycle.CUSTOMER, Lifecycle.PILOT, Lifecycle.CHURNED)
    ] or others
    for model, key, make, pool in (
        (Contact, "contacts", _contacts, others),
        (Opportunity, "deals", _deals, others),
        (Deployment, "deployments", _deployments, running),
    ):
        have = model.objects.filter(account=large).count()
        rest = targets[key] - LARGE[key] - model.objects.exclude(account=large).count()
        if rest < 0:  # the demo made more than the target: drop the newest extra rows
            extra = model.objects.exclude(account=large).order_by("-pk")[:-rest]
            model.objects.filter(pk__in=list(extra.values_list("pk", flat=True))).delete()
            rest = 0
        chosen = [large] * max(0, LARGE[key] - have) + [rng.choice(pool) for _i in range(rest)]
        make(ctx, rng, chosen)


def _contacts(ctx, rng, accounts) -> None:
    from urllib.parse import urlsplit

    from beachhead.accounts.demo import BATCH, ROLES, Names, Phones
    from beachhead.accounts.models import Contact

    names: dict[str, Names] = {}
    phones: dict[str, Phones] = {}
    batch = []
    for i, account in enumerate(accounts):
        code = account.market.code
        if code not in names:
            names[code] = Names(ctx, code)
            phones[code] = Phones(ctx, (account.market.countries or [code])[0], size=50)
        full_name, latin = names[code].person()
        domain = urlsplit(account.website).hostname.removeprefix("www.")
        created = account.created_at + timedelta(days=rng.uniform(0, 400))
        created = min(created, _now())
        batch.append(
            Contact(
                account=account,
                full_name=full_name,
                latin_name=latin,
                email=f"{(latin or f'contact{i}').lower().replace(' ', '.')}@{domain}",
                phone=phones[code].next() if rng.random() < 0.85 else "",
                language=(account.market.languages or ["en"])[0],
                timezone=account.market.timezone,
                roles=sorted(rng.sample(ROLES, k=rng.choice([1, 1, 2])), key=ROLES.index),
                created_at=created,
                updated_at=created,
            )
        )
    Contact.objects.bulk_create(batch, batch_size=BATCH)


def _deals(ctx, rng, accounts) -> None:
    from decimal import Decimal

    from beachhead.accounts.demo import BATCH, _deal_name
    from beachhead.accounts.models import Opportunity, Stage
    from beachhead.core.money import Money

    stages = list(Stage.objects.order_by("order"))
    weights = [4 if s.is_won else 1 if s.is_lost else 2 for s in stages]
    batch = []
    for account in accounts:
        stage = rng.choices(stages, weights=weights)[0]
        spend = account.expected_annual_spend
        amount = Money(
            (spend.amount * Decimal(str(round(rng.uniform(0.2, 1.3), 2)))).quantize(Decimal(1)),
            str(spend.currency),
        )
        created = min(_now(), account.created_at + timedelta(days=rng.uniform(0, 600)))
        closed = None
        if stage.is_won or stage.is_lost:
            closed = min(_now(), created + timedelta(days=rng.uniform(20, 180)))
            close_date = closed.date()
        else:
            close_date = _now().date() + timedelta(days=rng.randint(10, 270))
        name = f"{account.name} · {_deal_name(rng, stage.key, 1)}"
        batch.append(
            Opportunity(
                account=account,
                name=name[:200],
                stage=stage,
                amount=amount,
                close_date=close_date,
                owner=account.owner,
                closed_at=closed,
                created_at=created,
                updated_at=closed or created,
            )
        )
    Opportunity.objects.bulk_create(batch, batch_size=BATCH)


def _deployments(ctx, rng, accounts) -> None:
    from django.db.models import Max

    from beachhead.accounts.demo import BATCH, PRODUCTS, REGIONS, VERSIONS
    from beachhead.accounts.models import Deployment, DeploymentEvent, Environment

    environments = [Environment.PRODUCTION, Environment.STAGING, Environment.TEST]
    before = Deployment.objects.aggregate(n=Max("pk"))["n"] or 0
    rows = []
    for account in accounts:
        environment = rng.choices(environments, weights=[6, 3, 1])[0]
        created = min(_now(), account.created_at + timedelta(days=rng.uniform(10, 400)))
        rows.append(
            Deployment(
                account=account,
                product=rng.choices([p for p, _w in PRODUCTS], [w for _p, w in PRODUCTS])[0],
                version=rng.choices([v for v, _w in VERSIONS], [w for _v, w in VERSIONS])[0],
                node_count=rng.randint(1, 12 if environment == Environment.PRODUCTION else 4),
                cloud_region=rng.choice(REGIONS.get(account.market.code, ["aws:us-east-1"])),
                environment=environment,
                created_at=created,
                updated_at=created,
            )
        )
    Deployment.objects.bulk_create(rows, batch_size=BATCH)
    if rows and not rows[0].pk:  # databases that do not return ids from bulk inserts
        rows = list(Deployment.objects.filter(pk__gt=before).order_by("pk"))
    DeploymentEvent.objects.bulk_create(
        [
            DeploymentEvent(
                deployment_id=d.pk,
                account_id=d.account_id,
                deployment_key=d.pk,
                kind=DeploymentEvent.Kind.CREATED,
                at=d.created_at,
                environment=d.environment,
                node_count=d.node_count,
                version=d.version,
            )
            for d in rows
        ],
        batch_size=BATCH,
    )


def _recount_production_nodes() -> None:
    """Keep ``Account.production_nodes`` in step with the production deployments added."""
    from django.db.models import IntegerField, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce

    from beachhead.accounts.models import Account, Deployment, Environment

    nodes = (
        Deployment.objects.filter(account=OuterRef("pk"), environment=Environment.PRODUCTION)
        .order_by()
        .values("account")
        .annotate(n=Sum("node_count"))
        .values("n")
    )
    Account.objects.update(
        production_nodes=Coalesce(Subquery(nodes, output_field=IntegerField()), 0)
    )
