"""How rows of a list read: each cell formatted for its column kind in the viewer's locale
(numbers right-aligned, money with its currency, times unambiguous, long text truncated with
the full text on hover)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.core import UnknownLocaleError
from babel.numbers import format_decimal, get_currency_precision
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from beachhead.core.templatetags.beachhead import when
from beachhead.savedviews import filters
from beachhead.savedviews.registry import Column, ListSource
from beachhead.savedviews.services import Group, cell_value, key_value

NUMERIC_KINDS = ("number", "money")


def currency_digits(code: str | None) -> int:
    if not code:
        return 2
    try:
        return get_currency_precision(str(code).upper())
    except Exception:  # an unknown code reads with two decimals
        return 2


def format_number(value: Any, decimals: int | None = None) -> str:
    """A number in the viewer's locale (CLDR through Babel: 1,234.5 in English, Chinese and
    Japanese, 1.234,5 in German); ``decimals`` fixes the decimal places (money)."""
    if isinstance(value, float):
        value = Decimal(str(value))
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    if decimals is None:
        pattern = "#,##0.##########"
    try:
        locale = translation.to_locale(translation.get_language() or "en")
        return format_decimal(value, format=pattern, locale=locale, decimal_quantization=True)
    except (ValueError, UnknownLocaleError):
        return formats.number_format(value, decimal_pos=decimals, force_grouping=True)


def format_money(amount: Any, currency: str | None) -> str:
    """``1,234.50 USD`` (grouping and decimal mark of the viewer's locale; the code, not a
    symbol: "$" is ambiguous for people who sell across borders)."""
    text = format_number(Decimal(str(amount)), currency_digits(currency))
    return f"{text} {currency}" if currency else text


def money_parts(value: Any, currency: Any = None) -> tuple[Any, Any]:
    """(amount, currency) from a plain amount and its currency, or from a Money object."""
    if hasattr(value, "amount") and hasattr(value, "currency"):
        return value.amount, currency or value.currency
    return value, currency


def display(source: ListSource, column: Column, value: Any, row: Any = None) -> tuple[Any, str]:
    """(what the cell shows — text or safe HTML —, the full text for the hover title)."""
    if value is None or value == "":
        return "—", ""
    kind = column.kind
    if kind == "money":
        currency = cell_value(row, column.currency_path) if column.currency_path else None
        value, currency = money_parts(value, currency)
        text = format_money(value, currency)
        return text, text
    if kind == "number":
        text = format_number(value)
        return text, text
    if kind == "datetime" and isinstance(value, datetime):
        return when(value, "", relative=False), ""
    if kind == "date" and isinstance(value, date):
        text = formats.date_format(value, "SHORT_DATE_FORMAT")
        return text, text
    if kind == "bool":
        return (
            format_html('<i class="ti ti-check text-green me-1"></i>{}', _("Yes"))
            if value
            else format_html('<i class="ti ti-minus text-secondary me-1"></i>{}', _("No")),
            "",
        )
    if kind == "choice" or column.choices:
        labels = dict(filters.choices_of(source, column))
        text = str(labels.get(str(value), value))
        return text, text
    text = str(value)
    return text, text


def edit_value(column: Column, value: Any) -> str:
    """The value as an input of the column's kind expects it."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if column.kind == "money":
        return str(money_parts(value)[0])
    if column.kind == "datetime" and isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if column.kind == "bool":
        return "true" if value else "false"
    return str(value)


@dataclass
class Cell:
    column: Column
    value: Any
    text: Any
    title: str
    editable: bool

    @property
    def css(self) -> str:
        if self.column.kind in NUMERIC_KINDS:
            return "num text-nowrap"
        if self.column.kind in ("date", "datetime", "bool"):
            return "text-nowrap"
        return "truncate"


@dataclass
class Row:
    obj: Any
    pk: Any
    url: str
    may_change: bool
    cells: list[Cell]
    group: Group | None = None  # set on the first row of a group: render a header before it


def build_cell(source: ListSource, column: Column, obj: Any) -> Cell:
    value = cell_value(obj, column.path)
    text, title = display(source, column, value, obj)
    editable = bool(
        column.editable and source.update is not None and getattr(obj, "_may_change", False)
    )
    return Cell(column, value, text, title, editable)


def build_rows(source: ListSource, columns: list[Column], objs) -> list[Row]:
    """Rows ready for the template."""
    return [
        Row(
            obj=obj,
            pk=obj.pk,
            url=source.detail_url(obj) if source.detail_url else "",
            may_change=bool(getattr(obj, "_may_change", False)),
            cells=[build_cell(source, column, obj) for column in columns],
        )
        for obj in objs
    ]


def mark_groups(rows: list[Row], groups: list[Group], path: str) -> list[Row]:
    """Attach to each row that starts a group (on this page) that group."""
    by_value = {_key(g.value): g for g in groups}
    previous: Any = object()
    for row in rows:
        key = _key(key_value(row.obj, path))
        if key != previous:
            row.group = by_value.get(key)
            previous = key
    return rows


def _key(value: Any) -> str:
    return "\x00" if value is None else str(value)


def card_lines(source: ListSource, columns: list[Column], obj: Any) -> list[Cell]:
    """The 2–3 lines a kanban card shows under its title."""
    return [build_cell(source, column, obj) for column in columns]


def title_of(source: ListSource, obj: Any) -> str:
    value = cell_value(obj, source.title_path)
    return str(value) if value not in (None, "") else str(obj)
