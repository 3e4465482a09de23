"""Rate limits that hold across every process: one store of counters for the whole product.

Every limit (the public web form, portal sign-in links, password reset, login spraying, the
API) counts hits here, and a used web form stamp is remembered here. The store is shared by every
web process and worker:

- **Redis** when ``REDIS_URL`` is set: ``SET key 0 EX window NX`` + ``INCR`` + ``TTL`` in one
  ``MULTI``/``EXEC`` transaction, so concurrent hits from any number of processes are counted
  exactly and the key expires with its window.
- **The database** otherwise (:class:`~beachhead.core.models.RateCounter`): one upsert
  statement per hit (``INSERT … ON CONFLICT DO UPDATE`` on PostgreSQL and SQLite, ``INSERT … ON
  DUPLICATE KEY UPDATE`` on MariaDB/MySQL/TiDB) that either starts a new window or adds one
  and answers the count it wrote (``RETURNING``, or ``LAST_INSERT_ID(expr)`` on MariaDB): one
  query per hit, no read-then-write race, no gap-lock deadlock as with ``UPDATE``-then-
  ``INSERT`` on InnoDB. Expired rows are reset in place by their next hit and
  pruned by the scheduler (:func:`prune`, the ``ratelimit.prune`` job).

Windows are fixed and start with their first hit (a limit of 5 per 10 minutes allows 5, then
refuses until ten minutes after the first). Keys are ``kind:sha256(value)``: no address or IP
is stored in clear.

Why not a library: django-ratelimit (and DRF's throttles) count in Django's cache, which is
per-process memory (LocMemCache) unless Redis is configured, and its database cache backend is
not atomic (get, then set); none offers an atomic counter in the database, which an install
without Redis needs.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.db import connection
from django.utils import timezone

log = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Rate:
    """So many hits per so many seconds."""

    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str | Rate) -> Rate:
        """``"5/10m"``, ``"600/minute"``, ``"3/15min"``, ``"100/h"``, ``"10/30s"``, ``"1000/day"``."""
        if isinstance(text, Rate):
            return text
        match = _RATE.match(str(text).lower())
        if not match or match.group(3)[0] not in _UNITS:
            raise ValueError(f"Not a rate: {text!r} (expected e.g. '5/10m' or '600/minute').")
        limit, many, unit = int(match.group(1)), int(match.group(2) or 1), match.group(3)
        if many < 1:
            raise ValueError(f"Not a rate: {text!r} (the period must be at least one).")
        return cls(limit, many * _UNITS[unit[0]])

    def __str__(self) -> str:
        return f"{self.limit}/{self.seconds}s"


@dataclass(frozen=True)
class Hit:
    """Where a key stands after (or, from :func:`peek`, without) a hit."""

    count: int
    limit: int
    retry_after: int  # seconds until the window ends (0: no window open, or within the limit)

    @property
    def allowed(self) -> bool:
        """This hit is within the limit (from :func:`hit`)."""
        return self.count <= self.limit

    @property
    def exhausted(self) -> bool:
        """No hit is left in this window (from :func:`peek`: the next one would be refused)."""
        return self.count >= self.limit


class Store(Protocol):
    def hit(
        self, key: str, seconds: int, now: datetime | None = None, limit: int | None = None
    ) -> tuple[int, int]:
        """Add one to the key's window (a new window when none is open): (count, seconds left);
        seconds left may be 0 when the count is within ``limit`` (given)."""
        ...

    def peek(self, key: str, now: datetime | None = None) -> tuple[int, int]:
        """(count, seconds left) of the key's open window, (0, 0) when none is open."""
        ...

    def clear(self, key: str) -> None: ...


def _seconds_left(expires_at: datetime, now: datetime) -> int:
    return max(1, int((expires_at - now).total_seconds() + 0.999))


class DatabaseStore:
    """Counters in :class:`~beachhead.core.models.RateCounter` (see the module notes)."""

    def hit(
        self, key: str, seconds: int, now: datetime | None = None, limit: int | None = None
    ) -> tuple[int, int]:
        from beachhead.core.models import RateCounter

        now = now or timezone.now()
        expires = now + timedelta(seconds=seconds)
        ops = connection.ops
        table = ops.quote_name(RateCounter._meta.db_table)
        k, c, e = (ops.quote_name(n) for n in ("key", "count", "expires_at"))
        now_db, expires_db = (ops.adapt_datetimefield_value(v) for v in (now, expires))
        # The identifiers are the model's, quoted; every value is a parameter. One statement,
        # atomic on its own, that also answers the count it wrote: no transaction needed.
        with connection.cursor() as cursor:
            if connection.vendor == "mysql":
                # MariaDB, MySQL, TiDB: assignments run left to right (the count reads the old
                # expiry); LAST_INSERT_ID(expr) hands this connection the count it wrote.
                cursor.execute(
                    f"INSERT INTO {table} ({k}, {c}, {e}) "  # noqa: S608
                    f"VALUES (%s, LAST_INSERT_ID(1), %s) ON DUPLICATE KEY UPDATE "
                    f"{c} = LAST_INSERT_ID(IF({e} <= %s, 1, {c} + 1)), "
                    f"{e} = IF({e} <= %s, %s, {e})",
                    [key, expires_db, now_db, now_db, expires_db],
                )
                count = int(cursor.lastrowid)
            else:  # PostgreSQL, SQLite: every SET reads the row as it was
                cursor.execute(
                    f"INSERT INTO {table} ({k}, {c}, {e}) VALUES (%s, 1, %s) "  # noqa: S608
                    f"ON CONFLICT ({k}) DO UPDATE SET "
                    f"{c} = CASE WHEN {table}.{e} <= %s THEN 1 ELSE {table}.{c} + 1 END, "
                    f"{e} = CASE WHEN {table}.{e} <= %s THEN excluded.{e} ELSE {table}.{e} END "
                    f"RETURNING {c}",
                    [key, expires_db, now_db, now_db],
                )
                count = int(cursor.fetchone()[0])
        if limit is not None and count <= limit:
            return count, 0  # within the limit: nobody needs to know when the window ends
        if count == 1:
            return count, seconds
        _, left = self.peek(key, now)
        return count, left or seconds

    def peek(self, key: str, now: datetime | None = None) -> tuple[int, int]:
        from beachhead.core.models import RateCounter

        now = now or timezone.now()
        row = (
            RateCounter.objects.filter(key=key, expires_at__gt=now)
            .values_list("count", "expires_at")
            .first()
        )
        return (row[0], _seconds_left(row[1], now)) if row else (0, 0)

    def clear(self, key: str) -> None:
        from beachhead.core.models import RateCounter

        RateCounter.objects.filter(key=key).delete()

    def prune(self, now: datetime | None = None) -> int:
        from beachhead.core.models import RateCounter

        deleted, _ = RateCounter.objects.filter(expires_at__lte=now or timezone.now()).delete()
        return deleted


