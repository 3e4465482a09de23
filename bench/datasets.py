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
    wipe_tickets()  # tickets point at accounts and contacts
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
        with mock.patch.object(demo, "_make_promises", return_value=None):
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


# --- Support tickets ------------------------------------------------------------------------

#: The support desk at full scale (the support issue's "Scale targets"); small is 1/100.
TICKET_COUNTS = {"tickets": 1_000_000, "messages_per_ticket": 5}
#: Markets with a bench desk team and agents on shifts around the clock (routing has someone).
DESK_MARKETS = {
    "JP": ("Asia/Tokyo", ["ja", "en"]),
    "CN": ("Asia/Shanghai", ["zh-hans", "zh", "en"]),
    "KR": ("Asia/Seoul", ["ko", "en"]),
    "US": ("America/New_York", ["en"]),
    "DE": ("Europe/Berlin", ["de", "en"]),
    "GB": ("Europe/London", ["en"]),
}
#: Subjects and texts of the seeded conversation, in the desk's three languages (and others).
TICKET_TEXTS = [
    ("en", "Cannot log in after the upgrade", "Since the upgrade to 7.5 our users get an error "
     "when they sign in. The log says the session store is unavailable. Could you help?"),
    ("en", "Invoice shows the wrong currency", "Our last invoice is in USD but the contract "
     "says EUR. Please send a corrected invoice to accounts payable."),
    ("ja", "アップグレード後にログインできません", "7.5 へのアップグレード以降、ユーザーがサインイン"
     "するとエラーになります。ログにはセッションストアが利用できないと表示されます。"),
    ("ja", "請求書の金額について", "先月の請求書の金額が見積書と異なっています。ご確認のうえ、"
     "修正版をお送りいただけますでしょうか。よろしくお願いいたします。"),
    ("zh-hans", "升级后无法登录", "升级到 7.5 版本后，用户登录时出现错误。日志显示会话存储不可用，"
     "请尽快协助处理。"),
    ("zh-hans", "集群性能下降", "从昨天开始，生产集群的查询延迟明显增加，P99 从 50 毫秒上升到 "
     "800 毫秒。请帮忙排查原因。"),
    ("de", "Leistungsproblem im Produktionscluster", "Seit gestern sind die Abfragen im "
     "Produktionscluster deutlich langsamer. Bitte um Rückmeldung."),
    ("ko", "백업 작업이 실패합니다", "어젯밤부터 예약된 백업 작업이 시간 초과로 실패하고 있습니다. "
     "확인 부탁드립니다."),
    ("en", "Question about the SLA report", "Where can we download the monthly SLA report for "
     "our account? The portal link returns an empty page."),
    ("en", "Node fails to join the cluster", "After replacing a disk, node 4 fails to join the "
     "cluster with 'region unavailable'. We attached the logs."),
]  # fmt: skip
TICKET_TAGS = ["billing", "login upgrade", "performance", "", "install", "backup", "sla-report"]
BENCH_DESK_ADMIN = "bench.deskadmin"


def ticket_targets(factor: float) -> dict[str, int]:
    tickets = max(100, int(TICKET_COUNTS["tickets"] * factor))
    return {"tickets": tickets, "messages": tickets * TICKET_COUNTS["messages_per_ticket"]}


def _ticket_counts() -> dict[str, int]:
    from beachhead.support.models import Message, Ticket

    return {"tickets": Ticket.objects.count(), "messages": Message.objects.count()}


def desk_admin():
    """A global admin: the CSV export of every ticket and the raw-mail endpoint use it."""
    from beachhead.core.models import User
    from beachhead.core.services import do_create_user

    user = User.objects.filter(username=BENCH_DESK_ADMIN).first()
    if user is None:
        user, _pw = do_create_user(
            username=BENCH_DESK_ADMIN, role="admin", password="x", validate=False
        )
    return user


