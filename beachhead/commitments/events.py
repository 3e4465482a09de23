"""What the ledger tells the event stream, and who hears of it.

Every ``CommitmentEvent`` the ledger writes is also emitted as ``commitments.<kind>`` (the
ledger's rows stay its own audit trail). A breach, a warning and an escalation become notices:
the owner is warned, the team's manager is alerted before a breach, both hear of a breach
(each stands in for the other when one is missing)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache, partial

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from beachhead.core import events, notify
from beachhead.core.models import Event, Notification

#: Each kind of ledger event and the payload fields it may carry.
KINDS = {
    "created": (gettext_lazy("Promise made"), ("due_at",)),
    "warned": (gettext_lazy("Promise at risk"), ("title", "owner", "manager", "due_at")),
    "escalated": (gettext_lazy("Promise escalated"), ("title", "owner", "manager", "due_at")),
    "paused": (gettext_lazy("Promise paused"), ()),
    "resumed": (gettext_lazy("Promise resumed"), ("paused_business_seconds", "due_at")),
    "kept": (gettext_lazy("Promise kept"), ("from", "to")),
    "kept_late": (gettext_lazy("Promise kept late"), ("from", "to")),
    "broken": (gettext_lazy("Promise broken"), ("title", "owner", "manager", "due_at")),
    "cancelled": (gettext_lazy("Promise cancelled"), ("from", "to", "reason")),
    "reassigned": (gettext_lazy("Promise reassigned"), ("before", "after")),
}


def kind(name: str) -> str:
    """The event kind of a ledger event (``broken`` → ``commitments.broken``)."""
    return f"commitments.{name}"


# Marked for extraction here, translated per recipient's language when notices are written.
_MESSAGES = {
    "broken": gettext_noop("Broken: %(title)s"),
    "escalated": gettext_noop("Escalation — at risk of breach: %(title)s"),
    "warned": gettext_noop("At risk — due soon: %(title)s"),
}
_LEVELS = {
    "broken": Notification.Level.DANGER,
    "escalated": Notification.Level.WARNING,
    "warned": Notification.Level.WARNING,
}


@lru_cache(maxsize=64)
def _template(stage: str, language: str) -> str:
    with translation.override(language):
        return _(_MESSAGES[stage])


def _title(stage: str, title: str, language: str) -> str:
    return _template(stage, language) % {"title": title}


def _recipients(owner: int | None, manager: int | None, stage: str) -> set[int]:
    """The owner is warned; the manager is alerted; both hear of a breach (each stands in for
    the other)."""
    first, second = (manager, owner) if stage == "escalated" else (owner, manager)
    people = {first} if first else ({second} if second else set())
    if stage == "broken":
        people |= {manager} if manager else ({owner} if owner else set())
    return people


def _notices(stage: str):
    def make(batch: list[Event]) -> Iterable[notify.Notice]:
        base = reverse("commitments:detail", args=[0])[: -len("0/")]
        for event in batch:
            title = event.data.get("title", event.subject_label)
            for person in _recipients(event.data.get("owner"), event.data.get("manager"), stage):
                yield notify.Notice(
                    recipient_id=person,
                    title=partial(_title, stage, title),
                    body=title,
                    url=f"{base}{event.subject_id}/",
                    level=_LEVELS[stage],
                    key=f"commitment:{event.subject_id}:{stage}",
                    event_id=event.pk,
                )

    return make


def register() -> None:
    for name, (label, fields) in KINDS.items():
        events.register_kind(kind(name), label, fields=fields)
    for stage in _MESSAGES:
        notify.on(kind(stage), _notices(stage))
