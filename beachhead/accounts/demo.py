"""Demo accounts: companies in every market with names in their own script, people with roles,
deals, deployments with a history, and promises made to some of them.

The figures follow the seeds: many small accounts and a few strategic ones (worth USD 1M a
year or more); deep users (50 production nodes or more) are a minority, and their number grows
about nine-fold over the last year. Two showcase deals in Japan are the qualification seeds: a
USD 100k first deal from a large, healthy, data-heavy company (take it) and a USD 500k deal from
an unknown small company (flagged).

Everything derives from ``ctx.seed``; rows are written with ``bulk_create`` in batches, so
10,000 accounts take seconds, not minutes. Timestamps are set explicitly (history in the past).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from auditlog.context import disable_auditlog
from django.db import models

from beachhead.accounts.models import (
    Account,
    Contact,
    ContactRole,
    Deployment,
    DeploymentEvent,
    Environment,
    Industry,
    Lifecycle,
    Opportunity,
    Size,
    Stage,
    Tier,
)
from beachhead.accounts.services.accounts import apply_valuation
from beachhead.accounts.services.ltv import is_strategic_value
from beachhead.core.demo import DEMO_PASSWORD, MARKET_LOCALES, DemoContext, create_demo_person
from beachhead.core.money import Money, convert
from beachhead.core.roles import Role

BATCH = 2000

#: How many accounts each market gets, relatively (big markets first).
MARKET_WEIGHTS = {
    "US": 14, "JP": 10, "CN": 10, "DE": 7, "GB": 5, "FR": 4, "KR": 4, "IN": 4, "SG": 3,
    "BR": 3, "AU": 3, "CA": 3, "NL": 2, "ES": 2, "IT": 2, "TR": 2, "AE": 2, "SA": 2, "ID": 2,
    "TH": 2, "VN": 2, "MY": 2, "MX": 2, "ZA": 1, "NG": 1, "EG": 1,
}  # fmt: skip

#: Account executives and CSMs beyond the core demo logins, so every market has an owner.
EXTRA_PEOPLE = [
    ("ae.osaka", Role.ACCOUNT_EXECUTIVE, ["JP"], "Kobayashi Mei", "ja", "Asia/Tokyo"),
    ("ae.chicago", Role.ACCOUNT_EXECUTIVE, ["US"], "Marcus Reed", "en", "America/Chicago"),
    ("ae.shanghai", Role.ACCOUNT_EXECUTIVE, ["CN"], "Wang Fang", "zh-hans", "Asia/Shanghai"),
    ("ae.seoul", Role.ACCOUNT_EXECUTIVE, ["KR"], "Kim Minji", "en", "Asia/Seoul"),
    ("ae.singapore", Role.ACCOUNT_EXECUTIVE, ["SG", "MY", "ID", "TH", "VN", "IN", "AU"],
     "Arjun Mehta", "en", "Asia/Singapore"),
    ("ae.london", Role.ACCOUNT_EXECUTIVE, ["GB", "NL", "FR", "ES", "IT"], "Oliver Hughes", "en",
     "Europe/London"),
    ("ae.dubai", Role.ACCOUNT_EXECUTIVE, ["AE", "SA", "EG", "TR", "ZA", "NG"], "Layla Haddad",
     "en", "Asia/Dubai"),
    ("ae.saopaulo", Role.ACCOUNT_EXECUTIVE, ["BR", "MX", "CA"], "Lucas Almeida", "en",
     "America/Sao_Paulo"),
    ("cs.tokyo", Role.CUSTOMER_SUCCESS, ["JP", "KR", "CN"], "Mori Yui", "ja", "Asia/Tokyo"),
    ("cs.newyork", Role.CUSTOMER_SUCCESS, ["US", "CA", "MX", "BR"], "Hannah Lee", "en",
     "America/New_York"),
    ("cs.berlin", Role.CUSTOMER_SUCCESS, ["DE", "FR", "NL", "GB", "ES", "IT", "TR", "AE", "SA",
     "EG", "NG", "ZA"], "Felix Braun", "en", "Europe/Berlin"),
]  # fmt: skip

INDUSTRY_WEIGHTS = {
    Industry.FINANCE: 14, Industry.INSURANCE: 6, Industry.HEALTHCARE: 6,
    Industry.PUBLIC_SECTOR: 4, Industry.TELECOM: 7, Industry.RETAIL: 12, Industry.GAMING: 9,
    Industry.MANUFACTURING: 11, Industry.TECHNOLOGY: 16, Industry.EDUCATION: 4,
    Industry.ENERGY: 4, Industry.LOGISTICS: 7,
}  # fmt: skip
#: Size bands: many small companies, few giants.
SIZE_WEIGHTS = {
    Size.MICRO: 22, Size.SMALL: 28, Size.MEDIUM: 22, Size.LARGE: 15, Size.ENTERPRISE: 10,
    Size.GIANT: 3,
}  # fmt: skip
LIFECYCLE_WEIGHTS = {
    Lifecycle.TARGET: 33, Lifecycle.PROSPECT: 20, Lifecycle.PILOT: 9, Lifecycle.CUSTOMER: 33,
    Lifecycle.CHURNED: 5,
}  # fmt: skip
SIZE_INDEX: dict[str, int] = {size: i for i, size in enumerate(SIZE_WEIGHTS)}

WORDS = {
    "ja": {"finance": "フィナンシャル", "insurance": "保険", "healthcare": "メディカル",
           "public_sector": "公共サービス", "telecom": "通信", "retail": "リテール",
           "gaming": "ゲームス", "manufacturing": "製作所", "technology": "テクノロジーズ",
           "education": "教育", "energy": "エナジー", "logistics": "物流"},
    "zh": {"finance": "金融", "insurance": "保险", "healthcare": "医疗",
           "public_sector": "公共服务", "telecom": "通信", "retail": "零售", "gaming": "游戏",
           "manufacturing": "制造", "technology": "科技", "education": "教育",
           "energy": "能源", "logistics": "物流"},
    "ar": {"finance": "للخدمات المالية", "insurance": "للتأمين", "healthcare": "للرعاية الصحية",
           "public_sector": "للخدمات الحكومية", "telecom": "للاتصالات", "retail": "للتجزئة",
           "gaming": "للألعاب", "manufacturing": "للصناعات", "technology": "للتقنية",
           "education": "للتعليم", "energy": "للطاقة", "logistics": "للخدمات اللوجستية"},
    "en": {"finance": "Financial", "insurance": "Insurance", "healthcare": "Health",
           "public_sector": "Public Services", "telecom": "Telecom", "retail": "Retail",
           "gaming": "Games", "manufacturing": "Industries", "technology": "Technologies",
           "education": "Learning", "energy": "Energy", "logistics": "Logistics"},
}  # fmt: skip

TLDS = {
    "JP": "co.jp", "CN": "com.cn", "KR": "co.kr", "DE": "de", "GB": "co.uk", "FR": "fr",
    "NL": "nl", "ES": "es", "IT": "it", "TR": "com.tr", "AE": "ae", "SA": "com.sa",
    "EG": "com.eg", "NG": "com.ng", "ZA": "co.za", "IN": "in", "SG": "com.sg", "TH": "co.th",
    "ID": "co.id", "VN": "vn", "MY": "com.my", "AU": "com.au", "BR": "com.br", "MX": "com.mx",
    "CA": "ca", "US": "com",
}  # fmt: skip

REGIONS = {
    "JP": ["aws:ap-northeast-1", "gcp:asia-northeast1", "azure:japaneast", "on-prem:tokyo"],
    "CN": ["aliyun:cn-hangzhou", "aliyun:cn-beijing", "tencent:ap-shanghai", "on-prem:beijing"],
    "KR": ["aws:ap-northeast-2", "naver:kr-central"],
    "US": ["aws:us-east-1", "aws:us-west-2", "gcp:us-central1", "azure:eastus"],
    "CA": ["aws:ca-central-1"], "MX": ["aws:us-east-1", "azure:mexicocentral"],
    "BR": ["aws:sa-east-1", "gcp:southamerica-east1"],
    "GB": ["aws:eu-west-2", "azure:uksouth"], "DE": ["aws:eu-central-1", "gcp:europe-west3"],
    "FR": ["aws:eu-west-3", "ovh:gra"], "NL": ["aws:eu-central-1", "gcp:europe-west4"],
    "ES": ["aws:eu-south-2"], "IT": ["aws:eu-south-1"], "TR": ["azure:westeurope", "on-prem"],
    "AE": ["aws:me-central-1", "azure:uaenorth"], "SA": ["gcp:me-central2", "on-prem:riyadh"],
    "EG": ["azure:westeurope", "on-prem:cairo"], "NG": ["aws:af-south-1", "on-prem:lagos"],
    "ZA": ["aws:af-south-1", "azure:southafricanorth"], "IN": ["aws:ap-south-1"],
    "SG": ["aws:ap-southeast-1", "gcp:asia-southeast1"], "TH": ["aws:ap-southeast-7"],
    "ID": ["aws:ap-southeast-3", "gcp:asia-southeast2"], "VN": ["on-prem:hanoi"],
    "MY": ["aws:ap-southeast-5"], "AU": ["aws:ap-southeast-2", "azure:australiaeast"],
}  # fmt: skip
PRODUCTS = [("Server", 60), ("Cloud", 25), ("Analytics", 15)]
VERSIONS = [("7.1", 8), ("7.5", 17), ("8.0", 25), ("8.1", 30), ("8.5", 20)]
ROLES = list(ContactRole.values)


def _pick(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@contextmanager
def _explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let the demo write past ``created_at``/``updated_at`` (auto_now fields ignore values)."""
    saved = []
    field: Any  # a date or date-time field
    for model in model_classes:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


