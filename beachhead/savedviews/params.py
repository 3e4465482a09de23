"""The short query parameters of a list: ``?market=JP,KR&tier=strategic&owner=me&q=sony``.

They are the public contract of the REST API's list endpoints and the bookmarkable URLs of the
pillars' list pages. A source declares them (``ListSource.params``) next to its columns, as
shorthands in the saved views' filter language:

- on a page (``/accounts/?market=JP``), ``list_url`` turns them into saved-view conditions on
  the source's columns (``/lists/accounts/?f=market__code:in:JP``), checked there like any
  other condition (a bad value is shown on the page);
- in the API, ``narrow`` checks each value (a bad one answers 400, naming the parameter) and
  applies the ORM condition the shorthand means.

A parameter that is no column's condition (an account id, a bar computed from settings) gives
its own ORM condition (``q``) and has no condition on the page. A ``lenient`` parameter
ignores a value it does not understand instead of refusing it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass, field
from functools import reduce
from operator import and_
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from beachhead.core.db import is_id
from beachhead.savedviews import filters
from beachhead.savedviews.filters import ME, Condition
from beachhead.savedviews.registry import ListSource

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")
#: Page parameters that are the saved views' own: passed through as they are.
PASSED = ("q", "sort", "page")


@dataclass(frozen=True)
class Param:
    """One query parameter: ``name`` in the URL, ``path`` the column it filters ("" for none).

    ``q(value, user)`` replaces the ORM condition the kind gives; ``f(value)`` replaces the
    saved-view conditions it stands for on a page."""

    name: str
    path: str = ""
    _: KW_ONLY
    lenient: bool = False
    q: Callable[[Any, Any], Q] | None = field(default=None, compare=False)
    f: Callable[[Any], list[Condition]] | None = field(default=None, compare=False)

    def read(self, raw: str) -> Any:
        """The value in the parameter's terms (None when absent or blank)."""
        return raw.strip() or None

    def problem(self, value: Any) -> str:
        """Why the value is refused ("" when it is fine)."""
        return ""

    def where(self, value: Any, user, source: ListSource) -> Q:
        return self.q(value, user) if self.q else self.condition(value, user, source)

    def condition(self, value: Any, user, source: ListSource) -> Q:
        return Q(**{self.path: value})

    def conditions(self, value: Any) -> list[Condition]:
        if self.f:
            return self.f(value)
        return self.shorthand(value) if self.path else []

    def shorthand(self, value: Any) -> list[Condition]:
        return [Condition(self.path, "eq", str(value))]


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _known(choices: Any) -> list[str] | None:
    if choices is None:
        return None
    values = getattr(choices, "values", None)  # a TextChoices class
    if values is None:
        pairs = choices() if callable(choices) else choices
        values = [item if isinstance(item, str) else item[0] for item in pairs]
    return [str(value) for value in values]


@dataclass(frozen=True)
class Choice(Param):
    """Lower-case keys of ``choices`` (a TextChoices class, pairs, a callable giving pairs, or
    None for any key), several separated by commas unless ``many`` is False. ``aliases``
    name groups of keys (``unsolved`` → new, open, pending, on hold)."""

    choices: Any = None
    many: bool = True
    aliases: dict[str, Sequence[str]] = field(default_factory=dict)

    def read(self, raw: str) -> list[str] | None:
        raw = raw.strip().lower()
        values = _split(raw) if self.many else [raw]
        return [v for v in values if v] or None

    def problem(self, value: list[str]) -> str:
        known = _known(self.choices)
        if known is None:
            return ""
        known = [*known, *self.aliases]
        bad = [v for v in value if v not in known]
        if not bad:
            return ""
        return _("“%(value)s” is not one of: %(choices)s.") % {
            "value": ", ".join(bad),
            "choices": ", ".join(known),
        }

    def expanded(self, value: list[str]) -> list[str]:
        """The keys, each alias replaced by the keys it names."""
        keys = [v for v in value if v not in self.aliases]
        for alias, members in self.aliases.items():
            if alias in value:
                keys.extend(members)
        return list(dict.fromkeys(keys))

    def condition(self, value: list[str], user, source: ListSource) -> Q:
        if not self.many:
            return Q(**{self.path: value[0]})
        keys = self.expanded(value)
        return Q(**{f"{self.path}__in": sorted(keys) if self.aliases else keys})

    def shorthand(self, value: list[str]) -> list[Condition]:
        if not self.many:
            return [Condition(self.path, "eq", value[0])]
        return [Condition(self.path, "in", self.expanded(value))]


@dataclass(frozen=True)
class Codes(Choice):
    """Market codes, upper case (``jp,kr`` → JP, KR); with ``checked``, each must look like
    an ISO code (two letters)."""

    checked: bool = True

    def read(self, raw: str) -> list[str] | None:
        values = super().read(raw)
        return [v.upper() for v in values] if values else None

    def problem(self, value: list[str]) -> str:
        bad = [c for c in value if len(c) != 2 or not c.isalpha()]
        if not self.checked or not bad:
            return ""
        return _("“%(code)s” is not a market code; use an ISO code such as JP.") % {
            "code": ", ".join(bad)
        }


