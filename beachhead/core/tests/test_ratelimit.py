"""The shared rate-limit counters: the database store and the Redis store, each for real.

Redis must run on 127.0.0.1:6379 (``REDIS_TEST_URL`` to change it); its tests use database 15
and a prefix of their own, and delete their keys. The database tests run on whatever
``DATABASE_URL`` names (SQLite by default; PostgreSQL and MariaDB in CI's database matrix).
"""

from __future__ import annotations

import os
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from beachhead.core import ratelimit
from beachhead.core.models import RateCounter

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _redis_store() -> ratelimit.RedisStore:
    store = ratelimit.RedisStore(REDIS_TEST_URL, prefix=f"beachhead-test:{uuid.uuid4().hex}:")
    try:
        store.client.ping()
    except Exception:  # pragma: no cover - depends on the machine
        if os.environ.get("CI"):
            raise
        pytest.skip(f"No Redis at {REDIS_TEST_URL}")
    return store


def _cleanup(store: ratelimit.RedisStore) -> None:
    keys = list(store.client.scan_iter(match=store.prefix + "*"))
    if keys:
        store.client.delete(*keys)


@pytest.fixture
def redis_store():
    store = _redis_store()
    yield store
    _cleanup(store)


@pytest.fixture
def use_redis(settings, redis_store):
    """The module's functions on Redis, as with REDIS_URL set."""
    settings.REDIS_URL = REDIS_TEST_URL
    settings.BEACHHEAD_RATELIMIT_PREFIX = redis_store.prefix
    return redis_store


# --- Rates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "seconds"),
    [
        ("5/10m", 5, 600),
        ("600/minute", 600, 60),
        ("3/15min", 3, 900),
        ("100/h", 100, 3600),
        ("10/30s", 10, 30),
        ("1000/day", 1000, 86400),
        (" 7 / 2 hours ", 7, 7200),
    ],
)
def test_rates_parse(text, limit, seconds):
    assert ratelimit.Rate.parse(text) == ratelimit.Rate(limit, seconds)


@pytest.mark.parametrize("text", ["", "5", "5/", "five/minute", "5/0m", "5/fortnight", "-1/m"])
def test_a_bad_rate_is_refused_with_the_expected_form(text):
    with pytest.raises(ValueError, match="Not a rate"):
        ratelimit.Rate.parse(text)


def test_keys_hash_the_value():
    key = ratelimit.key("form-ip", " 192.0.2.7 ")
    assert key.startswith("form-ip:")
    assert "192.0.2.7" not in key
    assert key == ratelimit.key("form-ip", "192.0.2.7")
    assert ratelimit.key("a", "X@Example.com") == ratelimit.key("a", "x@example.com")


# --- The database store -----------------------------------------------------------------------


@pytest.fixture
def in_the_database(settings):
    """The module's functions on the database store, even when the suite runs with Redis."""
    settings.REDIS_URL = ""


@pytest.mark.django_db
def test_database_window_counts_then_refuses_then_starts_again(in_the_database):
    rate = ratelimit.Rate(3, 600)
    hits = [ratelimit.hit("t", "192.0.2.1", rate, now=T0 + timedelta(seconds=i)) for i in range(4)]
    assert [h.count for h in hits] == [1, 2, 3, 4]
    assert [h.allowed for h in hits] == [True, True, True, False]
    assert hits[-1].retry_after == 597  # the window started with the first hit
    assert ratelimit.peek("t", "192.0.2.1", rate, now=T0 + timedelta(seconds=10)).exhausted
    # Another value has its own window.
    assert ratelimit.hit("t", "192.0.2.2", rate, now=T0).count == 1
    # When the window ends, the next hit opens a new one.
    later = T0 + timedelta(seconds=600)
    assert not ratelimit.peek("t", "192.0.2.1", rate, now=later).exhausted
    again = ratelimit.hit("t", "192.0.2.1", rate, now=later)
    assert (again.count, again.allowed) == (1, True)


@pytest.mark.django_db
def test_database_claims_once_until_expiry_and_prunes(in_the_database):
    assert ratelimit.claim_once("nonce", "abc", 60, now=T0)
    assert not ratelimit.claim_once("nonce", "abc", 60, now=T0 + timedelta(seconds=59))
    assert ratelimit.claim_once("nonce", "abc", 60, now=T0 + timedelta(seconds=61))
    ratelimit.hit("t", "x", "1/10s", now=T0)
    assert ratelimit.prune(now=T0 + timedelta(seconds=30)) == 1  # the ended 10 s window
    assert RateCounter.objects.count() == 1
    assert ratelimit.prune(now=T0 + timedelta(seconds=200)) == 1
    assert not RateCounter.objects.exists()


