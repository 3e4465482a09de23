"""What the ledger tells the event stream, and who hears of it.

Every ``CommitmentEvent`` the ledger writes is also emitted as ``commitments.<kind>`` (the
ledger's rows stay its own audit trail). A breach, a warning and an escalation become notices:
the owner is warned, the team's manager is alerted before a breach, both hear of a breach
(each stands in for the other when one is missing)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from beachhead.commitments import kinds
from beachhead.core import events, messages, notify
from beachhead.core.models import Event, Notification

#: Each kind of ledger event and the payload fields it may carry. A warning, an escalation and
#: a breach carry what the promise is worded from (its ``kind``, what it is ``about`` — subject
#: or customer label — and the ``description`` a person typed, if any); ``title`` is the
#: worded title events before that carried.
_WORDED = ("kind", "about", "description", "title", "owner", "manager", "due_at")
KINDS = {
    "created": (gettext_lazy("Promise made"), ("due_at",)),
    "warned": (gettext_lazy("Promise at risk"), _WORDED),
    "escalated": (gettext_lazy("Promise escalated"), _WORDED),
    "paused": (gettext_lazy("Promise paused"), ()),
    "resumed": (gettext_lazy("Promise resumed"), ("paused_business_seconds", "due_at")),
    "kept": (gettext_lazy("Promise kept"), ("from", "to")),
    "kept_late": (gettext_lazy("Promise kept late"), ("from", "to")),
    "broken": (gettext_lazy("Promise broken"), _WORDED),
    "cancelled": (gettext_lazy("Promise cancelled"), ("from", "to", "reason")),
    "reassigned": (gettext_lazy("Promise reassigned"), ("before", "after")),
}


def kind(name: str) -> str:
    """The event kind of a ledger event (``broken`` → ``commitments.broken``)."""
    return f"commitments.{name}"


#: What the inbox says (worded in the reader's language when shown: ``core.messages``).
_MESSAGES = {
    "broken": gettext_lazy("Broken: %(title)s"),
    "escalated": gettext_lazy("Escalation — at risk of breach: %(title)s"),
    "warned": gettext_lazy("At risk — due soon: %(title)s"),
}
_LEVELS = {
    "broken": Notification.Level.DANGER,
    "escalated": Notification.Level.WARNING,
    "warned": Notification.Level.WARNING,
}


def promise_title(params: Mapping[str, Any]) -> str:
    """A promise's title from a notice's parameters, in the active language: the typed
    description, else the promise worded from its kind and subject (``title``: the words of
    a notice made before notices carried them)."""
    if params.get("description"):
        return str(params["description"])
    if params.get("kind"):
        return kinds.title(params["kind"], params.get("about", ""))
    return str(params.get("title", ""))


def _wording(stage: str) -> Callable[[Mapping[str, Any]], tuple[str, str]]:
    def render(params: Mapping[str, Any]) -> tuple[str, str]:
        title = promise_title(params)
        return str(_MESSAGES[stage]) % {"title": title}, title

    return render


def _params(data: Mapping[str, Any], label: str) -> dict[str, str]:
    if "kind" in data:
        return {
            "kind": data["kind"],
            "about": data.get("about", ""),
            "description": data.get("description", ""),
        }
    return {"title": data.get("title", label)}


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
            params = _params(event.data, event.subject_label)
            for person in _recipients(event.data.get("owner"), event.data.get("manager"), stage):
                yield notify.Notice(
                    recipient_id=person,
                    message=kind(stage),
                    params=params,
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
        messages.register(kind(stage), _wording(stage))
        notify.on(kind(stage), _notices(stage))