def seed_desk() -> dict:
    """Bench teams and agents (three eight-hour shifts a day, every day, in each desk market's
    time zone) so that routing always finds someone on shift; idempotent."""
    import datetime as _dt

    from beachhead.core.models import Team, User
    from beachhead.core.services import do_create_user
    from beachhead.support.models import AgentProfile, Shift

    _owner()  # the markets
    teams = {}
    for code, (zone, languages) in DESK_MARKETS.items():
        team, _created = Team.objects.get_or_create(
            name=f"Bench desk {code}", defaults={"market_code": code, "timezone": zone}
        )
        teams[code] = team
        for slot, start in enumerate((0, 8, 16)):
            username = f"bench.agent.{code.lower()}{slot}"
            user = User.objects.filter(username=username).first()
            if user is not None:
                continue
            user, _pw = do_create_user(
                username=username,
                role="support_agent",
                markets=[code],
                password="x",
                timezone_name=zone,
                validate=False,
            )
            AgentProfile.objects.create(user=user, languages=languages)
            end = _dt.time((start + 8) % 24)
            Shift.objects.bulk_create(
                Shift(user=user, weekday=day, start=_dt.time(start), end=end) for day in range(7)
            )
            team.members.add(user)
    return teams


def wipe_tickets() -> None:
    """Every ticket and what hangs on it (messages, attachments, surveys, SLA commitments,
    audit entries), with raw deletes: the accounts wipe calls it first, as tickets point at
    accounts and contacts."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from beachhead.commitments.models import Commitment, CommitmentEvent
    from beachhead.support.models import Attachment, InboundMail, Message, Survey, Ticket

    ct = ContentType.objects.get_for_model(Ticket)
    LogEntry.objects.filter(content_type=ct).delete()
    promises = Commitment.objects.filter(subject_type=ct)
    CommitmentEvent.objects.filter(commitment__in=promises).delete()
    promises.delete()
    _wipe(Attachment, Survey, InboundMail, Message, Ticket)


def delete_tickets_after(ticket_pk: int) -> int:
    """Remove the tickets a measurement made (pk above ``ticket_pk``) with their messages,
    SLA commitments and audit entries, so the dataset keeps its size and the sweep's
    commitment count stays as built."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from beachhead.accounts.models import Contact
    from beachhead.commitments.models import Commitment, CommitmentEvent
    from beachhead.core.models import Notification
    from beachhead.support.models import Attachment, InboundMail, Message, Survey, Ticket

    ct = ContentType.objects.get_for_model(Ticket)
    made = Ticket.objects.filter(pk__gt=ticket_pk)
    ids = [str(pk) for pk in made.values_list("pk", flat=True)]
    if not ids:
        return 0
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            promises = Commitment.objects.filter(subject_type=ct, subject_id__in=chunk)
            Notification.objects.filter(
                key__in=[f"commitment:{pk}" for pk in promises.values_list("pk", flat=True)]
            ).delete()
            CommitmentEvent.objects.filter(commitment__in=promises).delete()
            promises.delete()
            LogEntry.objects.filter(content_type=ct, object_pk__in=chunk).delete()
        Attachment.objects.filter(message__ticket__pk__gt=ticket_pk).delete()
        Survey.objects.filter(ticket__pk__gt=ticket_pk).delete()
        InboundMail.objects.filter(ticket__pk__gt=ticket_pk).update(ticket=None)
        Message.objects.filter(ticket__pk__gt=ticket_pk)._raw_delete(Message.objects.db)
        made._raw_delete(Ticket.objects.db)
        # Senders the measurement introduced (ingest makes unknown senders contacts).
        Contact.objects.filter(email__endswith="@bench-mail.example").delete()
    return len(ids)


