"""The filter language of saved views: conditions ``field:op:value`` on declared columns only.

A condition names a column path of the source (``market__code``, ``owner__username``), an
operator allowed for the column's kind and a value that is parsed and validated for that kind.
Only paths a source declares as filterable ``Column`` objects ever reach the ORM: this is the
security boundary, so a query string can never filter on ``owner__password``.

Query-string encoding (``?f=...``, repeated):

- ``tier:eq:strategic``   one value; everything after the second colon is the value
- ``market__code:in:JP,KR``   several values (``in``, ``between``), comma-separated; a comma or a
  backslash inside a value is escaped with a backslash (``a\\,b``)
- ``closed_at:empty``     no value

Values by kind: text as typed; number and money as decimals; date ``YYYY-MM-DD``; datetime ISO
8601 (a date alone means that whole day in the viewer's time zone); bool ``true``/``false``;
choice one of the column's choices; user a username (or a user id for a foreign key), ``@me``
for the viewer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import reduce
from operator import and_, or_
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beachhead.core.db import is_id
from beachhead.savedviews.registry import Column, ListSource

if TYPE_CHECKING:
    from beachhead.core.models import User

ME = "@me"

TEXT_OPS = ("eq", "ne", "contains", "startswith", "in", "empty", "not_empty")
RANGE_OPS = ("eq", "ne", "lt", "lte", "gt", "gte", "between", "empty")
CHOICE_OPS = ("eq", "ne", "in", "empty")

OPERATORS: dict[str, tuple[str, ...]] = {
    "text": TEXT_OPS,
    "number": RANGE_OPS,
    "money": RANGE_OPS,
    "date": RANGE_OPS,
    "datetime": RANGE_OPS,
    "choice": CHOICE_OPS,
    "user": CHOICE_OPS,
    "bool": CHOICE_OPS,
}

#: Operators without a value, and those with a list of values.
NO_VALUE_OPS = frozenset({"empty", "not_empty"})
LIST_OPS = frozenset({"in", "between"})

OPERATOR_LABELS = {
    "eq": gettext_lazy("is"),
    "ne": gettext_lazy("is not"),
    "contains": gettext_lazy("contains"),
    "startswith": gettext_lazy("starts with"),
    "in": gettext_lazy("is any of"),
    "empty": gettext_lazy("is empty"),
    "not_empty": gettext_lazy("is not empty"),
    "lt": gettext_lazy("is less than"),
    "lte": gettext_lazy("is at most"),
    "gt": gettext_lazy("is more than"),
    "gte": gettext_lazy("is at least"),
    "between": gettext_lazy("is between"),
}

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass(frozen=True)
class Condition:
    """One condition as stored and sent: ``value`` is a string, a list of strings or None."""

    field: str
    op: str
    value: Any = None

    def as_dict(self) -> dict:
        return {"field": self.field, "op": self.op, "value": self.value}


# --- Encoding ------------------------------------------------------------------------------


def _escape(item: str) -> str:
    return item.replace("\\", "\\\\").replace(",", "\\,")


def split_list(text: str) -> list[str]:
    """Split on commas not escaped with a backslash; ``\\\\`` is a backslash."""
    items: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == ",":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


def join_list(items) -> str:
    return ",".join(_escape(str(item)) for item in items)


def encode(condition: Condition) -> str:
    """The query-string form of a condition (``decode`` reads it back)."""
    if condition.op in NO_VALUE_OPS:
        return f"{condition.field}:{condition.op}"
    if condition.op in LIST_OPS:
        return f"{condition.field}:{condition.op}:{join_list(condition.value or [])}"
    return f"{condition.field}:{condition.op}:{'' if condition.value is None else condition.value}"


def decode(text: str) -> Condition:
    """Read ``field:op[:value]``; the shape only — ``check`` validates it against a source."""
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise ValidationError(
            _("“%(text)s” is not a filter: write field:operator:value, e.g. market__code:eq:JP.")
            % {"text": text[:80]}
        )
    field, op = parts[0], parts[1]
    if op in NO_VALUE_OPS:
        return Condition(field, op, None)
    raw = parts[2] if len(parts) == 3 else ""
    if op in LIST_OPS:
        return Condition(field, op, split_list(raw))
    return Condition(field, op, raw)


def from_dict(data: Any) -> Condition:
    """A condition from its JSON form ``{"field", "op", "value"}``."""
    if not isinstance(data, dict) or not isinstance(data.get("field"), str):
        raise ValidationError(_("Each filter needs a field, an operator and a value."))
    op = data.get("op")
    if not isinstance(op, str):
        raise ValidationError(
            _("The filter on “%(field)s” has no operator.") % {"field": data["field"]}
        )
    value = data.get("value")
    if op in LIST_OPS:
        if isinstance(value, str):
            value = split_list(value)
        if not isinstance(value, list):
            raise ValidationError(
                _("The filter on “%(field)s” needs a list of values.") % {"field": data["field"]}
            )
        value = ["" if v is None else str(v) for v in value]
    elif op in NO_VALUE_OPS:
        value = None
    else:
        value = "" if value is None else str(value)
    return Condition(data["field"], op, value)


# --- Validation ----------------------------------------------------------------------------


def filter_column(source: ListSource, path: str) -> Column:
    """The declared, filterable column at ``path``, or a ValidationError naming it."""
    column = source.column(path)
    if column is None or not column.filterable:
        raise ValidationError(
            _("“%(field)s” is not a field you can filter this list on.") % {"field": path}
        )
    return column


def final_field(model: type[models.Model], path: str) -> models.Field | None:
    """The model field an ORM path ends on (None for an annotation)."""
    field: Any = None  # column paths end on concrete fields
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    return field


def choices_of(source: ListSource, column: Column) -> list[tuple[str, Any]]:
    """The column's choices (declared, or those of the model field)."""
    if column.choices is not None:
        return [(str(k), v) for k, v in column.choices]
    field = final_field(source.model, column.path)
    if field is not None and field.choices:
        return [(str(k), v) for k, v in field.flatchoices]
    return []


