"""What the desk's settings services share: who may change what (an admin everywhere, a
regional manager in their own markets) and the parsers of the values every settings form
takes (names by language, yes/no, whole minutes)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from beachhead.core.changes import check_name
from beachhead.core.localise import LANGUAGE_KEYS
from beachhead.core.roles import can


def covers_all(user: Any, codes: Iterable[str]) -> bool:
    """True when ``user`` is global or covers every market of ``codes`` (and there is one):
    a row for every market, or for markets the user does not cover, is an admin's to change."""
    if user.is_global:
        return True
    codes = set(codes)
    return bool(codes) and codes <= set(user.market_codes or [])


def covers_any(user: Any, codes: Iterable[str]) -> bool:
    """True when ``user`` is global or covers one of ``codes``."""
    return user.is_global or bool(set(codes) & set(user.market_codes or []))


def require_operation(user: Any, operation: str) -> None:
    if not can(user, operation):
        raise PermissionDenied(_("Your role may not change the desk's settings."))


def parse_names(value: Any) -> dict[str, str]:
    """Names by language key (``{"zh-hans": …, "ja": …}``); empty variants are dropped."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError(_("Give the names as a mapping of language to name."))
    unknown = sorted(set(value) - set(LANGUAGE_KEYS))
    if unknown:
        raise ValidationError(
            _("Names are kept in %(languages)s only.") % {"languages": ", ".join(LANGUAGE_KEYS)}
        )
    names = {key: check_name(text) for key, text in value.items()}
    return {key: text for key, text in names.items() if text}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("1", "true", "yes", "on"):
        return True
    if str(value).strip().lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValidationError(_("Answer yes or no."))


def parse_minutes(value: Any, required: bool = False) -> int | None:
    """A target in whole minutes: a positive number, at most a year."""
    if value in (None, ""):
        if required:
            raise ValidationError(_("Give a target in minutes."))
        return None
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("Give a whole number of minutes.")) from None
    if minutes <= 0:
        raise ValidationError(_("A target must be more than zero minutes."))
    if minutes > 366 * 24 * 60:
        raise ValidationError(_("A target must be at most a year."))
    return minutes


def parse_code_list(value: Any) -> list[str]:
    """A list of codes given as a list or as text separated by commas."""
    if value in (None, ""):
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(item).strip() for item in items if str(item).strip()]