class RedisStore:
    """Counters in Redis (see the module notes). Redis keeps its own clock: ``now`` is ignored.

    When Redis cannot be reached, a hit counts as the first of its window (logged as an
    error): sign-in, the web form and the API keep working through an outage of the cache,
    without their limits, rather than failing with it."""

    def __init__(self, url: str, prefix: str = "beachhead:ratelimit:"):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self.errors: tuple[type[Exception], ...] = (redis.RedisError,)

    def hit(
        self, key: str, seconds: int, now: datetime | None = None, limit: int | None = None
    ) -> tuple[int, int]:
        name = self.prefix + key
        pipe = self.client.pipeline(transaction=True)
        pipe.set(name, 0, ex=seconds, nx=True)
        pipe.incr(name)
        pipe.ttl(name)
        try:
            _, count, ttl = pipe.execute()
        except self.errors:
            log.exception("Rate limit store (Redis) unavailable; %s not limited", key)
            return 1, seconds
        if ttl < 0:  # never without an expiry (a key written by something else)
            self.client.expire(name, seconds)
            ttl = seconds
        return int(count), max(1, int(ttl))

    def peek(self, key: str, now: datetime | None = None) -> tuple[int, int]:
        pipe = self.client.pipeline(transaction=True)
        pipe.get(self.prefix + key)
        pipe.ttl(self.prefix + key)
        try:
            value, ttl = pipe.execute()
        except self.errors:
            log.exception("Rate limit store (Redis) unavailable; %s not limited", key)
            return 0, 0
        if value is None:
            return 0, 0
        return int(value), max(1, int(ttl))

    def clear(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def prune(self, now: datetime | None = None) -> int:
        return 0  # Redis expires its keys itself


@lru_cache(maxsize=4)
def _store_for(redis_url: str, prefix: str) -> DatabaseStore | RedisStore:
    return RedisStore(redis_url, prefix) if redis_url else DatabaseStore()


def store() -> DatabaseStore | RedisStore:
    """The shared store: Redis when ``REDIS_URL`` is set (keys under
    ``BEACHHEAD_RATELIMIT_PREFIX``), the database otherwise."""
    return _store_for(
        getattr(settings, "REDIS_URL", "") or "",
        getattr(settings, "BEACHHEAD_RATELIMIT_PREFIX", "beachhead:ratelimit:"),
    )


def key(kind: str, value: object) -> str:
    """The key of one counter: the kind in clear, the value (an IP, an address) hashed."""
    text = str(value).strip().lower()
    return f"{kind}:{hashlib.sha256(text.encode()).hexdigest()[:40]}"


def hit(kind: str, value: object, rate: Rate | str, now: datetime | None = None) -> Hit:
    """Count one hit for ``value`` under ``kind``; ``.allowed`` says whether it is within."""
    rate = Rate.parse(rate)
    count, left = store().hit(key(kind, value), rate.seconds, now, limit=rate.limit)
    return Hit(count, rate.limit, left)


def peek(kind: str, value: object, rate: Rate | str, now: datetime | None = None) -> Hit:
    """Where ``value`` stands without counting; ``.exhausted`` when no hit is left."""
    rate = Rate.parse(rate)
    count, left = store().peek(key(kind, value), now)
    return Hit(count, rate.limit, left)


def claim_once(kind: str, value: object, seconds: int, now: datetime | None = None) -> bool:
    """True the first time ``value`` is claimed within ``seconds``, False every time after
    (a nonce, a used form stamp): atomic across processes, like every hit."""
    count, _ = store().hit(key(kind, value), seconds, now, limit=1)
    return count == 1


def clear(kind: str, value: object) -> None:
    store().clear(key(kind, value))


def prune(now: datetime | None = None) -> int:
    """Delete the windows that have ended (database store); returns how many."""
    return store().prune(now)
