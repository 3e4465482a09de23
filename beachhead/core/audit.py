"""Audit log glue: business records register with django-auditlog (who, when, which fields,
old and new values); this module holds the registrations of core models and the queries the
audit page uses."""

from __future__ import annotations

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db.models import QuerySet


def register_core_models() -> None:
    from beachhead.core.models import Team, User

    auditlog.register(
        User,
        exclude_fields=["password", "last_login"],
        m2m_fields={"groups"},
    )
    auditlog.register(Team, m2m_fields={"members"})


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
