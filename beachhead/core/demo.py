"""Demo data: each pillar registers a generator; ``beachhead demo`` runs them in order inside
one transaction. Generators take a ``DemoContext`` whose random sources all derive from one seed,
so the same seed gives the same data on every machine, and whose ``now`` is the one instant the
whole demo is generated at: history lies before it (each promise kept, kept late or broken at a
plausible moment of the past), what is still open is due after it. Tests pin it."""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from faker import Faker

from beachhead.core.roles import Role

DEMO_PASSWORD = "beachhead-demo"  # noqa: S105 - documented demo login, printed by `make run`

#: Faker locales that give realistic names for people of each market (in their own script).
MARKET_LOCALES = {
    "US": "en_US", "CA": "en_CA", "MX": "es_MX", "BR": "pt_BR", "GB": "en_GB", "DE": "de_DE",
    "FR": "fr_FR", "NL": "nl_NL", "ES": "es_ES", "IT": "it_IT", "TR": "tr_TR", "AE": "ar_AE",
    "SA": "ar_SA", "EG": "ar_EG", "NG": "en_US", "ZA": "zu_ZA",
    "IN": "en_IN", "SG": "en_US", "TH": "th_TH", "ID": "id_ID", "VN": "vi_VN", "MY": "en_US",
    "JP": "ja_JP", "KR": "ko_KR", "CN": "zh_CN", "AU": "en_AU",
}  # fmt: skip


def _no_progress(items: Iterable, desc: str, total: int | None = None) -> Iterable:
    return items


def _this_minute() -> datetime:
    from django.utils import timezone

    return timezone.now().replace(second=0, microsecond=0)


@dataclass
class DemoContext:
    seed: int
    accounts: int
    progress: Callable[[Iterable, str, int | None], Iterable] = _no_progress
    #: The instant the demo is generated at (the current minute unless given): every
    #: generator dates its history before it and its open promises after it.
    now: datetime = field(default_factory=_this_minute)
    created: dict[str, int] = field(default_factory=dict)
    _fakers: dict[str, Faker] = field(default_factory=dict)

    def rng(self, purpose: str) -> random.Random:
        """A random source for one purpose, stable for a seed whatever runs before it."""
        return random.Random(self.seed * 1_000_003 + zlib.crc32(purpose.encode()))

    def faker(self, locale: str, purpose: str = "") -> Faker:
        key = f"{locale}:{purpose}"
        if key not in self._fakers:
            fake = Faker(locale)
            fake.seed_instance(self.seed * 7919 + zlib.crc32(key.encode()))
            self._fakers[key] = fake
        return self._fakers[key]

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


@dataclass(frozen=True)
class Generator:
    name: str
    func: Callable[[DemoContext], None]
    order: int


_generators: dict[str, Generator] = {}


def register(name: str, func: Callable[[DemoContext], None], order: int = 100) -> None:
    _generators[name] = Generator(name, func, order)


def generators() -> list[Generator]:
    return sorted(_generators.values(), key=lambda g: (g.order, g.name))


def load(ctx: DemoContext) -> DemoContext:
    """Run every generator in order, in one transaction (what ``beachhead demo`` does)."""
    from django.db import transaction

    steps = list(generators())
    with transaction.atomic():
        for generator in ctx.progress(steps, "Demo data", len(steps)):
            generator.func(ctx)
    return ctx


#: The demo logins printed by `make run`: (username, role, markets, name, language, time zone).
DEMO_PEOPLE = [
    ("admin", Role.ADMIN, [], "Alex Admin", "en", "UTC"),
    ("founder", Role.EXECUTIVE, [], "Chen Wei", "zh-hans", "Asia/Shanghai"),
    ("rm.apac", Role.REGIONAL_MANAGER, ["JP", "KR", "CN", "SG", "TH", "ID", "VN", "MY", "AU", "IN"],
     "Sato Haruka", "ja", "Asia/Tokyo"),
    ("rm.emea", Role.REGIONAL_MANAGER, ["DE", "FR", "NL", "GB", "ES", "IT", "TR", "AE", "SA", "EG",
     "NG", "ZA"], "Lena Hoffmann", "en", "Europe/Berlin"),
    ("rm.americas", Role.REGIONAL_MANAGER, ["US", "CA", "MX", "BR"], "Maria Oliveira", "en",
     "America/New_York"),
    ("ae.tokyo", Role.ACCOUNT_EXECUTIVE, ["JP"], "Takahashi Ren", "ja", "Asia/Tokyo"),
    ("ae.berlin", Role.ACCOUNT_EXECUTIVE, ["DE"], "Jonas Weber", "en", "Europe/Berlin"),
    ("ae.newyork", Role.ACCOUNT_EXECUTIVE, ["US"], "Emily Carter", "en", "America/New_York"),
    ("agent.tokyo", Role.SUPPORT_AGENT, ["JP", "KR"], "Yamamoto Aoi", "ja", "Asia/Tokyo"),
    ("agent.berlin", Role.SUPPORT_AGENT, ["DE", "FR", "NL", "GB"], "Sofia Rossi", "en",
     "Europe/Berlin"),
    ("agent.newyork", Role.SUPPORT_AGENT, ["US", "CA", "MX", "BR"], "Daniel Kim", "en",
     "America/New_York"),
    ("agent.shanghai", Role.SUPPORT_AGENT, ["CN", "SG", "MY"], "Liu Yang", "zh-hans",
     "Asia/Shanghai"),
    ("cs.singapore", Role.CUSTOMER_SUCCESS, ["SG", "MY", "TH", "ID", "VN"], "Priya Nair", "en",
     "Asia/Singapore"),
    ("finance", Role.FINANCE, ["US", "DE", "JP", "CN"], "Olivia Brown", "en", "Europe/London"),
    ("compliance", Role.COMPLIANCE, ["US", "DE", "JP", "CN", "GB"], "Grace Okafor", "en",
     "Europe/London"),
    ("community", Role.COMMUNITY, ["CN", "JP", "US"], "Zhang Min", "zh-hans", "Asia/Shanghai"),
]  # fmt: skip

