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


def _fmt(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def seed_commitments(open_count: int, due: int) -> datetime:
    """``open_count`` open commitments, of which ``due`` are due at ``NOW``; returns NOW."""
    from beachhead.commitments.models import Commitment

    owner, market = _owner()
    if Commitment.objects.count() == open_count:
        reset_sweep(NOW)
        return NOW
    Commitment.objects.all().delete()
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
