"""Checking the changes a person proposes to a row: one table of field → parser.

A service declares what each field accepts and gets back the cleaned values, or one
``ValidationError`` keyed by field that carries every field's messages (a form or the API shows
them all at once, not the first)::

    cleaned = clean_changes(
        changes,
        {
            "name": parse_name,
            "amount": lambda value: parse_money(value, account.market.currency),
            "owner": lambda value: parse_user(value, _("owner")),
        },
        required=() if deal else ("name",),
    )
    return changed(deal, cleaned)

- A parser takes the proposed value and returns the clean one, or raises ``ValidationError``.
  Parsers run in the table's order; one that needs values cleaned before it (a default
  currency from the market chosen in the same change) is wrapped in ``using_cleaned``.
- ``editable`` (default: the table's fields) names what may be set at all; anything else is
  refused before any parser runs, with ``unknown_message`` on each field.
- ``required`` (pass it when creating) are fields the change must name.
- ``then(cleaned, errors)`` runs last, for rules across fields; it may add cleaned values and
  errors (``errors[field] = [messages]``).
- ``changed(row, cleaned)`` keeps only the values that differ from the row; ``assign(row,
  cleaned)`` puts them on it and names the columns to save.
- ``check_name`` and ``check_choice`` are the parsers of a name (white space folded, at most
  200 characters) and of a code among ``TextChoices``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from djmoney.models.fields import MoneyField

Parser = Callable[[Any], Any]
Errors = dict[str, list[str]]


@dataclass(frozen=True)
class UsingCleaned:
    """A parser of ``(value, cleaned)``: it sees the values cleaned before it in the table."""

    parser: Callable[[Any, dict[str, Any]], Any]


def using_cleaned(parser: Callable[[Any, dict[str, Any]], Any]) -> UsingCleaned:
    """Mark ``parser`` as one that reads the values cleaned before it: ``parser(value,
    cleaned)``."""
    return UsingCleaned(parser)


def clean_changes(
    changes: Mapping[str, Any],
    parsers: Mapping[str, Parser | UsingCleaned],
    *,
    editable: Collection[str] | None = None,
    required: Collection[str] = (),
    unknown_message: str | None = None,
    then: Callable[[dict[str, Any], Errors], None] | None = None,
) -> dict[str, Any]:
    """The cleaned values of ``changes`` (every field it names that has a parser).

    Raises ``ValidationError`` keyed by field: first for fields that are not ``editable`` (and
    nothing else), else for every field whose parser refused its value, every ``required``
    field the change does not name and whatever ``then`` adds.
    """
    allowed = parsers.keys() if editable is None else editable
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        message = unknown_message or _("This field cannot be set.")
        raise ValidationError(dict.fromkeys(unknown, message))
    cleaned: dict[str, Any] = {}
    errors: Errors = {}
    for name, parser in parsers.items():
        if name not in changes:
            continue
        try:
            if isinstance(parser, UsingCleaned):
                cleaned[name] = parser.parser(changes[name], cleaned)
            else:
                cleaned[name] = parser(changes[name])
        except ValidationError as exc:
            errors[name] = exc.messages
    for name in required:
        if name not in changes and name not in errors:
            errors[name] = [_("This field is required.")]
    if then is not None:
        then(cleaned, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_name(value: Any, required: bool = False) -> str:
    """A name as people write it: inner white space folded, at most 200 characters."""
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError(_("A name is required."))
    if len(text) > 200:
        raise ValidationError(_("At most 200 characters."))
    return text


def check_choice(choices: Any, value: Any) -> str:
    """One of the codes of ``choices`` (any case, white space trimmed)."""
    text = str(value or "").strip().lower()
    if text not in choices.values:
        raise ValidationError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(choices.values)}
        )
    return text


def assign(row: Any, cleaned: dict[str, Any]) -> list[str]:
    """Put the ``cleaned`` values on ``row`` (not saved); returns the columns to save with
    ``update_fields`` (a money field's currency column with its amount)."""
    columns = []
    for name, value in cleaned.items():
        setattr(row, name, value)
        columns.append(name)
        if isinstance(row._meta.get_field(name), MoneyField):
            columns.append(f"{name}_currency")
    return columns


def changed(row: Any, cleaned: dict[str, Any]) -> dict[str, Any]:
    """The values of ``cleaned`` that differ from ``row`` (all of them when ``row`` is None:
    a new row)."""
    if row is None:
        return cleaned
    return {name: value for name, value in cleaned.items() if getattr(row, name) != value}
