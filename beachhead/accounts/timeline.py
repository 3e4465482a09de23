"""Timeline sources of an account: its contacts, deals, deployments, the promises made to it,
and the audit log of the account itself (registered in ``AccountsConfig.ready``).

Each source reads at most ``limit`` rows in one query, through the access layer, and returns
its newest entries first; ``beachhead.core.timeline`` merges them.

The commitments source belongs with the ledger, which knows nothing of accounts; it is
registered here for now (it reads ``Commitment`` rows whose generic customer is the account)
and should move to the ledger's ``ready`` when the ledger grows a customer timeline of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beachhead.accounts.models import (
    Account,
    Contact,
    DeploymentEvent,
    Environment,
    Opportunity,
)
from beachhead.core.access import scoped
from beachhead.core.money import format_money
from beachhead.core.timeline import Entry, Source

if TYPE_CHECKING:
    from beachhead.core.models import User


def _is_account(customer) -> bool:
    return isinstance(customer, Account)


def contact_entries(account, user: User, limit: int) -> list[Entry]:
    if not _is_account(account):
        return []
    rows = (
        scoped(Contact, user).filter(account_id=account.pk).order_by("-created_at", "-pk")[:limit]
    )
    return [
        Entry(
            at=c.created_at,
            source="contacts",
            icon="user-plus",
            title=_("Contact added: %(name)s") % {"name": c.full_name},
            detail=c.roles_text or c.job_title,
            url=c.get_absolute_url(),
        )
        for c in rows
    ]


def _newest_by_later_end(rows, start: str, ends: list[str], limit: int):
    """The newest ``limit`` of ``rows``, each dated by the later of its ``start`` and the first
    set of its ``ends`` (a row that gives two entries, begun and ended, ranks by the later)."""
    latest = Greatest(start, Coalesce(*ends, start))
    return rows.annotate(latest=latest).order_by(F("latest").desc(), "-pk")[:limit]


def opportunity_entries(account, user: User, limit: int) -> list[Entry]:
    if not _is_account(account):
        return []
    # Each deal gives up to two entries (opened, closed); ranking deals by the later of the two
    # keeps every one of the newest ``limit`` entries among the deals read.
    rows = _newest_by_later_end(
        scoped(Opportunity, user).filter(account_id=account.pk).select_related("stage"),
        "created_at",
        ["closed_at"],
        limit,
    )
    entries = []
    for deal in rows:
        amount = format_money(deal.amount, whole=True)
        entries.append(
            Entry(
                at=deal.created_at,
                source="opportunities",
                icon="briefcase",
                title=_("Deal opened: %(name)s") % {"name": deal.name},
                detail=amount,
                url=deal.get_absolute_url(),
            )
        )
        if deal.closed_at:
            won = deal.stage.is_won
            entries.append(
                Entry(
                    at=deal.closed_at,
                    source="opportunities",
                    icon="trophy" if won else "circle-x",
                    title=(_("Deal won: %(name)s") if won else _("Deal lost: %(name)s"))
                    % {"name": deal.name},
                    detail=amount,
                    url=deal.get_absolute_url(),
                    state="kept" if won else "broken",
                )
            )
    return entries


def deployment_entries(account, user: User, limit: int) -> list[Entry]:
    if not _is_account(account):
        return []
    rows = (
        scoped(DeploymentEvent, user).filter(account_id=account.pk).order_by("-at", "-pk")[:limit]
    )
    environments = dict(Environment.choices)
    entries = []
    for event in rows:
        params = {
            "nodes": event.node_count,
            "version": event.version,
            "environment": str(environments.get(event.environment, event.environment)).lower(),
        }
        if event.kind == DeploymentEvent.Kind.CREATED:
            title = _("Deployed %(version)s on %(nodes)s nodes in %(environment)s") % params
            icon = "server"
        elif event.kind == DeploymentEvent.Kind.RETIRED:
            title = _("Retired the %(environment)s deployment of %(version)s") % params
            icon = "server-off"
        else:
            title = _("%(environment)s deployment now %(version)s on %(nodes)s nodes") % params
            icon = "server-bolt"
        entries.append(
            Entry(
                at=event.at,
                source="deployments",
                icon=icon,
                title=title[:1].upper() + title[1:],
                url=account.get_absolute_url() + "#deployments",
            )
        )
    return entries


def commitment_entries(account, user: User, limit: int) -> list[Entry]:
    """Promises made to the account (see the module's note on where this belongs)."""
    if not _is_account(account):
        return []
    from beachhead.commitments.models import Commitment, State

    content_type = ContentType.objects.get_for_model(Account)
    rows = _newest_by_later_end(
        scoped(Commitment, user).filter(customer_type=content_type, customer_id=str(account.pk)),
        "started_at",
        ["resolved_at", "broken_at"],
        limit,
    )
    now = timezone.now()
    entries = []
    for c in rows:
        entries.append(
            Entry(
                at=c.started_at,
                source="commitments",
                icon="checklist",
                title=_("Promised: %(title)s") % {"title": c.title},
                url=c.get_absolute_url(),
                state=c.health(now) if c.state == State.OPEN else "",
            )
        )
        ended = c.resolved_at or c.broken_at
        if ended and c.state != State.OPEN:
            entries.append(
                Entry(
                    at=ended,
                    source="commitments",
                    icon="circle-check" if c.state == State.KEPT else "clock-exclamation",
                    title=_("%(outcome)s: %(title)s")
                    % {"outcome": c.get_state_display(), "title": c.title},
                    url=c.get_absolute_url(),
                    state=c.state,
                )
            )
    return entries


def audit_entries(account, user: User, limit: int) -> list[Entry]:
    """Changes to the account's own fields, with who made them."""
    if not _is_account(account):
        return []
    from auditlog.models import LogEntry

    content_type = ContentType.objects.get_for_model(Account)
    visible = scoped(Account, user).filter(pk=account.pk).values("pk")
    rows = (
        LogEntry.objects.filter(content_type=content_type, object_id__in=visible)
        .select_related("actor")
        .order_by("-timestamp", "-pk")[:limit]
    )
    fields: dict[str, Any] = {
        f.name: f for f in Account._meta.get_fields() if hasattr(f, "verbose_name")
    }
    entries = []
    for log in rows:
        changes = log.changes if isinstance(log.changes, dict) else {}
        if log.action == LogEntry.Action.CREATE:
            title = _("Account created")
            detail = ""
        else:
            title = _("Account changed")
            parts = []
            for name, values in sorted(changes.items()):
                field = fields.get(name) or fields.get(name.removesuffix("_currency"))
                if field is None or not isinstance(values, list) or len(values) != 2:
                    continue
                before, after = (_display(field, v) for v in values)
                parts.append(
                    _("%(field)s: %(before)s → %(after)s")
                    % {"field": str(field.verbose_name), "before": before, "after": after}
                )
            detail = "; ".join(parts)
        who = str(log.actor) if log.actor else _("Beachhead")
        entries.append(
            Entry(
                at=log.timestamp,
                source="audit",
                icon="history",
                title=f"{title} · {who}",
                detail=detail,
            )
        )
    return entries


def _display(field, value) -> str:
    if value in (None, "None", ""):
        return "—"
    choices = dict(getattr(field, "flatchoices", None) or [])
    return str(choices.get(value, value))


SOURCES = (
    Source("contacts", gettext_lazy("Contacts"), contact_entries, order=30),
    Source("opportunities", gettext_lazy("Deals"), opportunity_entries, order=20),
    Source("deployments", gettext_lazy("Deployments"), deployment_entries, order=40),
    Source("commitments", gettext_lazy("Commitments"), commitment_entries, order=10),
    Source("audit", gettext_lazy("Changes"), audit_entries, order=90),
)
