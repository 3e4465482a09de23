"""Demo commitments: a ledger with history (kept, kept late, broken) and open promises."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from beachhead.commitments import services
from beachhead.core.demo import DemoContext
from beachhead.core.roles import Role

# Targets in business minutes per kind, and the share each kind is kept on time in the demo.
KINDS = [
    ("first_reply", 15, "24x7", 0.93),
    ("first_reply", 240, "market", 0.9),
    ("next_reply", 480, "market", 0.86),
    ("resolution", 2400, "market", 0.8),
    ("follow_up", 1440, "market", 0.88),
    ("contract_milestone", 7200, "market", 0.75),
    ("pilot_gate", 14400, "market", 0.7),
]

SUBJECTS = {
    "first_reply": "Ticket #%d",
    "next_reply": "Ticket #%d",
    "resolution": "Ticket #%d",
    "follow_up": "Ticket #%d",
    "contract_milestone": "Contract C-%d",
    "pilot_gate": "Pilot P-%d",
}


def create_commitments(ctx: DemoContext) -> None:
    from beachhead.core.models import Team, User
    from beachhead.markets.models import Market

    rng = ctx.rng("commitments")
    markets = {m.code: m for m in Market.objects.all()}
    people = [
        u
        for u in User.objects.filter(
            role__in=[Role.SUPPORT_AGENT, Role.ACCOUNT_EXECUTIVE]
        ).order_by("pk")
        if u.market_codes and u.market_codes[0] in markets
    ]
    if not people:
        return
    teams = {t.market_code: t for t in Team.objects.exclude(market_code="")}
    now = timezone.now().replace(second=0, microsecond=0)
    total = max(60, ctx.accounts * 3)
    for i in ctx.progress(range(total), "Commitments", total):
        owner = people[rng.randrange(len(people))]
        code = owner.market_codes[0]
        kind, minutes, cal, kept_share = KINDS[rng.randrange(len(KINDS))]
        calendar = "24x7" if cal == "24x7" else f"market:{code}"
        # Most of the ledger is history from the last 90 days; a fifth is still open.
        historic = rng.random() < 0.8
        start = now - timedelta(
            minutes=rng.randrange(60, 90 * 24 * 60) if historic else rng.randrange(0, 600)
        )
        commitment = services.do_create_commitment(
            kind=kind,
            calendar=calendar,
            target=timedelta(minutes=minutes),
            owner=owner,
            team=teams.get(code),
            start=start,
            subject_label=SUBJECTS.get(kind, "Request %d") % (1000 + i),
            market=markets[code],
        )
        ctx.count("commitments")
        if not historic:
            continue
        roll = rng.random()
        if roll < kept_share:
            span = commitment.due_at - start
            services.do_keep(commitment, at=start + span * rng.uniform(0.1, 0.95))
        elif roll < kept_share + (1 - kept_share) / 2:
            late = commitment.due_at + timedelta(minutes=rng.randrange(5, 600))
            if late < now:
                services.do_keep(commitment, at=late)
    services.sweep(now=now)