@pytest.mark.django_db
def test_the_scheduler_prunes_ended_windows(in_the_database):
    from beachhead.core import schedule, tasks

    assert any(job.task is tasks.prune_rate_counters for job in schedule.jobs())
    ratelimit.hit("t", "x", "1/10s", now=T0)
    assert tasks.prune_rate_counters.call() == 1


def _hammer(hit, threads: int, each: int) -> list[int]:
    counts: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def work():
        try:
            start.wait()
            for _ in range(each):
                count = hit()
                with lock:
                    counts.append(count)
        finally:
            connection.close()  # this thread's own connection

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counts


@pytest.mark.django_db(transaction=True)
def test_database_counts_are_exact_under_concurrent_writers():
    # Six threads (each its own database connection, as six processes) hit one key 15 times.
    store = ratelimit.DatabaseStore()
    counts = _hammer(lambda: store.hit("concurrent", 600)[0], threads=6, each=15)
    # Every hit saw its own count: none lost, none counted twice.
    assert sorted(counts) == list(range(1, 91))
    assert RateCounter.objects.get(key="concurrent").count == 90
    # So a limit of 40 lets exactly 40 through, however the hits interleave.
    assert sum(1 for c in counts if c <= 40) == 40


@pytest.mark.django_db(transaction=True)
def test_database_claim_is_won_by_exactly_one_of_concurrent_writers():
    store = ratelimit.DatabaseStore()
    counts = _hammer(lambda: store.hit("once", 600)[0], threads=6, each=1)
    assert sorted(counts) == [1, 2, 3, 4, 5, 6]  # exactly one saw 1: claim_once's winner


# --- The Redis store --------------------------------------------------------------------------


def test_redis_window_counts_then_refuses(redis_store):
    counts = [redis_store.hit("k", 60)[0] for _ in range(4)]
    assert counts == [1, 2, 3, 4]
    count, left = redis_store.peek("k")
    assert count == 4
    assert 55 <= left <= 60
    assert redis_store.client.ttl(redis_store.prefix + "k") > 0  # it expires with its window
    assert redis_store.peek("other") == (0, 0)
    redis_store.clear("k")
    assert redis_store.peek("k") == (0, 0)


def test_redis_window_ends(redis_store):
    assert redis_store.hit("short", 1)[0] == 1
    assert redis_store.hit("short", 1)[0] == 2
    redis_store.client.pexpire(redis_store.prefix + "short", 1)  # the window ends now
    threading.Event().wait(0.01)
    assert redis_store.hit("short", 1)[0] == 1


def test_redis_counts_are_exact_under_concurrent_clients(redis_store):
    # Six threads, each with its own Redis client (as six processes would have).
    stores = [ratelimit.RedisStore(REDIS_TEST_URL, redis_store.prefix) for _ in range(6)]
    index = iter(range(6))
    local = threading.local()

    def hit():
        if not hasattr(local, "store"):
            local.store = stores[next(index)]
        return local.store.hit("concurrent", 600)[0]

    counts = _hammer(hit, threads=6, each=25)
    assert sorted(counts) == list(range(1, 151))


def test_an_unreachable_redis_lets_requests_through_and_logs(caplog):
    store = ratelimit.RedisStore("redis://127.0.0.1:1/15", prefix="nowhere:")
    assert store.hit("k", 60, limit=1) == (1, 60)
    assert store.peek("k") == (0, 0)
    assert "unavailable" in caplog.text


@pytest.mark.django_db
def test_with_redis_url_set_the_module_counts_in_redis(use_redis):
    assert isinstance(ratelimit.store(), ratelimit.RedisStore)
    rate = ratelimit.Rate(2, 60)
    assert [ratelimit.hit("t", "192.0.2.1", rate).allowed for _ in range(3)] == [True, True, False]
    assert ratelimit.claim_once("nonce", "n1", 60)
    assert not ratelimit.claim_once("nonce", "n1", 60)
    assert not RateCounter.objects.exists()  # nothing in the database
    keys = list(use_redis.client.scan_iter(match=use_redis.prefix + "*"))
    assert len(keys) == 2


@pytest.mark.django_db
def test_without_redis_url_the_module_counts_in_the_database(settings):
    settings.REDIS_URL = ""
    assert isinstance(ratelimit.store(), ratelimit.DatabaseStore)
    ratelimit.hit("t", "192.0.2.1", "2/m")
    assert RateCounter.objects.count() == 1
