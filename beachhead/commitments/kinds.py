"""Kinds of commitment. The ledger knows the basic kinds; a pillar adds its own with
``register(code, label)`` from its ``AppConfig.ready`` (the ledger never imports pillars)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

_kinds: dict[str, object] = {
    "first_reply": _("First reply"),
    "next_reply": _("Next reply"),
    "periodic_update": _("Periodic update"),
    "resolution": _("Resolution"),
    "follow_up": _("Follow-up"),
    "contract_milestone": _("Contract milestone"),
    "pilot_gate": _("Pilot phase gate"),
    "refund": _("Refund"),
    "renewal": _("Certificate renewal"),
    "data_request": _("Data-subject request"),
    "other": _("Other promise"),
}


def register(code: str, label) -> None:
    _kinds[code] = label


def choices() -> list[tuple[str, object]]:
    return list(_kinds.items())


def label(code: str) -> str:
    return str(_kinds.get(code, code))


def is_known(code: str) -> bool:
    return code in _kinds