DEMO_TEAMS = [
    # name, market, kind, time zone, manager, members
    ("Tokyo Support", "JP", "in_house", "Asia/Tokyo", "rm.apac", ["agent.tokyo"]),
    ("Berlin Support", "DE", "in_house", "Europe/Berlin", "rm.emea", ["agent.berlin"]),
    ("New York Support", "US", "in_house", "America/New_York", "rm.americas", ["agent.newyork"]),
    ("Shanghai Support", "CN", "in_house", "Asia/Shanghai", "rm.apac", ["agent.shanghai"]),
    ("Manila Partner Desk", "SG", "outsourced", "Asia/Manila", "rm.apac", []),
    ("Follow-the-sun Incident Desk", "", "in_house", "UTC", "founder",
     ["agent.tokyo", "agent.berlin", "agent.newyork"]),
]  # fmt: skip


def create_demo_person(
    username: str, role: str, markets: list[str], name: str, language: str, tz: str
):
    """One demo login (a row of ``DEMO_PEOPLE``): "First Last", an address at beachhead.example
    and the demo password."""
    from beachhead.core.services import do_create_user

    first, _, last = name.partition(" ")
    user, _password = do_create_user(
        username=username,
        role=role,
        markets=markets,
        password=DEMO_PASSWORD,
        email=f"{username}@beachhead.example",
        first_name=first,
        last_name=last,
        language=language,
        timezone_name=tz,
        validate=False,
    )
    return user


def create_people(ctx: DemoContext) -> None:
    """The demo logins, a few more people per region with realistic names, and the teams."""
    from django.contrib.auth.hashers import make_password
    from django.test.utils import override_settings

    from beachhead.core.models import User

    # The real hasher costs most of a second a person: hash the demo password once and give
    # everyone the same hash (each made with a cheap hasher first).
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        _create_people(ctx)
    User.objects.filter(email__endswith="@beachhead.example").update(
        password=make_password(DEMO_PASSWORD)
    )


def _create_people(ctx: DemoContext) -> None:
    from beachhead.core.models import User
    from beachhead.core.services import do_create_team, do_create_user

    for person in DEMO_PEOPLE:
        create_demo_person(*person)
        ctx.count("people")
    extra = {"JP": "Asia/Tokyo", "DE": "Europe/Berlin", "US": "America/Chicago",
             "CN": "Asia/Shanghai", "BR": "America/Sao_Paulo", "SG": "Asia/Singapore"}  # fmt: skip
    partner = []
    for code, tz in extra.items():
        fake = ctx.faker(MARKET_LOCALES[code], "people")
        for i in range(2):
            user, _pw = do_create_user(
                username=f"agent.{code.lower()}{i + 1}",
                role=Role.SUPPORT_AGENT,
                markets=[code],
                password=DEMO_PASSWORD,
                email=f"agent.{code.lower()}{i + 1}@beachhead.example",
                first_name=fake.first_name(),
                last_name=fake.last_name(),
                language={"JP": "ja", "CN": "zh-hans"}.get(code, "en"),
                timezone_name=tz,
                validate=False,
            )
            ctx.count("people")
            if code == "SG":
                partner.append(user)
    for name, market, kind, tz, manager, members in DEMO_TEAMS:
        team_members = list(User.objects.filter(username__in=members)) or partner
        do_create_team(
            name=name,
            market_code=market,
            kind=kind,
            timezone_name=tz,
            manager=User.objects.get(username=manager),
            members=team_members,
            names=DEMO_TEAM_NAMES.get(name),
        )
        ctx.count("teams")


#: The demo teams' names as Chinese and Japanese readers see them (``core.localise``).
DEMO_TEAM_NAMES = {
    "Tokyo Support": {"zh-hans": "东京支持组", "ja": "東京サポート"},
    "Berlin Support": {"zh-hans": "柏林支持组", "ja": "ベルリン・サポート"},
    "New York Support": {"zh-hans": "纽约支持组", "ja": "ニューヨーク・サポート"},
    "Shanghai Support": {"zh-hans": "上海支持组", "ja": "上海サポート"},
    "Manila Partner Desk": {"zh-hans": "马尼拉合作伙伴服务台", "ja": "マニラ・パートナーデスク"},
    "Follow-the-sun Incident Desk": {
        "zh-hans": "日不落事件响应台",
        "ja": "フォロー・ザ・サン障害対応デスク",
    },
}


#: Notices older than this are history: read (and e-mailed) when they came.
UNREAD_DAYS = 2


def date_the_inbox(ctx: DemoContext) -> None:
    """Notices the demo's history wrote (a breach months ago) are dated when what they tell of
    happened, not when the demo ran; all but the last days' have been read and e-mailed, so
    an inbox shows what is new and the first worker run mails nothing old."""
    from django.db.models import F, OuterRef, Subquery

    from beachhead.core.models import Event, Notification

    notices = Notification.objects.filter(event__isnull=False)
    notices.update(created_at=Subquery(Event.objects.filter(pk=OuterRef("event_id")).values("at")))
    notices.filter(created_at__gt=ctx.now).update(created_at=ctx.now)
    notices.filter(created_at__lt=ctx.now - timedelta(days=UNREAD_DAYS)).update(
        read_at=F("created_at") + timedelta(hours=2), emailed_at=F("created_at")
    )