def _error(column: Column, message: str, **params) -> ValidationError:
    return ValidationError(
        _("Filter on “%(label)s”: %(problem)s")
        % {"label": column.label, "problem": message % params if params else message}
    )


def _parse_number(source: ListSource, column: Column, text: str, user: User | None) -> Any:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _error(column, _("“%(v)s” is not a number."), v=text) from None
    if not number.is_finite():
        raise _error(column, _("“%(v)s” is not a number."), v=text)
    if abs(number) >= _TOO_LARGE:  # past what a 64-bit column holds
        raise _error(column, _("“%(v)s” is too large."), v=text)
    return number


_TOO_LARGE = Decimal(10**18)


def _parse_date(source: ListSource, column: Column, text: str, user: User | None) -> Any:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _error(column, _("“%(v)s” is not a date (write YYYY-MM-DD)."), v=text) from None


def _parse_datetime(source: ListSource, column: Column, text: str, user: User | None) -> Any:
    """A datetime (made aware); a bare date stays a date and stands for the whole day."""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise _error(
            column, _("“%(v)s” is not a date and time (write YYYY-MM-DDTHH:MM)."), v=text
        ) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        value.astimezone(UTC)  # stored in UTC: an instant past year 9999 there cannot be compared
    except OverflowError:
        raise _error(column, _("“%(v)s” is outside the calendar."), v=text) from None
    return value


def _parse_bool(source: ListSource, column: Column, text: str, user: User | None) -> Any:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _error(column, _("“%(v)s” is neither true nor false."), v=text)


def _parse_choice(source: ListSource, column: Column, text: str, user: User | None) -> Any:
    known = [key for key, _label in choices_of(source, column)]
    if known and text not in known:
        raise _error(column, _("“%(v)s” is not one of %(known)s."), v=text, known=", ".join(known))
    return text


def _parse_user(source: ListSource, column: Column, text: str, user: User | None) -> Any:
    """A user by key (relation) or by username; ``@me`` is the signed-in user."""
    field = final_field(source.model, column.path)
    by_key = field is not None and field.is_relation
    if text == ME:
        if user is None:
            raise _error(column, _("“@me” needs a signed-in user."))
        return user.pk if by_key else user.get_username()
    if by_key:
        if not is_id(text):
            raise _error(column, _("“%(v)s” is not a user id."), v=text)
        return int(text)
    return text


_PARSERS: dict[str, Callable[[ListSource, Column, str, User | None], Any]] = {
    "number": _parse_number,
    "money": _parse_number,
    "date": _parse_date,
    "datetime": _parse_datetime,
    "bool": _parse_bool,
    "choice": _parse_choice,
    "user": _parse_user,
}


