"""How rows of a list read: each cell formatted for its column kind in the viewer's locale
(numbers right-aligned, money with its currency, times unambiguous, long text truncated with
the full text on hover).

A page shows hundreds of cells, so what a column's cells share (CSS class, choice labels,
the edit URL and the edit button's label) is worked out once per column and page
(``ColumnPlan``), numbers are formatted with Babel patterns parsed once per locale
(``NumberFormat``), and a cell's markup is written by ``cell_html`` rather than a template
include per cell: the list page, the kanban cards and the inline-edit answers use it alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from babel.core import Locale, UnknownLocaleError
from babel.numbers import get_currency_precision, parse_pattern
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from beachhead.core.templatetags.beachhead import when
from beachhead.savedviews import filters
from beachhead.savedviews.registry import Column, ListSource
from beachhead.savedviews.services import Group, cell_value, key_value

NUMERIC_KINDS = ("number", "money")


@lru_cache(maxsize=256)
def currency_digits(code: str | None) -> int:
    if not code:
        return 2
    try:
        return get_currency_precision(str(code).upper())
    except Exception:  # an unknown code reads with two decimals
        return 2


def _number_pattern(decimals: int | None) -> str:
    if decimals is None:
        return "#,##0.##########"
    return "#,##0." + "0" * decimals if decimals else "#,##0"


class NumberFormat:
    """Numbers in one locale (CLDR through Babel), its patterns parsed once."""

    def __init__(self, language: str) -> None:
        try:
            self.locale: Locale | None = Locale.parse(translation.to_locale(language))
        except (ValueError, UnknownLocaleError):
            self.locale = None
        self._patterns: dict[int | None, Any] = {}

    def number(self, value: Any, decimals: int | None = None) -> str:
        if isinstance(value, float):
            value = Decimal(str(value))
        if self.locale is not None:
            pattern = self._patterns.get(decimals)
            if pattern is None:
                pattern = self._patterns[decimals] = parse_pattern(_number_pattern(decimals))
            try:
                return pattern.apply(value, self.locale, decimal_quantization=True)
            except (ValueError, UnknownLocaleError):
                pass
        return formats.number_format(value, decimal_pos=decimals, force_grouping=True)

    def money(self, amount: Any, currency: str | None) -> str:
        text = self.number(Decimal(str(amount)), currency_digits(currency))
        return f"{text} {currency}" if currency else text


def number_format(language: str | None = None) -> NumberFormat:
    """The formatter of ``language`` (the active language when None)."""
    return _number_format(language or translation.get_language() or "en")


@lru_cache(maxsize=32)
def _number_format(language: str) -> NumberFormat:
    return NumberFormat(language)


def format_number(value: Any, decimals: int | None = None) -> str:
    """A number in the viewer's locale (CLDR through Babel: 1,234.5 in English, Chinese and
    Japanese, 1.234,5 in German); ``decimals`` fixes the decimal places (money)."""
    return number_format().number(value, decimals)


def format_money(amount: Any, currency: str | None) -> str:
    """``1,234.50 USD`` (grouping and decimal mark of the viewer's locale; the code, not a
    symbol: "$" is ambiguous for people who sell across borders)."""
    return number_format().money(amount, currency)


def money_parts(value: Any, currency: Any = None) -> tuple[Any, Any]:
    """(amount, currency) from a plain amount and its currency, or from a Money object."""
    if hasattr(value, "amount") and hasattr(value, "currency"):
        return value.amount, currency or value.currency
    return value, currency


def display(
    source: ListSource, column: Column, value: Any, row: Any = None, plan: ColumnPlan | None = None
) -> tuple[Any, str]:
    """(what the cell shows — text or safe HTML —, the full text for the hover title)."""
    if column.render is not None:
        return column.render(value, row)
    if value is None or value == "":
        return "—", ""
    kind = column.kind
    if kind == "money":
        currency = cell_value(row, column.currency_path) if column.currency_path else None
        value, currency = money_parts(value, currency)
        text = number_format().money(value, currency)
        return text, text
    if kind == "number":
        text = number_format().number(value)
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
        labels = plan.labels if plan is not None else _choice_labels(source, column)
        text = labels.get(str(value), str(value))
        return text, text
    text = str(value)
    return text, text


def _choice_labels(source: ListSource, column: Column) -> dict[str, str]:
    return {key: str(label) for key, label in filters.choices_of(source, column)}


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


class RowUrl:
    """A saved-views URL that differs from row to row only by the row's key
    (``/lists/<source>/rows/<pk>/…``): reversed once, the key put in for each row. Escaped,
    as ``{% url %}`` writes it."""

    MARK = "0pk0"  # stands for the key while reversing

    def __init__(self, name: str, source_key: str, *after: str) -> None:
        self.name = name
        self.args = (source_key, *after)
        url = reverse(name, args=[source_key, self.MARK, *after])
        before, _mark, rest = url.partition(f"/rows/{self.MARK}/")
        self.before, self.after = escape(f"{before}/rows/"), escape(f"/{rest}")

    def __call__(self, pk: Any) -> SafeString:
        key = str(pk)
        if not key or "/" in key or key == self.MARK:  # let reverse() decide (or refuse)
            source_key, *after = self.args
            return escape(reverse(self.name, args=[source_key, key, *after]))
        return format_html(
            "{}{}{}", self.before, quote(key, safe=RFC3986_SUBDELIMS + "/~:@"), self.after
        )

    def text(self, pk: Any) -> str:
        """The same, as text (for markup written in Python): an integer key goes in as is."""
        if type(pk) is int:
            return f"{self.before}{pk}{self.after}"
        return str(self(pk))


class ColumnPlan:
    """What every cell of a column shares on one page, in the active language: its CSS
    class, its choice labels, whether the list edits it, the URL of its edit input and the
    edit button's label."""

    def __init__(self, source: ListSource, column: Column) -> None:
        self.source = source
        self.column = column
        self.path = escape(column.path)
        if column.kind in NUMERIC_KINDS:
            self.css = "num text-nowrap"
        elif column.kind in ("date", "datetime", "bool"):
            self.css = "text-nowrap"
        else:
            self.css = "truncate"
        self.labels = (
            _choice_labels(source, column) if column.kind == "choice" or column.choices else {}
        )
        self.editable = bool(column.editable and source.update is not None)
        self._edit_url: RowUrl | None = None
        self._edit_label = ""

    def edit_url(self, pk: Any) -> str:
        """The (escaped) URL of the edit input of this column's cell in row ``pk``."""
        if self._edit_url is None:
            self._edit_url = RowUrl("savedviews:cell_edit", self.source.key, self.column.path)
        return self._edit_url.text(pk)

    @property
    def edit_label(self) -> str:
        """The pencil button's label (escaped)."""
        if not self._edit_label:
            label = conditional_escape(str(self.column.label))
            self._edit_label = _("Edit %(label)s") % {"label": label}
        return self._edit_label


