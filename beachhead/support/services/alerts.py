"""Warning thresholds of (outsourced) teams: when a team's breach rate rises above its limit,
or its customers' satisfaction falls below it, the team's manager and the admins get an alert
(once per team, figure and ISO week) to consider taking the work back in-house."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from beachhead.commitments.models import Commitment, State
from beachhead.core import events
from beachhead.core.models import Team
from beachhead.support import events as support_events
from beachhead.support.models import Survey, TeamAlert, TeamThreshold
from beachhead.support.services.sla import SLA_KINDS


@dataclass(frozen=True)
class TeamFigures:
    team: Team
    due: int  # SLA promises due in the window (or resolved in it)
    breached: int
    answered: int  # surveys answered
    good: int

    @property
    def breach_rate(self) -> Decimal | None:
        if not self.due:
            return None
        return (Decimal(self.breached) * 100 / self.due).quantize(Decimal("0.01"))

    @property
    def satisfaction(self) -> Decimal | None:
        if not self.answered:
            return None
        return (Decimal(self.good) * 100 / self.answered).quantize(Decimal("0.01"))


def team_figures(teams, since: datetime, now: datetime) -> dict[int, TeamFigures]:
    """Breach rate and satisfaction per team over ``since``..``now`` (two grouped queries)."""
    ids = [t.pk for t in teams]
    promises: dict[int, dict[str, Any]] = {
        row["team"]: dict(row)
        for row in Commitment.objects.filter(
            team__in=ids, kind__in=SLA_KINDS, due_at__gte=since, due_at__lte=now
        )
        .exclude(state=State.CANCELLED)
        .values("team")
        .annotate(
            due=Count("pk"),
            breached=Count(
                "pk", filter=Q(state__in=[State.BROKEN, State.KEPT_LATE]) | Q(state=State.OPEN)
            ),
        )
    }
    surveys: dict[int, dict[str, Any]] = {
        row["ticket__team"]: dict(row)
        for row in Survey.objects.filter(
            ticket__team__in=ids, answered_at__gte=since, answered_at__lte=now
        )
        .values("ticket__team")
        .annotate(answered=Count("pk"), good=Count("pk", filter=Q(rating="good")))
    }
    return {
        t.pk: TeamFigures(
            team=t,
            due=promises.get(t.pk, {}).get("due", 0),
            breached=promises.get(t.pk, {}).get("breached", 0),
            answered=surveys.get(t.pk, {}).get("answered", 0),
            good=surveys.get(t.pk, {}).get("good", 0),
        )
        for t in teams
    }


def do_check_thresholds(now: datetime | None = None) -> list[TeamAlert]:
    now = now or timezone.now()
    year, week, _day = now.isocalendar()
    period = f"{year}-W{week:02d}"
    raised = []
    for threshold in TeamThreshold.objects.select_related("team", "team__manager"):
        team = threshold.team
        since = now - timedelta(days=threshold.window_days)
        figures = team_figures([team], since, now)[team.pk]
        checks: list[tuple[str, Decimal, Decimal, int]] = []
        rate, happy = figures.breach_rate, figures.satisfaction
        if (
            figures.due >= threshold.min_sample
            and rate is not None
            and (rate > threshold.max_breach_rate)
        ):
            checks.append(
                (
                    TeamAlert.Metric.BREACH_RATE,
                    rate,
                    threshold.max_breach_rate,
                    figures.due,
                )
            )
        if (
            figures.answered >= threshold.min_sample
            and happy is not None
            and (happy < threshold.min_satisfaction)
        ):
            checks.append(
                (
                    TeamAlert.Metric.SATISFACTION,
                    happy,
                    threshold.min_satisfaction,
                    figures.answered,
                )
            )
        for metric, value, limit, sample in checks:
            alert, created = TeamAlert.objects.get_or_create(
                team=team,
                metric=metric,
                period=period,
                defaults={"value": value, "threshold": limit, "sample": sample, "raised_at": now},
            )
            if not created:
                continue
            raised.append(alert)
            _notify(alert)
    return raised


def _notify(alert: TeamAlert) -> None:
    """The manager of the team and the admins hear of it (``support.events``)."""
    team = alert.team
    events.emit(
        support_events.TEAM_ALERT_RAISED,
        subject=alert,
        data={
            "team": team.pk,
            "team_name": team.name,
            "manager": team.manager_id,
            "metric": alert.metric,
            "value": str(alert.value),
            "threshold": str(alert.threshold),
            "sample": alert.sample,
        },
        at=alert.raised_at,
        market_code=team.market_code,
    )
