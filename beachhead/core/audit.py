"""Audit log glue: business records register with django-auditlog (who, when, which fields,
old and new values); this module holds the registrations of core models, the actor a service
names (``audit_actor``) and the queries the audit page uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from beachhead.core.models import User


def register_core_models() -> None:
    from beachhead.core.models import ApiToken, Team, User

    auditlog.register(
        User,
        exclude_fields=["password", "last_login"],
        m2m_fields={"groups"},
    )
    auditlog.register(Team, m2m_fields={"members"})
    # Who made or revoked which token; never the hash, nor each use.
    auditlog.register(
        ApiToken, include_fields=["name", "prefix", "expires_at", "revoked_at", "revoked_because"]
    )


@contextmanager
def audit_actor(user: User | None) -> Iterator[None]:
    """Name ``user`` as the actor of the audit entries written inside the block.

    A page request already names its user (auditlog's middleware); an API call with a token,
    a command or a task does not, so the service does. The service's user wins over a context
    left behind by someone else.
    """
    from auditlog.context import auditlog_value, set_actor

    previous = auditlog_value.get(None)
    if user is None or (previous and previous.get("actor") == user):
        yield
        return
    remote = previous or {}
    with set_actor(user, remote.get("remote_addr"), remote.get("remote_port")):
        yield
    # set_actor leaves its context behind; hand the request's context back to it.
    auditlog_value.set(previous if previous is not None else {"signal_duid": None})


def entries(
    *, model: str | None = None, actor: str | None = None, action: str | None = None
) -> QuerySet[LogEntry]:
    """Audit entries, newest first, optionally filtered by model label, actor and action."""
    qs = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if model:
        app_label, _, model_name = model.partition(".")
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model_name)
    if actor:
        qs = qs.filter(actor__username=actor)
    if action not in (None, ""):
        qs = qs.filter(action=int(action))
    return qs


#: What happened, in the reader's language (django-auditlog ships no Chinese or Japanese).
ACTION_LABELS = {
    LogEntry.Action.CREATE: pgettext_lazy("audit action", "Created"),
    LogEntry.Action.UPDATE: pgettext_lazy("audit action", "Changed"),
    LogEntry.Action.DELETE: pgettext_lazy("audit action", "Deleted"),
    LogEntry.Action.ACCESS: pgettext_lazy("audit action", "Viewed"),
}


def action_label(action: int) -> str:
    return str(ACTION_LABELS.get(action, action))


#: Changes written by services rather than by a field (an administrator ended the sessions).
EXTRA_LABELS = {"sessions": pgettext_lazy("audit field", "signed-in sessions")}


def field_label(entry: LogEntry, field: str) -> str:
    """A changed field as its form names it ("market", not ``market_code``), in the reader's
    language; the raw name only for a field the model no longer has."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    if field in EXTRA_LABELS:
        return str(EXTRA_LABELS[field])
    try:
        found = model._meta.get_field(field) if model else None
    except FieldDoesNotExist:
        return field
    return str(getattr(found, "verbose_name", field))