@dataclass(frozen=True)
class Person(Param):
    """A person: ``me``, a user id, ``none`` (nobody), or a username; ``by_name`` False
    accepts only ``me`` and ids."""

    by_name: bool = True

    def problem(self, value: str) -> str:
        if self.by_name or value == "me" or is_id(value):
            return ""
        return _("“%(v)s” is not a user id.") % {"v": value}

    def condition(self, value: str, user, source: ListSource) -> Q:
        if value == "me":
            return Q(**{self.path: user.pk})
        if value in ("none", "nobody"):
            return Q(**{f"{self.path}__isnull": True})
        if is_id(value):
            return Q(**{self.path: int(value)})
        return Q(**{f"{self.path}__username": value})

    def shorthand(self, value: str) -> list[Condition]:
        if value == "me":
            return [Condition(self.path, "eq", ME)]
        if value in ("none", "nobody"):
            return [Condition(self.path, "empty")]
        return [Condition(self.path, "eq", value)] if is_id(value) else []


@dataclass(frozen=True)
class Flag(Param):
    """true or false (also 1/0, yes/no, on/off)."""

    def read(self, raw: str) -> Any:
        raw = raw.strip().lower()
        if not raw:
            return None
        return True if raw in TRUE else False if raw in FALSE else raw

    def problem(self, value: Any) -> str:
        if isinstance(value, bool):
            return ""
        return _("“%(value)s” is neither true nor false.") % {"value": value}

    def shorthand(self, value: bool) -> list[Condition]:
        return [Condition(self.path, "eq", "true" if value else "false")]


@dataclass(frozen=True)
class Id(Param):
    """A row id (of a related record the list has no column for)."""

    message: Any = ""  # the error (default: “…” is not a number)

    def problem(self, value: str) -> str:
        if is_id(value):
            return ""
        return str(self.message or _("“%(v)s” is not a number.")) % {"v": value}

    def condition(self, value: str, user, source: ListSource) -> Q:
        return Q(**{self.path: int(value)})

    def shorthand(self, value: str) -> list[Condition]:
        return []


@dataclass(frozen=True)
class Text(Param):
    """Text compared whole and ignoring case (``op`` "eq"), or contained (``op``
    "contains")."""

    op: str = "eq"
    lower: bool = False

    def read(self, raw: str) -> str | None:
        raw = raw.strip()
        return (raw.lower() if self.lower else raw) or None

    def condition(self, value: str, user, source: ListSource) -> Q:
        lookup = "iexact" if self.op == "eq" else f"i{self.op}"
        return Q(**{f"{self.path}__{lookup}": value})

    def shorthand(self, value: str) -> list[Condition]:
        return [Condition(self.path, self.op, value)]


@dataclass(frozen=True)
class Search(Param):
    """Free text over the source's ``search_paths`` (the saved views' own ``q`` on a page)."""

    def condition(self, value: str, user, source: ListSource) -> Q:
        return filters.search_q(source, value)

    def shorthand(self, value: str) -> list[Condition]:
        return []


def value(source: ListSource, name: str, query) -> Any:
    """The value of the source's parameter ``name`` in ``query`` (None when absent)."""
    param = next(p for p in source.params if p.name == name)
    return param.read(query.get(name) or "")


def narrow(source: ListSource, queryset: QuerySet, query, user) -> QuerySet:
    """``queryset`` narrowed by the source's parameters in ``query``; ``ValidationError``
    (messages by parameter) when a value is refused."""
    parts: list[Q] = []
    errors: dict[str, list[str]] = {}
    for param in source.params:
        found = param.read(query.get(param.name) or "")
        if found is None:
            continue
        problem = param.problem(found)
        if problem:
            if not param.lenient:
                errors[param.name] = [problem]
            continue
        parts.append(param.where(found, user, source))
    if errors:
        raise ValidationError(errors)
    condition = reduce(and_, parts, Q())
    return queryset.filter(condition) if condition else queryset


def list_url(source: ListSource, query) -> str:
    """``/lists/<source>/`` showing what ``query``'s parameters ask for, as saved-view
    conditions (``q``, ``sort`` and ``page`` pass through)."""
    pairs: list[tuple[str, str]] = []
    for param in source.params:
        found = param.read(query.get(param.name) or "")
        if found is None or (param.lenient and param.problem(found)):
            continue
        pairs.extend(("f", filters.encode(c)) for c in param.conditions(found))
    pairs.extend((key, query[key]) for key in PASSED if query.get(key))
    url = reverse("savedviews:list", args=[source.key])
    return f"{url}?{urlencode(list(dict.fromkeys(pairs)))}" if pairs else url
