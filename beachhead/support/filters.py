"""Ticket filters shared by the API and the pages: ``?status=open,pending&priority=urgent
&market=JP&assignee=me&team=3&account=12&tag=billing&q=timeout``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from beachhead.markets.services import market_by_code
from beachhead.support.models import UNSOLVED_STATUSES, Channel, Priority, Status

if TYPE_CHECKING:
    from beachhead.core.models import User


def _codes(params, name: str, allowed=None, upper=False) -> list[str] | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    values = [
        v.strip().upper() if upper else v.strip().lower() for v in raw.split(",") if v.strip()
    ]
    if allowed is not None:
        bad = [v for v in values if v not in allowed]
        if bad:
            raise ValidationError({name: [f"Unknown value(s): {', '.join(bad)}."]})
    return values


def is_id(value) -> bool:
    """A row id: ASCII digits that fit a 64-bit column (``"²".isdigit()`` is true too)."""
    value = str(value)
    return value.isascii() and value.isdigit() and len(value) <= 18


def _int(params, name: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not is_id(raw):
        raise ValidationError({name: ["Give a number."]})
    return int(raw)


def market_codes(params) -> list[str] | None:
    """The ``market`` parameter as upper-case codes (None when absent)."""
    return _codes(params, "market", upper=True)


def apply(queryset: QuerySet, params, user: User) -> QuerySet:
    statuses = _codes(params, "status", {*dict(Status.choices), "unsolved"})
    if statuses:
        expanded: set[str] = set()
        for value in statuses:
            expanded |= set(UNSOLVED_STATUSES) if value == "unsolved" else {value}
        queryset = queryset.filter(status__in=sorted(expanded))
    priorities = _codes(params, "priority", dict(Priority.choices))
    if priorities:
        queryset = queryset.filter(priority__in=priorities)
    channels = _codes(params, "channel", dict(Channel.choices))
    if channels:
        queryset = queryset.filter(channel__in=channels)
    markets = _codes(params, "market", upper=True)
    if markets:
        # By id, from memory: no join, and one market reads its index range in order.
        found = [market_by_code(code) for code in markets]
        queryset = queryset.filter(market_id__in=sorted(m.pk for m in found if m is not None))
    account = _int(params, "account")
    if account is not None:
        queryset = queryset.filter(account_id=account)
    team = _int(params, "team")
    if team is not None:
        queryset = queryset.filter(team_id=team)
    assignee = (params.get("assignee") or "").strip()
    if assignee == "me":
        queryset = queryset.filter(assignee_id=user.pk)
    elif assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif is_id(assignee):
        queryset = queryset.filter(assignee_id=int(assignee))
    elif assignee:
        queryset = queryset.filter(assignee__username=assignee)
    tag = (params.get("tag") or "").strip().lower()
    if tag:
        # Whole words of the space-separated tag field.
        queryset = queryset.filter(
            Q(tags=tag)
            | Q(tags__startswith=f"{tag} ")
            | Q(tags__endswith=f" {tag}")
            | Q(tags__contains=f" {tag} ")
        )
    q = (params.get("q") or "").strip()
    if q:
        if is_id(q.lstrip("#")):
            queryset = queryset.filter(Q(pk=int(q.lstrip("#"))) | Q(subject__icontains=q))
        else:
            queryset = queryset.filter(Q(subject__icontains=q) | Q(requester_email__icontains=q))
    return queryset
