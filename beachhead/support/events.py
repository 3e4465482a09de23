"""What the support desk tells the event stream, and who hears of it.

A ticket's history — opened, its status moves, who it is assigned to, its fields — is written
as events (the audit log keeps recording field changes too); a team's warning threshold
crossed becomes a notice to the team's manager and the admins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beachhead.core import events, messages, notify
from beachhead.core.models import Event, Notification, User
from beachhead.core.roles import Role

TICKET_CREATED = "support.ticket_created"
TICKET_STATUS_CHANGED = "support.ticket_status_changed"
TICKET_ASSIGNED = "support.ticket_assigned"
TICKET_UPDATED = "support.ticket_updated"
TEAM_ALERT_RAISED = "support.team_alert_raised"
SLA_POLICY_CHANGED = "support.sla_policy_changed"

KINDS = {
    TICKET_CREATED: (
        gettext_lazy("Ticket opened"),
        ("channel", "priority", "status", "assignee", "team"),
    ),
    TICKET_STATUS_CHANGED: (gettext_lazy("Ticket status changed"), ("from", "to")),
    TICKET_ASSIGNED: (gettext_lazy("Ticket assigned"), ("before", "after")),
    TICKET_UPDATED: (gettext_lazy("Ticket changed"), ("fields",)),
    TEAM_ALERT_RAISED: (
        gettext_lazy("Team warning threshold crossed"),
        ("team", "team_name", "manager", "metric", "value", "threshold", "sample"),
    ),
    # Created, changed, deactivated or deleted: the promises of new tickets follow the policies.
    SLA_POLICY_CHANGED: (gettext_lazy("SLA policy changed"), ("action", "fields")),
}


def _alert_words(data: Mapping[str, Any]) -> tuple[str, str]:
    """A team's alert in the active language (the inbox words it when shown)."""
    params = {"team": data["team_name"], "value": data["value"], "limit": data["threshold"]}
    if data["metric"] == "breach_rate":
        title = _("%(team)s breaks %(value)s%% of its SLA promises (limit %(limit)s%%)") % params
    else:
        title = (
            _("%(team)s: customer satisfaction %(value)s%% (lowest allowed %(limit)s%%)") % params
        )
    return title, ""


def _alert_notices(batch: list[Event]) -> Iterable[notify.Notice]:
    admins = set(User.objects.filter(role=Role.ADMIN, is_active=True).values_list("pk", flat=True))
    url = reverse("support:teams")
    for event in batch:
        data = event.data
        people = admins | ({data["manager"]} if data.get("manager") else set())
        params = {k: data[k] for k in ("team_name", "metric", "value", "threshold")}
        for person in people:
            yield notify.Notice(
                recipient_id=person,
                message=TEAM_ALERT_RAISED,
                params=params,
                url=url,
                level=Notification.Level.WARNING,
                key=f"team-alert:{event.subject_id}",
                event_id=event.pk,
            )


def register() -> None:
    for code, (label, fields) in KINDS.items():
        events.register_kind(code, label, fields=fields)
    messages.register(TEAM_ALERT_RAISED, _alert_words)
    notify.on(TEAM_ALERT_RAISED, _alert_notices)
