"""What a list offers to saved views: a pillar registers a ``ListSource`` for each of its list
pages (accounts, contacts, opportunities, deployments; later tickets …), and the saved-views
machinery (columns, filters, sort, group-by, table or kanban, export, inline edit) serves them
all. The machinery never imports a pillar; pillars call ``register`` from ``AppConfig.ready``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import translation

if TYPE_CHECKING:
    from beachhead.core.models import User


@dataclass(frozen=True)
class Column:
    """One field a list can show, filter, sort or group by.

    ``path`` is an ORM path from the source's model (``"name"``, ``"market__code"``,
    ``"owner__username"``). ``kind`` decides the filter operators and the rendering:
    text, number, money (path to the amount; ``currency_path`` names the currency column),
    date, datetime, choice (``choices``), bool, user.
    """

    path: str
    label: Any  # a lazy translation
    kind: str = "text"
    choices: Sequence[tuple[str, Any]] | None = None
    currency_path: str | None = None
    sortable: bool = True
    filterable: bool = True
    groupable: bool = False
    editable: bool = False  # inline edit through ListSource.update
    width: str = ""  # optional CSS width hint, e.g. "8rem"
    # Optional: ``render(value, row) -> (safe HTML or text, hover title)`` for cells a pillar
    # shows its own way (a status badge, a due time with its health colour). Exports still
    # write the plain value.
    render: Callable[[Any, Any], tuple[Any, str]] | None = None


@dataclass(frozen=True)
class ListSource:
    """A list page's data: the model, the scoped base queryset and its columns.

    ``queryset(user)`` must return rows through the access layer (``scoped``) with the
    ``select_related`` the columns need, so a page costs a constant number of queries.
    Column paths must be ORM paths of that queryset (fields, related fields or annotations):
    pages read them as attributes of the rows, exports with ``values_list``.

    ``update(obj, path, value, user)`` is the service that performs an inline edit (it must
    validate, save and raise ``ValidationError`` with a message for the user); None when the
    list has no inline edit. It is called only for ``editable`` columns, on rows the user may
    change (``scoped(model, user, Action.CHANGE)``), inside a transaction, with ``value``
    already parsed for the column's kind: ``str`` for text, choice (a known choice key) and
    user (a username, or an ``int`` id when the path is the foreign key); ``Decimal`` for
    number and money; ``date``; an aware ``datetime``; ``bool``; ``None`` when a non-text
    input was emptied. Moving a kanban card is an ``update`` of ``kanban_path``.

    ``detail_url(obj)`` links the first column (and kanban card titles) to the row's page.
    ``search_paths`` are matched with ``icontains`` by the free-text box (``?q=``).
    ``params`` are the list's short query parameters (``?market=JP&owner=me``) that its page
    and its API endpoint understand, as shorthands for conditions (``savedviews.params``).
    """

    key: str  # URL-safe, e.g. "accounts"
    label: Any
    model: type[models.Model]
    queryset: Callable[[User], models.QuerySet]
    columns: Sequence[Column]
    default_columns: Sequence[str]
    default_sort: str = "pk"
    kanban_path: str | None = None  # a choice column to lay cards out by (stage, lifecycle)
    title_path: str = "pk"  # what a kanban card shows as its title
    detail_url: Callable[[Any], str] | None = None
    update: Callable[[Any, str, Any, User], Any] | None = None
    search_paths: Sequence[str] = field(default_factory=tuple)
    # Optional, for the list page (all have defaults, so existing registrations keep working):
    empty_text: Any = ""  # what belongs in this list, shown when it has no rows at all
    create_url: Callable[[], str] | None = (
        None  # the page that adds a row (the empty state's action)
    )
    icon: str = "table"  # a Tabler icon name for the Lists index
    card_columns: Sequence[str] = field(default_factory=tuple)  # kanban card lines by default
    params: Sequence[Any] = field(default_factory=tuple)  # savedviews.params.Param
    # A button in the page's header that adds a row, for those ``may_create`` allows.
    create_label: Any = ""
    may_create: Callable[[Any], bool] | None = None
    # What the list shows when no view is chosen: conditions (``filters.Condition``) and the
    # layout ("table" or "kanban"); the URL then writes only what differs from them.
    default_filters: Sequence[Any] = field(default_factory=tuple)
    default_layout: str = "table"
    # The board's lane totals: ``lane_totals(rows, user)`` gets the board's filtered rows and
    # gives each lane key a short text (a sum in the reporting currency) and its hover title.
    lane_totals: Callable[[models.QuerySet, Any], dict[str, tuple[str, str]]] | None = None

    def column(self, path: str) -> Column | None:
        for column in self.columns:
            if column.path == path:
                return column
        return None


class CachedChoices(Sequence):
    """Choices read from the database when used, kept for ``ttl`` seconds per interface
    language (a list page asks for a column's labels once per cell: this keeps it at one query
    a minute, not per row, and a Chinese reader never gets labels loaded for an English one)."""

    def __init__(self, load: Callable[[], list[tuple[str, str]]], ttl: float = 60.0) -> None:
        self._load = load
        self._ttl = ttl
        self._cache: dict[str, tuple[float, list[tuple[str, str]]]] = {}

    def rows(self) -> list[tuple[str, str]]:
        now = time.monotonic()
        language = translation.get_language() or ""
        cached = self._cache.get(language)
        if cached is None or now - cached[0] > self._ttl:
            cached = self._cache[language] = (now, self._load())
        return cached[1]

    def clear(self) -> None:
        self._cache.clear()

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.rows())

    def __len__(self) -> int:
        return len(self.rows())

    def __getitem__(self, index):
        return self.rows()[index]


_sources: dict[str, ListSource] = {}


def register(source: ListSource) -> None:
    _sources[source.key] = source


def unregister(key: str) -> None:
    """Forget a source (tests register a throw-away source and remove it afterwards)."""
    _sources.pop(key, None)


def get(key: str) -> ListSource:
    """The source registered under ``key``; ``KeyError`` when there is none."""
    return _sources[key]


def all_sources() -> list[ListSource]:
    return list(_sources.values())