# --- People ----------------------------------------------------------------------------------


def _ensure_people(ctx: DemoContext) -> None:
    """The extra account executives and CSMs, with the demo password (hashed once)."""
    from django.contrib.auth.hashers import make_password
    from django.test.utils import override_settings

    from beachhead.core.models import User

    template = User.objects.filter(username="ae.tokyo").values_list("password", flat=True).first()
    created = []
    # The real hasher costs about a second a person; hash the demo password once and give the
    # same (PBKDF2) hash to each, in this transaction.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for person in EXTRA_PEOPLE:
            if User.objects.filter(username=person[0]).exists():
                continue
            created.append(create_demo_person(*person).pk)
            ctx.count("people")
    if created:
        User.objects.filter(pk__in=created).update(
            password=template or make_password(DEMO_PASSWORD)
        )


# --- Names -----------------------------------------------------------------------------------


class Names:
    """People's and companies' names for one market, in its own script (with a Latin
    transliteration where we have one)."""

    def __init__(self, ctx: DemoContext, code: str) -> None:
        self.code = code
        self.rng = ctx.rng(f"names:{code}")
        locale = MARKET_LOCALES.get(code, "en_US")
        if code in ("AE", "EG"):
            locale = "ar_SA"  # Faker's ar_AE / ar_EG names come out in Latin script
        self.fake = ctx.faker(locale, "accounts")
        self.script = {"JP": "ja", "CN": "zh", "AE": "ar", "SA": "ar", "EG": "ar"}.get(code, "")
        if code == "JP":
            from faker.providers.person.ja_JP import Provider

            self.last_pairs = list(Provider.last_name_pairs)
            self.first_pairs = list(Provider.first_name_male_pairs) + list(
                Provider.first_name_female_pairs
            )

    def person(self) -> tuple[str, str]:
        if self.code == "JP":
            last = self.rng.choice(self.last_pairs)
            first = self.rng.choice(self.first_pairs)
            return f"{last[0]} {first[0]}", f"{first[2]} {last[2]}"
        if self.code == "CN":
            return self.fake.name(), self.fake.romanized_name()
        return self.fake.name(), ""

    def company(self, industry: str) -> tuple[str, str, str]:
        """(legal name, display name, Latin name)."""
        word_en = WORDS["en"][industry]
        if self.script == "ja":
            last = self.rng.choice(self.last_pairs)
            display = f"{last[0]}{WORDS['ja'][industry]}"
            legal = f"株式会社{display}" if self.rng.random() < 0.5 else f"{display}株式会社"
            return legal, display, f"{last[2]} {word_en}"
        if self.script == "zh":
            prefix = self.fake.company_prefix()
            display = f"{prefix}{WORDS['zh'][industry]}"
            suffix = "股份有限公司" if self.rng.random() < 0.4 else "有限公司"
            return f"{display}{suffix}", display, ""
        if self.script == "ar":
            display = f"{self.fake.last_name()} {WORDS['ar'][industry]}"
            return f"شركة {display}", display, ""
        legal = self.fake.company()
        display = legal
        for prefix in ("(주) ", "주식회사 ", "유한회사 ", "บริษัท "):
            display = display.removeprefix(prefix)
        display = display.removesuffix(" จำกัด")
        return legal, display, ""

    def domain(self) -> str:
        return f"{self.fake.domain_word()}{self.rng.randrange(10, 99)}.{TLDS.get(self.code, 'com')}"


