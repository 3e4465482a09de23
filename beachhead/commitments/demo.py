"""Demo ledger: the promises themselves are made by the pillars that own what they are about
(SLA targets on real tickets, follow-ups and milestones on real accounts and deals), each with
its history; the ledger's part runs after them: it catches up at the demo's ``now`` as the
worker would (what passed its due time open broke *at* its due time, what is at risk now is
flagged now), and dates each promise's row when its clock started."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F

from beachhead.commitments import services
from beachhead.commitments.models import Commitment
from beachhead.core.demo import DemoContext


def catch_up(ctx: DemoContext) -> None:
    services.sweep(now=ctx.now)
    # The rows were written now, but recorded promises made in the past.
    Commitment.objects.filter(created_at__gt=F("started_at")).update(created_at=F("started_at"))


def promise_with_history(
    rng: random.Random, now: datetime, *, kept: float, late: float, **promise: Any
) -> Commitment:
    """Make a promise (the arguments of ``services.prepare_commitment``, with its ``start``)
    through the ledger and give it the history it would have at ``now``. Due before ``now``:
    kept on time (a share ``kept``), kept late (``late``), or left open, for the catch-up to
    break at its due time. Due after ``now``: open, a third of them kept early already."""
    commitment = services.do_create_commitment(**promise)
    start, due = commitment.started_at, commitment.due_at
    roll = rng.random()
    if due > now:
        if roll < 0.3:
            services.do_keep(commitment, at=start + (now - start) * rng.uniform(0.2, 0.9))
    elif roll < kept:
        services.do_keep(commitment, at=start + (due - start) * rng.uniform(0.2, 0.95))
    elif roll < kept + late and now - due > timedelta(hours=1):
        delay = min(timedelta(hours=rng.uniform(1, 72)), (now - due) * 0.8)
        services.do_keep(commitment, at=due + delay)
    return commitment
