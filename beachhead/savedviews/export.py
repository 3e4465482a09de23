"""Exports of a view, with the same filters, sort and columns as the page, through the same
access layer (rows come from ``source.queryset(user)``).

- CSV is streamed (one server-side iterated query, never the whole list in memory) and starts
  with a UTF-8 byte-order mark, so Excel opens Chinese and Japanese text correctly.
- XLSX (XlsxWriter) has a bold frozen header row, an autofilter, column widths fitted to the
  content, real numbers, dates and times; money is a number with its currency in the next
  column. It is built in memory, so it is capped at ``XLSX_MAX_ROWS``.

Text cells that start like a formula (``=``, ``+``, ``-``, ``@``) are written as text: an
exported customer name must never run as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import xlsxwriter
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from beachhead.savedviews import filters, services
from beachhead.savedviews.registry import Column, ListSource
from beachhead.savedviews.services import cell_value
from beachhead.savedviews.state import ViewState
from beachhead.savedviews.tables import currency_digits, money_parts

if TYPE_CHECKING:
    from beachhead.core.models import User

XLSX_MAX_ROWS = 100_000
CHUNK_SIZE = 2000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class OutColumn:
    """One column of the file: a source column, or the currency beside a money column."""

    header: str
    column: Column
    path: str  # what the cell reads: the column's path, or its currency path
    currency_of: Column | None = None


def filename(source: ListSource, extension: str) -> str:
    return f"{source.key}-{timezone.localdate().isoformat()}.{extension}"


def layout(source: ListSource, state: ViewState) -> list[OutColumn]:
    """The columns of the file, in the view's order (money followed by its currency)."""
    out: list[OutColumn] = []
    for path in state.columns:
        column = source.column(path)
        if column is None:
            continue
        out.append(OutColumn(str(column.label), column, path))
        if column.kind == "money" and column.currency_path:
            out.append(
                OutColumn(
                    _("%(column)s currency") % {"column": column.label},
                    column,
                    column.currency_path,
                    currency_of=column,
                )
            )
    return out


def _labels(source: ListSource, out: list[OutColumn]) -> dict[str, dict[str, str]]:
    return {
        col.column.path: {k: str(v) for k, v in filters.choices_of(source, col.column)}
        for col in out
        if col.currency_of is None and (col.column.kind == "choice" or col.column.choices)
    }


def _safe_text(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def text_value(
    col: OutColumn, value: Any, labels: dict[str, dict[str, str]], guard: bool = True
) -> str:
    """A value as CSV text: ISO dates and times in the viewer's zone, plain decimals. With
    ``guard``, text that a spreadsheet would run as a formula is quoted."""
    safe = _safe_text if guard else str
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return safe(str(value))
    if col.currency_of is not None:
        return str(value)
    kind = col.column.kind
    if kind == "money":
        value = money_parts(value)[0]
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if kind == "bool":
        return _("Yes") if value else _("No")
    if isinstance(value, float | int | Decimal) and kind in ("number", "money"):
        return str(value)
    if col.column.path in labels:
        return safe(labels[col.column.path].get(str(value), str(value)))
    return safe(str(value))


class _Echo:
    """A file-like object whose write returns the line (csv.writer into a generator)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(source: ListSource, state: ViewState, user: User) -> Iterator[str]:
    """The CSV file as lines: a BOM and the header first, then one line per row."""
    out = layout(source, state)
    labels = _labels(source, out)
    writer = csv.writer(_Echo())
    rows = services.iter_rows(source, state, user, chunk_size=CHUNK_SIZE)
    yield "\ufeff" + writer.writerow([col.header for col in out])
    for row in rows:
        yield writer.writerow([text_value(col, cell_value(row, col.path), labels) for col in out])


class ExportTooLarge(ValidationError):
    pass


def xlsx_bytes(
    source: ListSource, state: ViewState, user: User, max_rows: int | None = None
) -> bytes:
    """The view as an XLSX workbook; ExportTooLarge beyond ``max_rows`` rows."""
    cap = XLSX_MAX_ROWS if max_rows is None else max_rows
    total = services.base_queryset(source, state, user).count()
    if total > cap:
        raise ExportTooLarge(
            _(
                "This view has %(count)s rows; a spreadsheet export holds at most %(cap)s. "
                "Narrow the filters, or export CSV, which has no limit."
            )
            % {"count": f"{total:,}", "cap": f"{cap:,}"}
        )
    out = layout(source, state)
    labels = _labels(source, out)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = book.add_worksheet(str(source.label)[:31] or source.key)
    styles = _Styles(book)
    widths = [min(max(len(col.header), 6), 60) for col in out]
    for c, col in enumerate(out):
        sheet.write_string(0, c, col.header, styles.header)
    r = 0
    for r, row in enumerate(services.iter_rows(source, state, user, CHUNK_SIZE), start=1):
        for c, col in enumerate(out):
            currency = (
                cell_value(row, col.column.currency_path)
                if col.column.kind == "money" and col.column.currency_path
                else None
            )
            value = cell_value(row, col.path)
            if col.column.kind == "money" and col.currency_of is None:
                value, currency = money_parts(value, currency)
            width = _write(sheet, r, c, col, value, currency, labels, styles)
            widths[c] = max(widths[c], min(width, 60))
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width + 2)
    sheet.freeze_panes(1, 0)
    if out:
        sheet.autofilter(0, 0, max(r, 1), len(out) - 1)
    book.close()
    return buffer.getvalue()


class _Styles:
    def __init__(self, book) -> None:
        self.book = book
        self.header = book.add_format({"bold": True, "bg_color": "#F1F5F9", "bottom": 1})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.number = book.add_format({"num_format": "#,##0.####"})
        self._money: dict[int, Any] = {}

    def money(self, digits: int):
        if digits not in self._money:
            pattern = "#,##0" + ("." + "0" * digits if digits else "")
            self._money[digits] = self.book.add_format({"num_format": pattern})
        return self._money[digits]


def _write(sheet, r: int, c: int, col: OutColumn, value, currency, labels, styles) -> int:
    """Write one cell with its type and format; return the width it needs."""
    if value is None:
        return 0
    kind = col.column.kind if col.currency_of is None else "text"
    if kind in ("money", "number") and isinstance(value, int | float | Decimal):
        style = styles.money(currency_digits(currency)) if kind == "money" else styles.number
        sheet.write_number(r, c, float(value), style)
        return len(f"{value:,.2f}")
    if isinstance(value, datetime):
        sheet.write_datetime(r, c, timezone.localtime(value).replace(tzinfo=None), styles.datetime)
        return 16
    if isinstance(value, date):
        sheet.write_datetime(r, c, datetime.combine(value, datetime.min.time()), styles.date)
        return 10
    if kind == "bool":
        sheet.write_boolean(r, c, bool(value))
        return 5
    # A string cell is never a formula (strings_to_formulas is off): no quoting needed.
    text = text_value(col, value, labels, guard=False)
    sheet.write_string(r, c, text)
    # East Asian characters take about two columns each.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