def parse_value(source: ListSource, column: Column, raw: str, user: User | None = None) -> Any:
    """One value of ``column``'s kind from text; ValidationError naming the column if bad."""
    parser = _PARSERS.get(column.kind)
    if parser is None:
        return raw or ""
    return parser(source, column, (raw or "").strip(), user)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first instant of ``day`` and of the next day, in the current time zone; at the
    edges of the calendar (0001-01-01, 9999-12-31) the first or last instant there is."""
    tz = timezone.get_current_timezone()
    end = _midnight(day + timedelta(days=1), tz) if day < date.max else _LAST
    return _midnight(day, tz), end


_FIRST = datetime.min.replace(tzinfo=UTC)
_LAST = datetime.max.replace(tzinfo=UTC)


def _midnight(day: date, tz) -> datetime:
    try:
        value = timezone.make_aware(datetime.combine(day, time.min), tz)
        value.astimezone(UTC)
    except OverflowError:
        return _FIRST if day.year == 1 else _LAST
    return value


def _range_q(path: str, op: str, value: Any) -> Q:
    """Comparisons; a date given for a datetime column stands for the whole day."""
    if isinstance(value, tuple):  # a whole day: (start, end)
        start, end = value
        return {
            "eq": Q(**{f"{path}__gte": start, f"{path}__lt": end}),
            "ne": ~Q(**{f"{path}__gte": start, f"{path}__lt": end}),
            "lt": Q(**{f"{path}__lt": start}),
            "lte": Q(**{f"{path}__lt": end}),
            "gt": Q(**{f"{path}__gte": end}),
            "gte": Q(**{f"{path}__gte": start}),
        }[op]
    if op == "eq":
        return Q(**{path: value})
    if op == "ne":
        return ~Q(**{path: value})
    return Q(**{f"{path}__{op}": value})


def _empty_q(column: Column) -> Q:
    q = Q(**{f"{column.path}__isnull": True})
    if column.kind == "text":
        q |= Q(**{column.path: ""})
    return q


def _list_q(source: ListSource, column: Column, condition: Condition, user: User | None) -> Q:
    """``in`` (any of the values) and ``between`` (both ends included)."""
    path, op = column.path, condition.op
    raw_items = condition.value if isinstance(condition.value, list) else []
    if op == "between" and len(raw_items) != 2:
        raise _error(column, _("“between” needs two values, e.g. 10,20."))
    if op == "in" and not [item for item in raw_items if item.strip()]:
        raise _error(column, _("“is any of” needs at least one value."))
    items = [parse_value(source, column, item, user) for item in raw_items]
    if op == "in":
        if column.kind == "text":
            items = [item.strip() for item in items if item.strip()]
        return Q(**{f"{path}__in": items})
    low, high = items
    if column.kind == "datetime":
        low = _day_bounds(low)[0] if not isinstance(low, datetime) else low
        if not isinstance(high, datetime):
            return Q(**{f"{path}__gte": low, f"{path}__lt": _day_bounds(high)[1]})
    return Q(**{f"{path}__gte": low, f"{path}__lte": high})


def _text_q(path: str, op: str, value: Any) -> Q:
    """Text compares without regard to case."""
    if op == "eq":
        return Q(**{f"{path}__iexact": value})
    if op == "ne":
        return ~Q(**{f"{path}__iexact": value})
    return Q(**{f"{path}__i{op}": value})


def check(source: ListSource, condition: Condition, user: User | None = None) -> Q:
    """Validate ``condition`` against ``source`` and return its ORM condition."""
    column = filter_column(source, condition.field)
    allowed = OPERATORS.get(column.kind, TEXT_OPS)
    if condition.op not in allowed:
        raise _error(
            column,
            _("“%(op)s” is not an operator for this field; use one of %(ops)s."),
            op=condition.op,
            ops=", ".join(allowed),
        )
    path, op = column.path, condition.op
    if op == "empty":
        return _empty_q(column)
    if op == "not_empty":
        return ~_empty_q(column)
    if op in LIST_OPS:
        return _list_q(source, column, condition, user)
    raw = condition.value if isinstance(condition.value, str) else ""
    value = parse_value(source, column, raw, user)
    if column.kind == "text":
        return _text_q(path, op, value)
    if column.kind == "datetime" and not isinstance(value, datetime):
        return _range_q(path, op, _day_bounds(value))
    return _range_q(path, op, value)


def conditions_q(source: ListSource, conditions, user: User | None = None) -> Q:
    """All conditions together (AND); ValidationError listing every bad one."""
    parts, errors = [], []
    for condition in conditions:
        try:
            parts.append(check(source, condition, user))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return reduce(and_, parts, Q())


def search_q(source: ListSource, text: str) -> Q:
    """Free text over the source's ``search_paths`` (any of them contains the text)."""
    text = (text or "").strip()
    if not text or not source.search_paths:
        return Q()
    return reduce(or_, (Q(**{f"{path}__icontains": text}) for path in source.search_paths))


def operators_for(column: Column) -> list[tuple[str, Any]]:
    return [(op, OPERATOR_LABELS[op]) for op in OPERATORS.get(column.kind, TEXT_OPS)]