class Phones:
    """Valid numbers of a country, varied from its example numbers (cached per market)."""

    def __init__(self, ctx: DemoContext, country: str, size: int = 200) -> None:
        rng = ctx.rng(f"phones:{country}")
        pool: list[str] = []
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(country, kind)
            if example is None:
                continue
            digits = str(example.national_number)
            for _i in range(size * 3):
                if len(pool) >= size:
                    break
                tail = "".join(str(rng.randrange(10)) for _d in range(4))
                candidate = phonenumbers.PhoneNumber(
                    country_code=example.country_code,
                    national_number=int(digits[:-4] + tail),
                )
                if phonenumbers.is_valid_number(candidate):
                    pool.append(
                        phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
                    )
        self.pool = pool or [""]
        self.rng = rng

    def next(self) -> str:
        return self.rng.choice(self.pool)


# --- Figures ---------------------------------------------------------------------------------


def _annual_spend_usd(rng, size: str) -> Decimal:
    """First-year spend: log-uniform within a band that grows with the company."""
    low, high = [
        (5_000, 40_000), (10_000, 90_000), (25_000, 250_000), (60_000, 600_000),
        (120_000, 1_500_000), (300_000, 4_000_000),
    ][SIZE_INDEX.get(size, 0)]  # fmt: skip
    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    return Decimal(round(value, -3))


def _money_in(amount_usd: Decimal, currency: str) -> Money:
    return convert(Money(amount_usd, "USD"), currency)


def _past(rng, now: datetime, days_low: int, days_high: int) -> datetime:
    return now - timedelta(days=rng.uniform(days_low, days_high))


# --- The generator ---------------------------------------------------------------------------


