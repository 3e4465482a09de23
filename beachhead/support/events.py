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
REPLY_FAILED = "support.reply_failed"
REPLY_RETRIED = "support.reply_retried"

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
    # A public reply that could not be e-mailed: refused for good (a 5xx answer, an invalid
    # address) or still failing after the last try. Never the reply's text.
    REPLY_FAILED: (
        gettext_lazy("Reply not delivered"),
        ("message", "reason", "permanent", "attempts", "address", "assignee", "author"),
    ),
    REPLY_RETRIED: (gettext_lazy("Reply queued again"), ("message",)),
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


def _reply_failed_words(data: Mapping[str, Any]) -> tuple[str, str]:
    """A reply that was not delivered, in the active language."""
    title = _("Your reply on ticket #%(number)s was not delivered") % {"number": data["ticket"]}
    body = _("%(address)s: %(reason)s. Open the ticket to check the address and retry.") % {
        "address": data.get("address") or _("no address"),
        "reason": data["reason"],
    }
    return title, body


def _reply_failed_notices(batch: list[Event]) -> Iterable[notify.Notice]:
    for event in batch:
        data = event.data
        people = {p for p in (data.get("assignee"), data.get("author")) if p}
        params = {
            "ticket": event.subject_id,
            "address": data.get("address", ""),
            "reason": data.get("reason", ""),
        }
        url = reverse("support:ticket", args=[event.subject_id]) + f"#message-{data['message']}"
        for person in people:
            yield notify.Notice(
                recipient_id=person,
                message=REPLY_FAILED,
                params=params,
                url=url,
                level=Notification.Level.WARNING,
                key=f"reply-failed:{event.pk}",
                event_id=event.pk,
            )


def register() -> None:
    for code, (label, fields) in KINDS.items():
        events.register_kind(code, label, fields=fields)
    messages.register(TEAM_ALERT_RAISED, _alert_words)
    notify.on(TEAM_ALERT_RAISED, _alert_notices)
    messages.register(REPLY_FAILED, _reply_failed_words)
    notify.on(REPLY_FAILED, _reply_failed_notices)
