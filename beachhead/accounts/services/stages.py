"""The deal pipeline's stages, as the Settings page "Deal stages" and the API change them.

Only administrators edit stages (``AccountOperation.MANAGE_STAGES``). A stage has a name (and
its variants by language), a probability and an outcome: open, won or lost. A stage deals have
been in is never deleted, only deactivated (new deals and moves no longer offer it), and its
outcome no longer changes: the deals closed in it would change meaning. The pipeline keeps at
least one active open stage, one won and one lost.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from beachhead.accounts.models import Stage
from beachhead.accounts.roles import AccountOperation
from beachhead.core.audit import audit_actor
from beachhead.core.models import User
from beachhead.core.roles import can
from beachhead.core.services import check_names

OUTCOMES = ("open", "won", "lost")
STAGE_FIELDS = ("name", "names", "probability", "outcome")


def check_manages_stages(actor: User) -> None:
    if not can(actor, AccountOperation.MANAGE_STAGES):
        raise PermissionDenied(_("Only administrators edit the deal stages."))


def outcome_of(stage: Stage) -> str:
    return "won" if stage.is_won else "lost" if stage.is_lost else "open"


def in_use(stage: Stage) -> bool:
    """True when any deal is, or was last, in ``stage``."""
    return stage.opportunities.exists()


def _apply(stage: Stage, changes: dict[str, Any]) -> None:
    if "name" in changes:
        stage.name = str(changes["name"] or "").strip()
        if not stage.name:
            raise ValidationError({"name": _("Give the stage a name.")})
    if "names" in changes:
        stage.names = check_names(changes["names"] or {})
    if "probability" in changes:
        try:
            stage.probability = int(changes["probability"])
        except (TypeError, ValueError):
            raise ValidationError(
                {"probability": _("The probability is a whole number from 0 to 100.")}
            ) from None
        if not 0 <= stage.probability <= 100:
            raise ValidationError(
                {"probability": _("The probability is a whole number from 0 to 100.")}
            )
    if "outcome" in changes:
        outcome = changes["outcome"]
        if outcome not in OUTCOMES:
            raise ValidationError({"outcome": _("Choose open, won or lost.")})
        if stage.pk and outcome != outcome_of(stage) and in_use(stage):
            raise ValidationError(
                {"outcome": _("Deals are in this stage: its outcome can no longer change.")}
            )
        stage.is_won, stage.is_lost = outcome == "won", outcome == "lost"


def _new_key(name: str) -> str:
    base = slugify(name)[:34] or "stage"
    key, n = base, 2
    while Stage.objects.filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    return key


def _check_pipeline() -> None:
    """At least one active stage of each outcome remains."""
    active = Stage.objects.filter(is_active=True)
    if not active.filter(is_won=False, is_lost=False).exists():
        raise ValidationError(_("The pipeline needs at least one active open stage."))
    if not active.filter(is_won=True).exists():
        raise ValidationError(_("The pipeline needs at least one active won stage."))
    if not active.filter(is_lost=True).exists():
        raise ValidationError(_("The pipeline needs at least one active lost stage."))


@transaction.atomic
def do_add_stage(actor: User, **changes: Any) -> Stage:
    """A new stage, placed last (before nothing: reorder it after)."""
    check_manages_stages(actor)
    stage = Stage()
    _apply(stage, {"outcome": "open", "probability": 0, **changes})
    if not stage.name:
        raise ValidationError({"name": _("Give the stage a name.")})
    stage.key = _new_key(stage.name)
    stage.order = (Stage.objects.aggregate(top=Max("order"))["top"] or 0) + 10
    stage.full_clean()
    with audit_actor(actor):
        stage.save()
    return stage


@transaction.atomic
def do_update_stage(stage: Stage, actor: User, changes: dict[str, Any]) -> Stage:
    """Rename a stage (and its variants), change its probability or its outcome."""
    check_manages_stages(actor)
    _apply(stage, changes)
    stage.full_clean()
    with audit_actor(actor):
        stage.save()
        _check_pipeline()
    return stage


@transaction.atomic
def do_reorder_stages(actor: User, ids: list[int]) -> None:
    """Put the stages in the order of ``ids`` (every stage, each once)."""
    check_manages_stages(actor)
    stages = {s.pk: s for s in Stage.objects.select_for_update().order_by("pk")}
    if sorted(ids) != sorted(stages):
        raise ValidationError(_("Give every stage once, in the order you want."))
    with audit_actor(actor):
        for position, pk in enumerate(ids, start=1):
            stage = stages[pk]
            if stage.order != position * 10:
                stage.order = position * 10
                stage.save(update_fields=["order"])


def do_move_stage(stage: Stage, actor: User, offset: int) -> None:
    """Move ``stage`` one place up (``-1``) or down (``1``)."""
    ids = list(Stage.objects.order_by("order", "pk").values_list("pk", flat=True))
    here = ids.index(stage.pk)
    there = max(0, min(len(ids) - 1, here + offset))
    ids[here], ids[there] = ids[there], ids[here]
    do_reorder_stages(actor, ids)


@transaction.atomic
def do_retire_stage(stage: Stage, actor: User) -> str:
    """Remove a stage: deleted when no deal was ever in it, else deactivated. Returns
    ``"deleted"`` or ``"deactivated"``."""
    check_manages_stages(actor)
    with audit_actor(actor):
        if in_use(stage):
            stage.is_active = False
            stage.save(update_fields=["is_active"])
            _check_pipeline()
            return "deactivated"
        stage.delete()
        _check_pipeline()
    return "deleted"


@transaction.atomic
def do_reactivate_stage(stage: Stage, actor: User) -> None:
    check_manages_stages(actor)
    if not stage.is_active:
        stage.is_active = True
        with audit_actor(actor):
            stage.save(update_fields=["is_active"])