def create_accounts(ctx: DemoContext) -> None:
    """``ctx.accounts`` accounts across every market, with contacts, deals and deployments."""
    from beachhead.core.models import User
    from beachhead.markets.models import Market

    if ctx.accounts <= 0:
        return
    _ensure_people(ctx)
    markets = {m.code: m for m in Market.objects.all()}
    if not markets:
        return
    users = list(
        User.objects.filter(
            is_active=True, role__in=[Role.ACCOUNT_EXECUTIVE, Role.CUSTOMER_SUCCESS]
        ).order_by("username")
    )
    owners: dict[str, list] = defaultdict(list)
    csms: dict[str, list] = defaultdict(list)
    for user in users:
        for code in user.market_codes or []:
            (owners if user.role == Role.ACCOUNT_EXECUTIVE else csms)[code].append(user)
    stages = {s.key: s for s in Stage.objects.all()}
    rng = ctx.rng("accounts")
    now = ctx.now
    codes = [code for code in MARKET_WEIGHTS if code in markets] + sorted(
        set(markets) - set(MARKET_WEIGHTS)
    )
    weights = [MARKET_WEIGHTS.get(code, 1) for code in codes]
    names = {code: Names(ctx, code) for code in codes}
    phones = {code: Phones(ctx, (markets[code].countries or [code])[0]) for code in codes}

    with _explicit_timestamps(Account, Contact, Opportunity, Deployment):
        accounts, plans = _make_accounts(
            ctx, rng, now, markets, codes, weights, names, owners, csms
        )
        contacts = _make_contacts(ctx, rng, now, accounts, names, phones)
        deals = _make_deals(ctx, rng, now, accounts, stages)
        deployments, events = _make_deployments(ctx, accounts, plans)
    ctx.count("accounts", len(accounts))
    ctx.count("contacts", contacts)
    ctx.count("deals", deals)
    ctx.count("deployments", deployments)
    ctx.count("deployment events", events)
    with disable_auditlog():  # history, not edits made today
        _make_promises(ctx, rng, now, accounts)


def _make_accounts(
    ctx, rng, now, markets, codes, weights, names, owners, csms
) -> tuple[list[Account], list[list]]:
    """The accounts, and what each runs (planned now so the node counts go in with them)."""
    rows: list[Account] = []
    for index in ctx.progress(range(ctx.accounts), "Accounts", ctx.accounts):
        code = rng.choices(codes, weights=weights)[0]
        market = markets[code]
        account = _new_account(rng, now, market, code, names[code], owners, csms)
        if index < 2 and "JP" in markets:
            _showcase(account, index, markets["JP"], owners.get("JP") or [None])
        apply_valuation(account)
        account.tier = _tier(account)
        rows.append(account)
    _flagships(ctx.rng("flagships"), now, rows, ctx.accounts, owners, csms)
    crossings = _deep_crossings(ctx.rng("deep users"), now, rows)
    runs = ctx.rng("deployments")
    plans: list[list] = []
    for account in rows:
        plans.append(_plan_deployments(runs, now, account, crossings.get(id(account))))
        account.production_nodes = _production_nodes(plans[-1])
    before = Account.objects.aggregate(n=models.Max("pk"))["n"] or 0
    Account.objects.bulk_create(rows, batch_size=BATCH)
    if not rows[0].pk:  # databases that do not return ids from bulk inserts (MySQL)
        rows = list(Account.objects.filter(pk__gt=before).select_related("market").order_by("pk"))
    return rows, plans


#: Markets where the demo makes sure of a strategic customer (the first ones first): their
#: urgent incidents, answered around the clock, are the 15-minute promise's story.
FLAGSHIP_MARKETS = ["JP", "US", "DE", "CN", "GB", "SG", "KR", "FR"]


def _strategic_customer(account: Account) -> bool:
    return account.tier == Tier.STRATEGIC and account.lifecycle == Lifecycle.CUSTOMER