def seed_tickets(factor: float) -> dict[str, int]:
    """Tickets and their conversations at ``factor`` × ``TICKET_COUNTS``, over the accounts
    dataset (built first at the same factor): reused when the counts match.

    Built with set-based INSERT … SELECT over a sequence, in batches: statuses mostly solved
    or closed (10 % unsolved: new 3 %, open 4 %, pending 2 %, on hold 1 %), priorities urgent
    5 %, high 20 %, normal 55 %, low 20 %, markets those of the accounts (spread evenly over
    them), every tenth ticket from the phone (the CSV export's filter), created over two
    years, five messages each (customer, reply, customer, reply, internal note) with e-mail
    threading ids, texts in English, Japanese, Chinese, German and Korean; unsolved tickets
    carry an ``sla_due_at`` (their SLA commitments are not in the ledger: the sweep's dataset
    owns that table).
    """
    targets = ticket_targets(factor)
    seed_desk()
    desk_admin()
    if _ticket_counts() == targets and _open_tickets() == _expected_open(targets["tickets"]):
        _fill_sla_warn()
        return targets
    if connection.vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError("The tickets dataset is built on SQLite and PostgreSQL.")
    wipe_tickets()
    _build_tickets(targets["tickets"])
    if connection.vendor == "postgresql":
        # As autovacuum would have by then: statistics and the visibility map (index-only
        # scans), which ANALYZE alone does not set after a bulk load.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE support_ticket, support_message")
    else:
        _analyze("support_ticket", "support_message")
    _fill_sla_warn()
    counts = _ticket_counts()
    assert counts == targets, (counts, targets)
    return targets


def _fill_sla_warn() -> None:
    """Tickets mirror the warning time of their next promise too (``sla_warn_at``, added after
    the builder was written): an hour before the due time, filled in place when missing."""
    from django.db.models import F

    from beachhead.support.models import Ticket

    if not any(f.name == "sla_warn_at" for f in Ticket._meta.get_fields()):
        return
    missing = Ticket.objects.filter(sla_due_at__isnull=False, sla_warn_at__isnull=True)
    if missing.exists():
        missing.update(sla_warn_at=F("sla_due_at") - timedelta(hours=1))
        if connection.vendor == "postgresql":  # the update left a dead version of each row
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE support_ticket")


def _expected_open(total: int) -> int:
    """How many tickets the builder makes open (the SQL's status formula, in Python): a
    dataset built by an older formula is rebuilt, not reused."""
    return sum(1 for n in range(1, total + 1) if 3 <= (n * 2654435761 % 1000003) % 100 < 7)


def _open_tickets() -> int:
    from beachhead.support.models import Ticket

    return Ticket.objects.filter(status="open").count()