def plans(source: ListSource, columns: list[Column]) -> list[ColumnPlan]:
    return [ColumnPlan(source, column) for column in columns]


@dataclass
class Cell:
    column: Column
    value: Any
    text: Any
    title: str
    editable: bool
    plan: ColumnPlan | None = field(default=None, repr=False)

    @property
    def css(self) -> str:
        if self.plan is not None:
            return self.plan.css
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
    html: SafeString = field(default_factory=SafeString)  # its cells, ready for the template


def build_cell(
    source: ListSource, column: Column, obj: Any, plan: ColumnPlan | None = None
) -> Cell:
    if plan is None:
        plan = ColumnPlan(source, column)
    value = cell_value(obj, column.path)
    text, title = display(source, column, value, obj, plan)
    editable = plan.editable and bool(getattr(obj, "_may_change", False))
    return Cell(column, value, text, title, editable, plan)


def cell_html(cell: Cell, row_pk: Any, url: str = "", first: bool = False) -> SafeString:
    """A table cell: its text (the first one linked to the row's page), the full text on
    hover, and, when the user may edit it, the click-to-edit attributes and pencil button."""
    plan = cell.plan
    if plan is None:
        raise ValueError("cell_html needs a cell from build_cell (with its column's plan)")
    pk = escape(row_pk)
    parts = [f'<td id="cell-{pk}-{plan.path}" class="{plan.css}']
    if cell.editable:
        parts.append(" cell-editable")
    parts.append('"')
    if cell.title:
        parts.append(f' title="{conditional_escape(cell.title)}"')
    if cell.editable:
        edit_url = plan.edit_url(row_pk) + ("?first=1" if first else "")
        parts.append(
            f' hx-get="{edit_url}"'
            # lists.js sends cell-edit on a click outside the cell's link and button (an htmx
            # event filter would need eval, which the Content-Security-Policy refuses).
            ' hx-trigger="cell-edit" hx-swap="outerHTML"'
        )
    text = conditional_escape(cell.text)
    if first and url:
        parts.append(f'>\n  <a href="{conditional_escape(url)}">{text}</a>\n  ')
    else:
        parts.append(f">\n  {text}\n  ")
    if cell.editable:
        parts.append(
            '<button type="button" class="btn btn-ghost-secondary btn-icon btn-sm'
            f' cell-edit-button" hx-get="{edit_url}" hx-target="closest td"'
            f' hx-swap="outerHTML" aria-label="{plan.edit_label}"><i class="ti ti-pencil"'
            ' aria-hidden="true"></i></button>'
        )
    parts.append("\n</td>\n")
    return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped


def build_rows(source: ListSource, columns: list[Column], objs) -> list[Row]:
    """Rows ready for the template, each with its cells' markup."""
    column_plans = plans(source, columns)
    rows = []
    for obj in objs:
        url = source.detail_url(obj) if source.detail_url else ""
        cells = [build_cell(source, plan.column, obj, plan) for plan in column_plans]
        html = "".join(cell_html(cell, obj.pk, url, first=i == 0) for i, cell in enumerate(cells))
        rows.append(
            Row(
                obj=obj,
                pk=obj.pk,
                url=url,
                may_change=bool(getattr(obj, "_may_change", False)),
                cells=cells,
                html=mark_safe(html),  # noqa: S308 — joined cell_html output
            )
        )
    return rows


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


def card_lines(
    source: ListSource, columns: list[Column], obj: Any, column_plans=None
) -> list[Cell]:
    """The 2–3 lines a kanban card shows under its title."""
    column_plans = column_plans or plans(source, columns)
    return [build_cell(source, plan.column, obj, plan) for plan in column_plans]


def lane_options(lanes, selected: str) -> SafeString:
    """The ``<option>``s of a card's "move to" menu: every lane with a value, ``selected``
    chosen (rendered once per lane, not once per card)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (lane.key, " selected" if lane.key == selected else "", lane.label)
            for lane in lanes
            if lane.value is not None
        ),
    )


def title_of(source: ListSource, obj: Any) -> str:
    value = cell_value(obj, source.title_path)
    return str(value) if value not in (None, "") else str(obj)
