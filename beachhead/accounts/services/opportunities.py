"""Deals and the stage pipeline.

Stages are rows (``Stage``), seeded with qualification → discovery → pilot → proposal →
negotiation → won / lost and edited on the Settings page (``services.stages``). A deal's stage moves the account along
its lifecycle, explicitly here and nowhere else: a deal on a target makes it a prospect, a deal
in pilot makes a target or prospect a pilot, a won deal makes it a customer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from beachhead.accounts.models import Account, Lifecycle, Opportunity, Stage
from beachhead.core.access import Action, require
from beachhead.core.audit import audit_actor
from beachhead.core.changes import assign, changed, check_name, clean_changes
from beachhead.core.models import User
from beachhead.core.money import Money, parse_money, reporting_currency, to_reporting
from beachhead.core.services import covers_market, parse_user

#: Where the account's lifecycle goes when a deal enters a stage (only ever forward).
LIFECYCLE_BY_STAGE = {"pilot": Lifecycle.PILOT}
_LIFECYCLE_ORDER = list(Lifecycle.values)
EDITABLE_FIELDS = ("name", "stage", "amount", "close_date", "owner")


class StageChoices(Sequence):
    """``(key, label)`` of every stage in order, read when iterated (stages are data, so the
    saved-views registry cannot be given a fixed list at start-up)."""

    def _rows(self) -> list[tuple[str, str]]:
        return [(s.key, s.label) for s in Stage.objects.order_by("order", "pk")]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._rows())

    def __len__(self) -> int:
        return Stage.objects.count()

    def __getitem__(self, index):
        return self._rows()[index]


def default_stage() -> Stage | None:
    return (
        Stage.objects.filter(is_won=False, is_lost=False, is_active=True)
        .order_by("order", "pk")
        .first()
    )


def _stage(value: Any) -> Stage:
    if isinstance(value, Stage):
        return value
    text = str(value or "").strip()
    stage = Stage.objects.filter(key=text.lower()).first()
    if stage is None and text.isdigit():
        stage = Stage.objects.filter(pk=int(text)).first()
    if stage is None:
        keys = ", ".join(Stage.objects.order_by("order").values_list("key", flat=True))
        raise ValidationError(
            _("“%(stage)s” is not a stage; use one of: %(stages)s.")
            % {"stage": value, "stages": keys}
        )
    return stage


def _close_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    parsed = parse_date(str(value))
    if parsed is None:
        raise ValidationError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value})
    return parsed


def check_opportunity_changes(
    changes: dict[str, Any], account: Account, opportunity: Opportunity | None = None
) -> dict[str, Any]:
    def owner_in_market(cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
        stage = cleaned.get("stage")
        if (
            stage is not None
            and not stage.is_active
            and (opportunity is None or stage.pk != opportunity.stage_id)
        ):
            errors["stage"] = [
                _("The stage “%(stage)s” is no longer used for deals.") % {"stage": stage.label}
            ]
        owner = cleaned.get("owner")
        if owner is not None and not covers_market(owner, account.market.code):
            errors["owner"] = [
                _("%(person)s does not work in %(market)s.")
                % {"person": owner, "market": account.market.code}
            ]

    cleaned = clean_changes(
        changes,
        {
            "name": lambda v: check_name(v, required=True),
            "stage": _stage,
            "amount": lambda v: parse_money(v, account.market.currency),
            "close_date": _close_date,
            "owner": lambda v: parse_user(v, _("owner")),
        },
        editable=EDITABLE_FIELDS,
        required=() if opportunity is not None else ("name",),
        then=owner_in_market,
    )
    return changed(opportunity, cleaned)


def _advance_account(account: Account, stage: Stage, user: User) -> None:
    """Move the account's lifecycle forward as its deal moves (never backward)."""
    if stage.is_lost:
        return
    target = (
        Lifecycle.CUSTOMER
        if stage.is_won
        else LIFECYCLE_BY_STAGE.get(stage.key, Lifecycle.PROSPECT)
    )
    current = account.lifecycle
    if current == Lifecycle.CHURNED and not stage.is_won:
        return
    if current != Lifecycle.CHURNED and _LIFECYCLE_ORDER.index(target) <= _LIFECYCLE_ORDER.index(
        current
    ):
        return
    account.lifecycle = target
    account.save(update_fields=["lifecycle", "updated_at"])


def do_create_opportunity(account: Account, user: User, **fields: Any) -> Opportunity:
    """A new deal on ``account`` (whoever may change the account may add deals)."""
    require(user, account, Action.CHANGE, _("You may not change this account."))
    cleaned = check_opportunity_changes(fields, account)
    cleaned.setdefault("stage", default_stage())
    if "owner" not in cleaned:
        cleaned["owner"] = account.owner or user
    opportunity = Opportunity(account=account, **cleaned)
    if opportunity.stage.is_closed:
        opportunity.closed_at = timezone.now()
    with transaction.atomic(), audit_actor(user):
        opportunity.save()
        _advance_account(account, opportunity.stage, user)
    return opportunity


def do_update_opportunity(
    opportunity: Opportunity, user: User, changes: dict[str, Any]
) -> list[str]:
    """Change a deal; a stage change may move its account along the lifecycle."""
    require(user, opportunity, Action.CHANGE, _("You may not change this deal."))
    account = opportunity.account
    cleaned = check_opportunity_changes(changes, account, opportunity)
    if not cleaned:
        return []
    with transaction.atomic(), audit_actor(user):
        update = assign(opportunity, cleaned)
        if "stage" in cleaned:
            was_closed = opportunity.closed_at is not None
            if opportunity.stage.is_closed and not was_closed:
                opportunity.closed_at = timezone.now()
                update.append("closed_at")
            elif not opportunity.stage.is_closed and was_closed:
                opportunity.closed_at = None
                update.append("closed_at")
        opportunity.save(update_fields=[*update, "updated_at"])
        if "stage" in cleaned:
            _advance_account(account, opportunity.stage, user)
    return sorted(cleaned)


def do_delete_opportunity(opportunity: Opportunity, user: User) -> None:
    require(user, opportunity, Action.DELETE, _("You may not change this deal."))
    with transaction.atomic(), audit_actor(user):
        opportunity.delete()


@dataclass(frozen=True)
class StageTotal:
    """The deals of one stage summed in the reporting currency; ``converted`` when some were
    in another currency (converted at the app's rates)."""

    amount: Money
    converted: bool


def totals_by_stage(rows: QuerySet[Opportunity]) -> dict[str, StageTotal]:
    """Each stage's deals among ``rows`` summed in the reporting currency: one query, grouped
    by stage and currency, each currency's sum converted once."""
    target = reporting_currency()
    sums = rows.order_by().values("stage__key", "amount_currency").annotate(sum=Sum("amount"))
    totals: dict[str, StageTotal] = {}
    for row in sums:
        amount = to_reporting(Money(row["sum"] or 0, row["amount_currency"]))
        key = str(row["stage__key"])
        before = totals.get(key)
        converted = str(row["amount_currency"]) != target
        if before is not None:
            amount, converted = before.amount + amount, before.converted or converted
        totals[key] = StageTotal(amount, converted)
    return totals