def _flagships(rng, now: datetime, rows: list[Account], total: int, owners, csms) -> None:
    """A strategic customer in each of the first flagship markets (one for every 30 accounts,
    at least two): the largest account of the market that has none becomes one, a customer
    for a year or more. The two seed prospects stay as they are."""
    wanted = FLAGSHIP_MARKETS[: max(2, total // 30)]
    for code in wanted:
        candidates = [a for a in rows[2:] if a.market.code == code]
        if not candidates or any(_strategic_customer(a) for a in candidates):
            continue
        account = max(
            candidates,
            key=lambda a: (a.lifecycle == Lifecycle.CUSTOMER, SIZE_INDEX.get(a.size, 0)),
        )
        _make_flagship(rng, now, account, owners.get(code) or [], csms.get(code) or [])


def _make_flagship(rng, now: datetime, account: Account, owners: list, csms: list) -> None:
    account.lifecycle = Lifecycle.CUSTOMER
    if SIZE_INDEX.get(account.size, 0) < SIZE_INDEX[Size.ENTERPRISE]:
        account.size = rng.choice([Size.ENTERPRISE, Size.GIANT])
    account.named = True
    account.health = "strong"
    spend = Decimal(round(rng.uniform(1_200_000, 3_500_000), -4))
    account.expected_annual_spend = _money_in(spend, account.market.currency)
    account.yearly_data_spend = _money_in(spend * rng.randint(3, 8), account.market.currency)
    account.growth_rate = Decimal(str(round(rng.uniform(0.15, 0.35), 2)))
    account.expected_lifetime_years = Decimal(rng.choice([7, 8, 10]))
    account.created_at = min(account.created_at, _past(rng, now, 450, 1100))
    account.updated_at = max(account.updated_at, account.created_at)
    account.owner = account.owner or (owners[0] if owners else None)
    account.csm = account.csm or (csms[0] if csms else None)
    apply_valuation(account)
    account.tier = _tier(account)
    if account.tier != Tier.STRATEGIC:  # a named giant is strategic whatever its value
        account.size, account.tier = Size.GIANT, Tier.STRATEGIC


def _year_mark(now: datetime) -> datetime:
    """Where "a year ago" is read on the deep-user chart: the end of the month twelve months
    before this one (``deployments.deep_users_by_month``)."""
    year, month = now.year, now.month - 11
    if month <= 0:
        year, month = year - 1, month + 12
    return datetime(year, month, 1, tzinfo=UTC)


def _deep_crossings(rng, now: datetime, rows: list[Account]) -> dict[int, datetime]:
    """Which customers are deep users and when each crossed the bar (keyed by ``id()``): one
    in nine already a year ago, the rest during the year, more of them lately (crossings
    spread as growth of nine-fold a year would put them: P(crossed > t years ago) = 9^-t).
    Bigger companies are likelier to be deep users; deep users stay a minority."""
    candidates = [a for a in rows[2:] if a.lifecycle == Lifecycle.CUSTOMER]
    draws = {id(a): rng.random() for a in candidates}
    natural = {id(a) for a in candidates if draws[id(a)] < 0.05 + 0.06 * SIZE_INDEX.get(a.size, 0)}
    early_count = max(1, round(len(natural) / 9))
    chosen = sorted(
        candidates,
        key=lambda a: (id(a) not in natural, -SIZE_INDEX.get(a.size, 0), draws[id(a)]),
    )[: 9 * early_count]
    mark = _year_mark(now)
    early = {id(a) for a in sorted(chosen, key=lambda a: a.created_at)[:early_count]}
    crossings: dict[int, datetime] = {}
    for account in chosen:
        if id(account) in early:
            # Deep for a while already: it had time to grow.
            account.created_at = min(account.created_at, mark - timedelta(days=300))
            crossings[id(account)] = mark - timedelta(days=rng.uniform(20, 150))
            continue
        years = -math.log(rng.uniform(1 / 9, 1)) / math.log(9)
        earliest = max(mark + timedelta(days=2), account.created_at + timedelta(days=15))
        latest = now - timedelta(days=1)
        if earliest >= latest:  # a young account, grown fast
            crossings[id(account)] = account.created_at + (now - account.created_at) * 0.6
        else:
            crossings[id(account)] = min(max(now - timedelta(days=365 * years), earliest), latest)
    return crossings


def _new_account(rng, now, market, code: str, names, owners, csms) -> Account:
    """One account of ``market``, drawn at random (industry, size, stage, health, spend, people)."""
    industry = _pick(rng, INDUSTRY_WEIGHTS)
    size = _pick(rng, SIZE_WEIGHTS)
    lifecycle = _pick(rng, LIFECYCLE_WEIGHTS)
    big = SIZE_INDEX[size] >= 3
    health = rng.choices(
        ["strong", "fair", "weak", "unknown"],
        weights=[40, 30, 10, 20] if big else [20, 30, 15, 35],
    )[0]
    if lifecycle == Lifecycle.TARGET and rng.random() < 0.5:
        health = "unknown"
    legal, display, latin = names.company(industry)
    spend_usd = _annual_spend_usd(rng, size)
    data_tb = Decimal(round(math.exp(rng.uniform(0, 4 + SIZE_INDEX[size] * 1.2)), 1))
    data_spend_usd = Decimal(round(float(spend_usd) * rng.uniform(1.5, 12), -3))
    created = _past(rng, now, 30, 1100)
    named = lifecycle != Lifecycle.CHURNED and rng.random() < (0.55 if big else 0.2)
    people = owners.get(code) or []
    owner = people[rng.randrange(len(people))] if people and rng.random() < 0.9 else None
    success = csms.get(code) or []
    csm = (
        success[rng.randrange(len(success))]
        if success and lifecycle in (Lifecycle.CUSTOMER, Lifecycle.PILOT)
        else None
    )
    account = Account(
        legal_name=legal,
        display_name=display if display != legal else "",
        latin_name=latin,
        market=market,
        country=(market.countries or [code])[0],
        industry=industry,
        size=size,
        website=f"https://www.{names.domain()}",
        lifecycle=lifecycle,
        named=named,
        owner=owner,
        csm=csm,
        data_residency=(market.data_residency_by_industry or {}).get(
            industry, market.data_residency
        ),
        expected_annual_spend=_money_in(spend_usd, market.currency),
        data_volume_tb=data_tb,
        yearly_data_spend=_money_in(data_spend_usd, market.currency),
        growth_rate=Decimal(str(round(rng.uniform(0.05, 0.45 if big else 0.3), 2))),
        expected_lifetime_years=Decimal(rng.choice([2, 3, 3, 4, 5, 5, 6, 7, 8, 10])),
        health=health,
        created_at=created,
        updated_at=_past(rng, now, 0, (now - created).days),
    )
    return account


def _tier(account: Account) -> str:
    """Strategic by value (or a giant named account), enterprise when large, else growth."""
    strategic = is_strategic_value(account.annual_value)
    big = SIZE_INDEX[account.size] >= 3
    return (
        Tier.STRATEGIC
        if strategic or (big and account.named and SIZE_INDEX[account.size] >= 4)
        else Tier.ENTERPRISE
        if big
        else Tier.GROWTH
    )


# The two seed prospects: names, industry, size, health, data (TB), yearly data spend and
# expected annual spend (USD), growth rate, expected lifetime (years), website.
_SHOWCASES = [
    ("株式会社ミライ通信", "ミライ通信", "Mirai Telecom", "telecom", Size.GIANT, "strong", 12000,
     8_000_000, 100_000, Decimal("0.35"), Decimal(10), "https://www.mirai-telecom.co.jp"),
    ("合同会社ハヤテラボ", "ハヤテラボ", "Hayate Lab", "gaming", Size.MICRO, "unknown", 3, 60_000,
     0, Decimal("0.1"), Decimal(3), "https://hayate-lab.jp"),
]  # fmt: skip


def _showcase(account: Account, index: int, japan, owners: list) -> None:
    """The two seed cases, first in the list: take the small deal from the giant, think twice
    about the large deal from the unknown."""
    account.market = japan
    account.country = "JP"
    # The demo's Tokyo login owns the seeds, so signing in as ae.tokyo shows both verdicts.
    account.owner = next((u for u in owners if u and u.username == "ae.tokyo"), owners[0])
    account.csm = None
    account.named = True
    (
        account.legal_name, account.display_name, account.latin_name, account.industry,
        account.size, account.health, data_tb, data_spend, annual_spend, account.growth_rate,
        account.expected_lifetime_years, account.website,
    ) = _SHOWCASES[index]  # fmt: skip
    account.lifecycle = Lifecycle.PROSPECT
    account.data_volume_tb = Decimal(data_tb)
    account.yearly_data_spend = Money(Decimal(data_spend), "USD")
    account.expected_annual_spend = Money(Decimal(annual_spend), "USD")


class _Rows:
    """Rows of one model written with ``bulk_create``: ``add`` them, ``write(full_only=True)``
    after each account (a whole batch at a time) and ``write()`` at the end."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.batch: list[models.Model] = []
        self.total = 0

    def add(self, row: models.Model) -> None:
        self.batch.append(row)
        self.total += 1

    def write(self, full_only: bool = False) -> None:
        if full_only and len(self.batch) < BATCH:
            return
        self.model._default_manager.bulk_create(self.batch, batch_size=BATCH)
        self.batch = []


def _make_contacts(ctx, rng, now, accounts, names, phones) -> int:
    counts = {
        Lifecycle.TARGET: (0, 2), Lifecycle.PROSPECT: (1, 3), Lifecycle.PILOT: (2, 5),
        Lifecycle.CUSTOMER: (2, 8), Lifecycle.CHURNED: (1, 3),
    }  # fmt: skip
    rows = _Rows(Contact)
    for account in ctx.progress(accounts, "Contacts", len(accounts)):
        low, high = counts[account.lifecycle]
        n = rng.randint(low, high) + (2 if SIZE_INDEX.get(account.size, 0) >= 4 else 0)
        # Most customers name someone for every role contracts need; a quarter leave gaps.
        complete = account.lifecycle == Lifecycle.CUSTOMER and rng.random() < 0.75
        needed = (
            ["procurement", "finance", "technical_lead", "executive_sponsor"] if complete else []
        )
        code = account.market.code
        domain = urlsplit(account.website).hostname.removeprefix("www.")
        language = (account.market.languages or ["en"])[0]
        for i in range(n):
            full_name, latin = names[code].person()
            roles = set(rng.sample(ROLES, k=rng.choice([1, 1, 1, 2])))
            if i < len(needed):
                roles = {needed[i]}
            local = (latin or f"contact{i + 1}").lower().replace(" ", ".")
            created = account.created_at + timedelta(
                days=rng.uniform(0, max(1, (now - account.created_at).days))
            )
            rows.add(
                Contact(
                    account=account,
                    full_name=full_name,
                    latin_name=latin,
                    job_title="",
                    email=f"{local}@{domain}",
                    phone=phones[code].next() if rng.random() < 0.85 else "",
                    language=language,
                    timezone=account.market.timezone,
                    roles=[r for r in ROLES if r in roles],
                    created_at=created,
                    updated_at=created,
                )
            )
        rows.write(full_only=True)
    rows.write()
    return rows.total


def _make_deals(ctx, rng, now, accounts, stages) -> int:
    open_stages = ["qualification", "discovery", "proposal", "negotiation"]
    rows = _Rows(Opportunity)
    for index, account in enumerate(ctx.progress(accounts, "Deals", len(accounts))):
        plan = _deal_plan(rng, account.lifecycle, open_stages)
        for n, key in enumerate(plan):
            if key in stages:
                rows.add(_deal(rng, now, account, stages[key], key, n))
        if index < 2 and account.market.code == "JP" and "discovery" in stages:
            rows.add(_seed_deal(now, account, index, stages["discovery"]))
        rows.write(full_only=True)
    rows.write()
    return rows.total


def _deal(rng, now, account: Account, stage, key: str, n: int) -> Opportunity:
    """The ``n``-th deal of ``account``, at ``stage`` (its key ``key``), drawn at random."""
    first_year = account.expected_annual_spend
    factor = Decimal(str(round(rng.uniform(0.4, 1.3), 2)))
    amount = Money((first_year.amount * factor).quantize(Decimal(1)), str(first_year.currency))
    if rng.random() < 0.2:
        amount = convert(amount, "USD")  # some deals are priced in dollars
    created = account.created_at + timedelta(
        days=rng.uniform(0, max(1, (now - account.created_at).days))
    )
    closed = None
    if stage.is_won or stage.is_lost:
        closed = created + timedelta(days=rng.uniform(20, 180))
        if closed >= now:  # a recent deal closed recently, not all of them this very minute
            closed = created + (now - created) * rng.uniform(0.3, 0.95)
        close_date = closed.date()
    else:
        close_date = now.date() + timedelta(days=rng.randint(10, 270))
    name = f"{account.name} · {_deal_name(rng, key, n)}"
    return Opportunity(
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


def _seed_deal(now, account: Account, index: int, discovery) -> Opportunity:
    """The open deal of each seed case: the small one for the giant, the large one for the
    unknown."""
    seed = Money(Decimal(100_000 if index == 0 else 500_000), "USD")
    label = "First cluster" if index == 0 else "Platform licence"
    return Opportunity(
        account=account,
        name=f"{account.name} · {label}",
        stage=discovery,
        amount=seed,
        close_date=now.date() + timedelta(days=45),
        owner=account.owner,
        created_at=now - timedelta(days=12),
        updated_at=now - timedelta(days=2),
    )


def _deal_plan(rng, lifecycle: str, open_stages: list[str]) -> list[str]:
    """The stages of an account's deals, by its place in the lifecycle."""
    if lifecycle == Lifecycle.TARGET and rng.random() < 0.1:
        return ["qualification"]
    if lifecycle == Lifecycle.PROSPECT:
        return [rng.choice(open_stages)]
    if lifecycle == Lifecycle.PILOT:
        return ["pilot"] + (["lost"] if rng.random() < 0.2 else [])
    if lifecycle == Lifecycle.CUSTOMER:
        return ["won"] * rng.randint(1, 3) + (
            [rng.choice(open_stages)] if rng.random() < 0.4 else []
        )
    if lifecycle == Lifecycle.CHURNED:
        return ["won", "lost"]
    return []


def _deal_name(rng, key: str, n: int) -> str:
    if key == "pilot":
        return "Pilot"
    if key in ("won", "lost") and n == 0:
        return "First cluster"
    return rng.choice(["Expansion", "Renewal", "Analytics add-on", "New region", "Upgrade to 8.x"])


def _plan_deployments(
    rng, now: datetime, account: Account, crossed: datetime | None = None
) -> list[tuple[dict, list]]:
    """What a pilot or customer runs and how it grew: (fields, [(at, nodes), …]) per
    deployment; a churned customer's deployments end retired (0 nodes). A deep user
    (``crossed`` given) passes the deep-user bar in production at that moment."""
    if account.lifecycle not in (Lifecycle.CUSTOMER, Lifecycle.PILOT, Lifecycle.CHURNED):
        return []
    size = SIZE_INDEX.get(account.size, 0)
    regions = REGIONS.get(account.market.code, ["aws:us-east-1"])
    product = rng.choices([p for p, _w in PRODUCTS], weights=[w for _p, w in PRODUCTS])[0]
    version = rng.choices([v for v, _w in VERSIONS], weights=[w for _v, w in VERSIONS])[0]
    started = min(
        account.created_at + timedelta(days=rng.uniform(10, 120)), now - timedelta(days=1)
    )
    if crossed is not None:
        final = rng.randint(50, 120 + 80 * size)
        if crossed <= started:  # a young account: it started small a little before
            started = max(account.created_at, crossed - timedelta(days=rng.uniform(5, 30)))
        history = [(started, rng.randint(3, 24)), (crossed, final)]
    else:
        high = 8 if account.lifecycle == Lifecycle.PILOT else 12 + 6 * size
        final = min(49, rng.randint(2, high))
        if rng.random() < 0.5:
            history = [(started, max(1, final // 2)), (_between(rng, started, now), final)]
        else:
            history = [(started, final)]
    environments = [(Environment.PRODUCTION, history)]
    if account.lifecycle != Lifecycle.PILOT and rng.random() < 0.6:
        environments.append((Environment.STAGING, [(started, max(1, final // 8))]))
    if rng.random() < 0.3:
        environments.append((Environment.TEST, [(started, rng.randint(1, 3))]))
    plans = []
    for environment, steps in environments:
        if account.lifecycle == Lifecycle.CHURNED:
            steps = [*steps, (_between(rng, steps[-1][0], now), 0)]
        fields = {
            "product": product,
            "version": version,
            "environment": environment,
            "cloud_region": rng.choice(regions),
        }
        plans.append((fields, steps))
    return plans


def _production_nodes(plans: list[tuple[dict, list]]) -> int:
    return sum(
        steps[-1][1] for fields, steps in plans if fields["environment"] == Environment.PRODUCTION
    )


def _make_deployments(ctx, accounts, plans) -> tuple[int, int]:
    """The planned deployments and their history. Retired ones exist only as history."""
    rows: list[tuple[Deployment, list]] = []
    retired: list[tuple[Account, dict, list]] = []
    for account, account_plans in zip(accounts, plans, strict=True):
        for fields, steps in account_plans:
            if steps[-1][1] == 0:
                retired.append((account, fields, steps))
                continue
            deployment = Deployment(
                account=account,
                node_count=steps[-1][1],
                created_at=steps[0][0],
                updated_at=steps[-1][0],
                **fields,
            )
            rows.append((deployment, steps))
    before = Deployment.objects.aggregate(n=models.Max("pk"))["n"] or 0
    Deployment.objects.bulk_create([d for d, _s in rows], batch_size=BATCH)
    if rows and not rows[0][0].pk:  # databases that do not return ids from bulk inserts
        fresh = list(Deployment.objects.filter(pk__gt=before).order_by("pk"))
        rows = [(new, steps) for new, (_old, steps) in zip(fresh, rows, strict=True)]
    # A retired deployment keeps its history under a key no live deployment will take.
    next_key = max([before, *(d.pk for d, _s in rows)]) + 1_000_000
    events: list[DeploymentEvent] = []
    for deployment, steps in rows:
        events += _events(deployment.account_id, deployment.pk, deployment, steps)
    for i, (account, fields, steps) in enumerate(retired):
        events += _events(account.pk, next_key + i, None, steps, fields)
    DeploymentEvent.objects.bulk_create(events, batch_size=BATCH)
    return len(rows), len(events)


def _events(account_id, key, deployment, steps, fields=None) -> list[DeploymentEvent]:
    fields = fields or {"environment": deployment.environment, "version": deployment.version}
    result = []
    for i, (at, count) in enumerate(steps):
        if i == 0:
            kind = DeploymentEvent.Kind.CREATED
        elif count == 0 and i == len(steps) - 1:
            kind = DeploymentEvent.Kind.RETIRED
        else:
            kind = DeploymentEvent.Kind.CHANGED
        result.append(
            DeploymentEvent(
                deployment=deployment,
                account_id=account_id,
                deployment_key=key,
                kind=kind,
                at=at,
                environment=fields["environment"],
                node_count=count,
                version=fields["version"],
            )
        )
    return result


def _between(rng, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + (end - start) * rng.uniform(0.2, 0.95)


#: Promises to accounts: kind, target (business minutes), share kept on time, share kept late.
ACCOUNT_PROMISES = [
    ("follow_up", 1440, 0.86, 0.08),
    ("contract_milestone", 7200, 0.75, 0.15),
    ("pilot_gate", 14400, 0.7, 0.15),
]


def _make_promises(ctx, rng, now, accounts) -> None:
    """Promises to some pilots and customers over the last year, through the ledger's own
    service, each about a real deal (a pilot's gate, a contract's milestone) or the account
    itself, with the history it would have by now."""
    from beachhead.commitments.demo import promise_with_history

    chosen = [
        a
        for a in accounts
        if a.lifecycle in (Lifecycle.CUSTOMER, Lifecycle.PILOT) and a.owner_id is not None
    ]
    chosen = chosen[: max(10, min(len(chosen), ctx.accounts // 5, 300))]
    deals: dict[int, list[Opportunity]] = defaultdict(list)
    for deal in (
        Opportunity.objects.filter(account__in=chosen).select_related("stage").order_by("pk")
    ):
        deals[deal.account_id].append(deal)
    for account in ctx.progress(chosen, "Promises to accounts", len(chosen)):
        for _i in range(rng.randint(1, 4)):
            kind, minutes, kept, late = ACCOUNT_PROMISES[rng.randrange(len(ACCOUNT_PROMISES))]
            if kind == "pilot_gate" and account.lifecycle != Lifecycle.PILOT:
                kind, minutes, kept, late = ACCOUNT_PROMISES[0]
            subject = _promise_subject(rng, kind, account, deals[account.pk])
            earliest = max(account.created_at, subject.created_at, now - timedelta(days=365))
            promise_with_history(
                rng,
                now,
                kept=kept,
                late=late,
                kind=kind,
                calendar=f"market:{account.market.code}",
                target=timedelta(minutes=minutes),
                owner=account.owner,
                start=earliest + (now - earliest) * rng.random(),
                subject=subject,
                customer=account,
                customer_label=account.name,
                market=account.market,
            )
            ctx.count("promises to accounts")


def _promise_subject(rng, kind: str, account: Account, deals: list[Opportunity]):
    """What a promise to ``account`` is about: the pilot for a pilot gate, a won or open deal
    for a contract milestone, an open deal or the account itself for a follow-up."""
    if kind == "pilot_gate":
        wanted = [d for d in deals if d.stage.key == "pilot"]
    elif kind == "contract_milestone":
        wanted = [d for d in deals if not d.stage.is_lost]
    else:
        wanted = [d for d in deals if not (d.stage.is_won or d.stage.is_lost)]
    return rng.choice(wanted) if wanted else account
