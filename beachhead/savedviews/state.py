"""The state of a list page — columns, filters, sort, group-by, layout, page size, search —
read from a query string or a saved view's configuration, and written back to either.

The query string is the source of truth, so any state can be bookmarked and shared:

    ?view=7&cols=name,market__code&f=market__code:in:JP,KR&f=tier:eq:strategic
    &sort=-ltv&group=lifecycle&layout=kanban&q=sony&page=2

With ``view``, the saved view is the base and any other parameter overrides its part
(``f=`` with nothing after it clears the view's filters). Without it, the source's defaults
are the base. ``canonical_query`` writes only what differs from the base.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from beachhead.savedviews import filters
from beachhead.savedviews.filters import Condition
from beachhead.savedviews.registry import ListSource

if TYPE_CHECKING:
    from beachhead.core.models import User

LAYOUTS = ("table", "kanban")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
#: Query parameters that carry the state of a view (``page`` and ``view`` are navigation).
STATE_KEYS = ("cols", "f", "sort", "group", "layout", "page_size", "q")


@dataclass(frozen=True)
class ViewState:
    columns: tuple[str, ...]
    filters: tuple[Condition, ...] = ()
    sort: tuple[str, ...] = ()
    group_by: str | None = None
    layout: str = "table"
    page_size: int = DEFAULT_PAGE_SIZE
    q: str = ""

    def config(self) -> dict:
        """The JSON a SavedView stores (search text is not part of a saved view)."""
        return {
            "columns": list(self.columns),
            "filters": [c.as_dict() for c in self.filters],
            "sort": list(self.sort),
            "group_by": self.group_by,
            "layout": self.layout,
            "page_size": self.page_size,
        }

    def same_view(self, other: ViewState) -> bool:
        """True when both show the same saved configuration (search text aside)."""
        return self.config() == other.config()


@dataclass
class Parsed:
    """A state read from a request, with the problems found (each naming its field)."""

    state: ViewState
    errors: list[str] = field(default_factory=list)


def defaults(source: ListSource) -> ViewState:
    """The state a list opens with when no view is chosen."""
    return ViewState(
        columns=tuple(source.default_columns),
        filters=tuple(source.default_filters),
        sort=(source.default_sort,) if source.default_sort else (),
        layout=source.default_layout,
    )


# --- Checks of each part ---------------------------------------------------------------------


def check_columns(source: ListSource, paths) -> tuple[str, ...]:
    result: list[str] = []
    for path in paths:
        if source.column(path) is None:
            raise ValidationError(_("“%(field)s” is not a column of this list.") % {"field": path})
        if path not in result:
            result.append(path)
    if not result:
        raise ValidationError(_("Choose at least one column."))
    return tuple(result)


def check_sort(source: ListSource, keys) -> tuple[str, ...]:
    result: list[str] = []
    for key in keys:
        path = key.removeprefix("-")
        if path == "pk" or path == source.default_sort.removeprefix("-"):
            result.append(key)
            continue
        column = source.column(path)
        if column is None or not column.sortable:
            raise ValidationError(
                _("“%(field)s” is not a field you can sort this list by.") % {"field": path}
            )
        result.append(key)
    return tuple(result)


def check_group(source: ListSource, path: str | None) -> str | None:
    if not path:
        return None
    column = source.column(path)
    if column is None or not column.groupable:
        raise ValidationError(
            _("“%(field)s” is not a field you can group this list by.") % {"field": path}
        )
    return path


def check_layout(source: ListSource, layout: str | None) -> str:
    layout = layout or "table"
    if layout not in LAYOUTS:
        raise ValidationError(_("“%(layout)s” is not a layout.") % {"layout": layout})
    if layout == "kanban" and not source.kanban_path:
        raise ValidationError(_("This list has no board layout."))
    return layout


def check_page_size(value: Any) -> int:
    try:
        size = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("The page size must be a whole number.")) from None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError(
            _("The page size must be between 1 and %(max)d.") % {"max": MAX_PAGE_SIZE}
        )
    return size


def check_filters(
    source: ListSource, conditions, user: User | None = None
) -> tuple[Condition, ...]:
    conditions = tuple(conditions)
    filters.conditions_q(source, conditions, user)  # raises, naming each bad field
    return conditions


# --- From a saved configuration --------------------------------------------------------------


def _paths(value: Any, error: str) -> list[str]:
    """``value`` if it is a list of field paths (texts); otherwise ``error``."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(error)
    return value


def _config_columns(source: ListSource, value: Any) -> tuple[str, ...]:
    return check_columns(source, _paths(value, _("Columns must be a list of field paths.")))


def _config_sort(source: ListSource, value: Any) -> tuple[str, ...]:
    """The saved sort: a list of field paths (one path alone may be given as text)."""
    sort = [value] if isinstance(value, str) else value
    return check_sort(source, _paths(sort, _("Sort must be a list of field paths.")))


def _config_filters(source: ListSource, raw: Any, user: User | None) -> tuple[Condition, ...]:
    """The saved filters: a list of condition objects, each valid for ``source``."""
    if not isinstance(raw, list):
        raise ValidationError(_("Filters must be a list."))
    conditions = [filters.from_dict(item) for item in raw]
    return check_filters(source, conditions, user)


def _config_group(source: ListSource, group: Any) -> str | None:
    """The saved grouping: a field path, or null for none."""
    if group is not None and not isinstance(group, str):
        raise ValidationError(_("Group-by must be a field path or null."))
    return check_group(source, group)