def _tmp_tables(cursor, vendor: str) -> None:
    from beachhead.accounts.models import Account, Contact
    from beachhead.core.models import Team, User

    for name in ("bench_acc", "bench_text", "bench_agent"):
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
    temp = "TEMP " if vendor == "sqlite" else "TEMPORARY "
    cursor.execute(
        f"CREATE {temp}TABLE bench_acc (i INTEGER PRIMARY KEY, account_id BIGINT, "
        "market_id BIGINT, contact_id BIGINT, email VARCHAR(254), name VARCHAR(200), "
        "language VARCHAR(16))"
    )
    first_contact = {}
    for account_id, pk, email, name, language in (
        Contact.objects.filter(account__isnull=False)
        .order_by("-pk")
        .values_list("account_id", "pk", "email", "full_name", "language")
    ):
        first_contact[account_id] = (pk, email, name, language)
    rows = []
    accounts = Account.objects.order_by("pk").values_list("pk", "market_id", "market__languages")
    for i, (pk, market_id, languages) in enumerate(accounts):
        contact = first_contact.get(pk, (None, "", "", ""))
        language = (contact[3] or (languages or ["en"])[0]).lower()[:16]
        rows.append((i, pk, market_id, contact[0], contact[1], contact[2][:200], language))
    assert rows, "build the accounts dataset first"
    cursor.executemany("INSERT INTO bench_acc VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)
    cursor.execute(
        f"CREATE {temp}TABLE bench_text (i INTEGER PRIMARY KEY, language VARCHAR(16), "
        "subject VARCHAR(300), body TEXT)"
    )
    cursor.executemany(
        "INSERT INTO bench_text VALUES (%s, %s, %s, %s)",
        [(i, *text) for i, text in enumerate(TICKET_TEXTS)],
    )
    cursor.execute(
        f"CREATE {temp}TABLE bench_agent (i INTEGER PRIMARY KEY, user_id BIGINT, "
        "team_id BIGINT, name VARCHAR(200))"
    )
    agents = []
    for team in Team.objects.filter(name__startswith="Bench desk ").order_by("pk"):
        for user in User.objects.filter(teams=team).order_by("pk"):
            agents.append((len(agents), user.pk, team.pk, user.username))
    cursor.executemany("INSERT INTO bench_agent VALUES (%s, %s, %s, %s)", agents)
    return len(rows), len(agents)


def _build_tickets(total: int, batch: int = 100_000) -> None:
    """INSERT … SELECT in batches of ``batch`` tickets (and their messages)."""
    import sys
    import time

    vendor = connection.vendor
    now = _fmt(NOW)
    span = 730 * 86400  # two years, in seconds

    if vendor == "sqlite":

        def plus(base: str, seconds: str) -> str:
            return f"datetime({base}, ({seconds}) || ' seconds')"

        base = f"'{now}'"
        seq = "WITH RECURSIVE seq(n) AS (SELECT %s UNION ALL SELECT n + 1 FROM seq WHERE n < %s) "
        source = "seq"
    else:

        def plus(base: str, seconds: str) -> str:
            return f"({base} + ({seconds}) * interval '1 second')"

        base = f"'{now}+00'::timestamptz"
        seq = ""
        source = "generate_series(%s::bigint, %s::bigint) AS seq(n)"
    n_accounts = None
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        n_accounts, n_agents = _tmp_tables(cursor, vendor)
        # Secondary indexes are dropped for the load and built again at the end (a sort, not
        # a million random B-tree inserts); SQLite gets a page cache that holds the tables.
        indexes = _secondary_indexes(cursor, vendor, ("support_ticket", "support_message"))
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        if vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -1000000")
        texts = len(TICKET_TEXTS)
        tags = " ".join(  # a CASE over n % len(TICKET_TAGS)
            f"WHEN {i} THEN '{tag}'" for i, tag in enumerate(TICKET_TAGS)
        )
        status = (
            "CASE WHEN s < 3 THEN 'new' WHEN s < 7 THEN 'open' WHEN s < 9 THEN 'pending' "
            "WHEN s < 10 THEN 'on_hold' WHEN s < 40 THEN 'solved' ELSE 'closed' END"
        )
        priority = (
            "CASE WHEN p < 5 THEN 'urgent' WHEN p < 25 THEN 'high' WHEN p < 80 THEN 'normal' "
            "ELSE 'low' END"
        )
        rank = "CASE WHEN p < 5 THEN 0 WHEN p < 25 THEN 1 WHEN p < 80 THEN 2 ELSE 3 END"
        channel = (
            "CASE n % 10 WHEN 0 THEN 'phone' WHEN 7 THEN 'web_form' WHEN 8 THEN 'portal' "
            "WHEN 9 THEN 'api' ELSE 'email' END"
        )
        created = plus(base, f"-{span} + (n - 1) * {span // max(1, total)} + (n % 3600)")
        unsolved = "s < 10"
        # Unsolved tickets moved within the last two weeks; the others a day or so after
        # they were opened.
        updated = (
            f"CASE WHEN {unsolved} THEN {plus(base, '-(n % 20160) * 60')} "
            f"ELSE {plus(created, '3600 * (2 + n % 46)')} END"
        )
        due = f"CASE WHEN s < 7 OR s = 9 THEN {plus(base, '((n % 2880) - 480) * 60')} ELSE NULL END"
        inner = f"""
            SELECT n, ((n * 2654435761) % 1000003) % 100 AS s,
                   ((n * 40503) % 65537) % 100 AS p, a.*, x.subject,
                   x.language AS text_language, g.user_id AS agent_id, g.team_id AS agent_team
            FROM {source}
            JOIN bench_acc a ON a.i = (n * 7919) % {n_accounts}
            JOIN bench_text x ON x.i = n % {texts}
            JOIN bench_agent g ON g.i = n % {n_agents}
        """
        ticket_sql = f"""{seq}
            INSERT INTO support_ticket (subject, account_id, requester_id, requester_email,
              requester_name, market_id, channel, language, priority, priority_rank, status,
              assignee_id, team_id, tags, product_version, sla_due_at, routing_note,
              created_at, updated_at, first_replied_at, last_customer_at, last_reply_at,
              solved_at, message_count, satisfaction)
            SELECT subject, account_id, contact_id, COALESCE(email, ''), COALESCE(name, ''),
              market_id, {channel}, language, {priority}, {rank}, {status},
              agent_id, agent_team, CASE n % {len(TICKET_TAGS)} {tags} END,
              'v7.5.' || (n % 5), {due}, '',
              {created}, {updated}, {plus(created, "3600")}, {plus(created, "7200")},
              {plus(created, "10800")},
              CASE WHEN s >= 10 THEN {updated} ELSE NULL END,
              5,
              CASE WHEN s >= 10 AND n % 7 = 0 THEN 'good'
                   WHEN s >= 10 AND n % 29 = 0 THEN 'bad' ELSE '' END
            FROM ({inner}) AS t
            ORDER BY n
        """
        kinds = (  # k: kind, from the customer?
            (1, "inbound"), (2, "reply"), (3, "inbound"), (4, "reply"), (5, "note")
        )  # fmt: skip
        k_rows = " UNION ALL ".join(f"SELECT {k} AS k, '{kind}' AS kind" for k, kind in kinds)
        mid = "'b' || t.id || '.' || k.k || '@bench.beachhead.localhost'"
        prev = "'b' || t.id || '.' || (k.k - 1) || '@bench.beachhead.localhost'"
        msg_created = (
            "datetime(t.created_at, '+' || (k.k - 1) || ' hours')"
            if vendor == "sqlite"
            else "(t.created_at + (k.k - 1) * interval '1 hour')"
        )
        message_sql = f"""
            INSERT INTO support_message (ticket_id, kind, channel, author_id, contact_id,
              from_name, from_address, body_text, body_quoted, body_html, message_id,
              in_reply_to, "references", dedup_key, language, notes, created_at, sent_at)
            SELECT t.id, k.kind,
              CASE WHEN k.kind = 'inbound' THEN t.channel ELSE 'email' END,
              CASE WHEN k.kind = 'inbound' THEN NULL ELSE t.assignee_id END,
              CASE WHEN k.kind = 'inbound' THEN t.requester_id ELSE NULL END,
              CASE WHEN k.kind = 'inbound' THEN t.requester_name ELSE '' END,
              CASE WHEN k.kind = 'inbound' THEN t.requester_email ELSE '' END,
              x.body, '', '',
              CASE WHEN k.kind = 'note' THEN '' ELSE {mid} END,
              CASE WHEN k.k > 1 AND k.kind <> 'note' THEN {prev} ELSE '' END,
              '',
              CASE WHEN k.kind = 'inbound' THEN 'mid:' || {mid} ELSE NULL END,
              t.language, '', {msg_created},
              CASE WHEN k.kind = 'reply' THEN {msg_created} ELSE NULL END
            FROM support_ticket t
            CROSS JOIN ({k_rows}) AS k
            JOIN bench_text x ON x.i = (t.id + k.k) % {texts}
            WHERE t.id > %s
            ORDER BY t.id, k.k
        """
        for first in range(1, total + 1, batch):
            last = min(total, first + batch - 1)
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM support_ticket")
            before = cursor.fetchone()[0]
            # Parameters make "%" a placeholder's mark on both drivers: modulo is "%%".
            cursor.execute(ticket_sql.replace(" % ", " %% "), [first, last])
            cursor.execute(message_sql.replace(" % ", " %% "), [before])
            print(
                f"    tickets {last:,}/{total:,} in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
        for name in ("bench_acc", "bench_text", "bench_agent"):
            cursor.execute(f"DROP TABLE {name}")
        if vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no CREATE INDEX with checks pending
        for _name, sql in indexes:
            cursor.execute(sql)
        print(
            f"    indexes rebuilt in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        if vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -2000")


def _secondary_indexes(cursor, vendor: str, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the tables' indexes that no constraint owns."""
    marks = ", ".join(["%s"] * len(tables))
    if vendor == "sqlite":
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})",
            list(tables),
        )
    else:
        cursor.execute(
            f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ({marks}) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            list(tables),
        )
    return list(cursor.fetchall())
