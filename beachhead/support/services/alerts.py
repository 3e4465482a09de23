"""Warning thresholds of (outsourced) teams: when a team's breach rate rises above its limit,
or its customers' satisfaction falls below it, the team's manager and the admins get an alert
(once per team, figure and ISO week) to consider taking the work back in-house."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beachhead.commitments.models import Commitment, State
from beachhead.core.models import Team, User
from beachhead.core.roles import Role
from beachhead.core.services import do_notify
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
    promises = {
        row["team"]: row
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
    surveys = {
        row["ticket__team"]: row
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
        checks = []
        rate, happy = figures.breach_rate, figures.satisfaction
        if (
            figures.due >= threshold.min_sample
            and rate is not None
            and (rate > threshold.max_breach_rate)
        ):
            checks.append(
                (
                    TeamAlert.Metric.BREACH_RATE,
                    figures.breach_rate,
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
                    figures.satisfaction,
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
    people = list(User.objects.filter(role=Role.ADMIN, is_active=True))
    if alert.team.manager and alert.team.manager.is_active:
        people.append(alert.team.manager)

    def title(user) -> str:
        with translation.override(user.language):
            if alert.metric == TeamAlert.Metric.BREACH_RATE:
                return _("%(team)s breaks %(value)s%% of its SLA promises (limit %(limit)s%%)") % {
                    "team": alert.team,
                    "value": alert.value,
                    "limit": alert.threshold,
                }
            return _("%(team)s: customer satisfaction %(value)s%% (lowest allowed %(limit)s%%)") % {
                "team": alert.team,
                "value": alert.value,
                "limit": alert.threshold,
            }

    do_notify(
        {p.pk: p for p in people}.values(),
        title=title,
        url=reverse("support:teams"),
        level="warning",
        key=f"team-alert:{alert.pk}",
    )