def from_config(source: ListSource, config: Any, user: User | None = None) -> ViewState:
    """A state from a SavedView's JSON; ValidationError (a dict by part) if any part is bad."""
    if not isinstance(config, dict):
        raise ValidationError({"config": [_("The configuration must be an object.")]})
    base = defaults(source)
    errors: dict[str, list[str]] = {}
    parts: dict[str, Any] = {}
    checks: dict[str, Callable[[Any], Any]] = {
        "columns": lambda value: _config_columns(source, value),
        "filters": lambda value: _config_filters(source, value, user),
        "sort": lambda value: _config_sort(source, value),
        "group_by": lambda value: _config_group(source, value),
        "layout": lambda value: check_layout(source, value),
        "page_size": check_page_size,
    }
    for key, check in checks.items():
        if key not in config:
            continue
        try:
            parts[key] = check(config[key])
        except ValidationError as exc:
            errors.setdefault(key, []).extend(exc.messages)
    unknown = set(config) - set(checks)
    if unknown:
        errors["config"] = [_("Unknown settings: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}]
    if errors:
        raise ValidationError(errors)
    return replace(base, **parts)


# --- From a query string ---------------------------------------------------------------------


def _list_param(params, key: str) -> list[str]:
    values: list[str] = []
    for raw in params.getlist(key):
        values.extend(item.strip() for item in raw.split(",") if item.strip())
    return values


def builder_conditions(params) -> list[Condition] | None:
    """Conditions sent by the filter builder form (``f0_field``, ``f0_op``, ``f0_value`` …),
    or None when the request has none of those fields."""
    indexes = sorted(
        {int(key[1:].split("_", 1)[0]) for key in params if _is_builder_key(key)},
    )
    if not indexes and "fb" not in params:
        return None
    conditions = []
    for i in indexes:
        path = params.get(f"f{i}_field", "")
        op = params.get(f"f{i}_op", "")
        if not path or not op:
            continue
        if op in filters.NO_VALUE_OPS:
            value = None
        elif op == "between":
            value = [params.get(f"f{i}_value", ""), params.get(f"f{i}_value2", "")]
        elif op == "in":
            chosen = params.getlist(f"f{i}_value")
            value = chosen if len(chosen) > 1 else filters.split_list(chosen[0] if chosen else "")
            value = [item.strip() for item in value if item.strip()]
        else:
            value = params.get(f"f{i}_value", "")
        conditions.append(Condition(path, op, value))
    return conditions


def _is_builder_key(key: str) -> bool:
    if not key.startswith("f") or "_" not in key:
        return False
    number, _sep, rest = key[1:].partition("_")
    return number.isdigit() and rest in ("field", "op", "value", "value2")


def _encoded_conditions(params, errors: list[str]) -> list[Condition]:
    """The conditions of the ``f`` parameters; a bad one is added to ``errors`` and left out."""
    conditions = []
    for raw in params.getlist("f"):
        if not raw:
            continue  # "f=" alone clears the base's filters
        try:
            conditions.append(filters.decode(raw))
        except ValidationError as exc:
            errors.extend(exc.messages)
    return conditions


def _query_conditions(params, errors: list[str]) -> list[Condition] | None:
    """The filter builder's conditions, else the encoded ``f`` ones; None when there are none
    of either (the base's filters stay)."""
    conditions = builder_conditions(params)
    if conditions is None and "f" in params:
        conditions = _encoded_conditions(params, errors)
    return conditions


def from_query(source: ListSource, params, base: ViewState, user: User | None = None) -> Parsed:
    """The state a query string asks for, on top of ``base``. Bad parts are reported and
    left as in ``base`` (the page shows the errors, never a 500)."""
    state = base
    errors: list[str] = []

    def apply(func, *args, key: str):
        nonlocal state
        try:
            state = replace(state, **{key: func(*args)})
        except ValidationError as exc:
            errors.extend(exc.messages)

    if "cols" in params:
        apply(check_columns, source, _list_param(params, "cols"), key="columns")
    conditions = _query_conditions(params, errors)
    if conditions is not None:
        apply(check_filters, source, conditions, user, key="filters")
    if "sort" in params:
        apply(check_sort, source, _list_param(params, "sort"), key="sort")
    if "group" in params:
        apply(check_group, source, params.get("group") or None, key="group_by")
    if "layout" in params:
        apply(check_layout, source, params.get("layout"), key="layout")
    if params.get("page_size"):
        apply(check_page_size, params.get("page_size"), key="page_size")
    if "q" in params:
        state = replace(state, q=(params.get("q") or "").strip()[:200])
    return Parsed(state, errors)


def query_pairs(state: ViewState, base: ViewState, view_id: int | None = None) -> list:
    """The query parameters that turn ``base`` into ``state`` (in a stable order)."""
    pairs: list[tuple[str, str]] = []
    if view_id:
        pairs.append(("view", str(view_id)))
    if state.columns != base.columns:
        pairs.append(("cols", ",".join(state.columns)))
    if state.filters != base.filters:
        if state.filters:
            pairs.extend(("f", filters.encode(c)) for c in state.filters)
        else:
            pairs.append(("f", ""))
    if state.sort != base.sort:
        pairs.append(("sort", ",".join(state.sort)))
    if state.group_by != base.group_by:
        pairs.append(("group", state.group_by or ""))
    if state.layout != base.layout:
        pairs.append(("layout", state.layout))
    if state.page_size != base.page_size:
        pairs.append(("page_size", str(state.page_size)))
    if state.q:
        pairs.append(("q", state.q))
    return pairs


def canonical_query(state: ViewState, base: ViewState, view_id: int | None = None, **extra) -> str:
    """``query_pairs`` as a string, plus any ``extra`` parameters (page=2 …)."""
    pairs = query_pairs(state, base, view_id)
    pairs.extend((key, str(value)) for key, value in extra.items() if value not in (None, ""))
    return urlencode(pairs)
