"""The access layer: the one place that decides which records a user may see or change.

Every page, API endpoint, export and search gets its rows through
``Model.objects.visible_to(user, action)`` (or ``scoped(model, user, action)``). A record the
user may not see is simply not in the queryset, so it answers 404, the same as one that does not
exist. Each model states its policy once, as a class attribute ``access = AccessPolicy(...)``:

- ``market_path``: the ORM path to the two-letter market code of the record (``"code"`` for a
  market, ``"market__code"`` for an account). ``None`` for records that belong to no market.
- ``owner_paths``: ORM paths to the user(s) who own the record (``"owner"``, ``"assignee"``).
- ``editor_roles``: roles that may change any record in their markets (a regional manager);
  other roles may change only what they own.
- ``viewer_roles``: roles that may see records of their markets; ``None`` means every role.
- ``owner_only``: private records (an inbox) that only their owners see, admins included.
- ``member_paths``: ORM paths to users who see the record wherever it is but do not change it
  (the members of a team).

Rules: inactive and anonymous users see nothing; admins (and superusers) and executives see and
change everything; every other role sees the records of the markets assigned to them plus the
records they own, and changes what their policy allows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Q

from beachhead.core.roles import GLOBAL_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from beachhead.core.models import User

_M = TypeVar("_M", bound=models.Model)
_QS = TypeVar("_QS", bound="models.QuerySet[Any]")


class Action(models.TextChoices):
    VIEW = "view"
    CHANGE = "change"
    DELETE = "delete"


@dataclass(frozen=True)
class AccessPolicy:
    market_path: str | None
    owner_paths: tuple[str, ...] = ()
    editor_roles: frozenset[str] = field(default_factory=lambda: frozenset({Role.REGIONAL_MANAGER}))
    viewer_roles: frozenset[str] | None = None
    owners_may_change: bool = True
    owner_only: bool = False  # private records (an inbox): only owners, whatever the role
    member_paths: tuple[str, ...] = ()


def policy_for(model: type[models.Model]) -> AccessPolicy:
    policy = getattr(model, "access", None)
    if not isinstance(policy, AccessPolicy):
        raise ImproperlyConfigured(f"{model.__name__} declares no access policy.")
    return policy


def _is_global(user: User) -> bool:
    return bool(user.is_superuser or user.role in GLOBAL_ROLES)


#: Up to this many ids, ``_through_fk(..., materialize=True)`` writes them into the query.
MATERIALIZE_LIMIT = 1000


def _through_fk(
    model: type[models.Model], path: str, lookup: str, value: object, materialize: bool = False
) -> Q:
    """``Q(path__lookup=value)``; a path over one foreign key (``account__owner``) becomes
    ``account_id IN (SELECT id FROM account WHERE owner_id = …)``: no join on the counted
    rows, so each branch of an OR keeps to its own index. ``materialize``: read those ids
    first and write them into the query (``account_id IN (3, 7)``), which lets PostgreSQL
    combine the branches of an OR by their indexes (a subquery makes it filter every row)."""
    head, _sep, rest = path.partition("__")
    field = model._meta.get_field(head) if rest else None
    if field is None or not field.many_to_one or "__" in rest:
        return Q(**{f"{path}__{lookup}": value})
    related = cast("type[models.Model]", field.related_model)  # a foreign key: a model
    rows = related._default_manager.filter(**{f"{rest}__{lookup}": value})
    if materialize:
        ids = list(rows.order_by().values_list("pk", flat=True)[: MATERIALIZE_LIMIT + 1])
        if len(ids) <= MATERIALIZE_LIMIT:
            return Q(**{f"{head}__in": ids})
    return Q(**{f"{head}__in": rows.values("pk")})


def _owner_q(
    model: type[models.Model], policy: AccessPolicy, user: User, materialize: bool = False
) -> Q:
    if not policy.owner_paths:
        return Q(pk__in=[])
    return reduce(
        or_,
        (_through_fk(model, p, "exact", user.pk, materialize) for p in policy.owner_paths),
    )


def _member_q(model: type[models.Model], policy: AccessPolicy, user: User) -> Q:
    if not policy.member_paths:
        return Q(pk__in=[])
    # A subquery, not a join: joining a many-to-many relation would repeat rows.
    rows = model._default_manager.filter(
        reduce(or_, (Q(**{path: user.pk}) for path in policy.member_paths))
    )
    return Q(pk__in=rows.values("pk"))


def _market_q(model: type[models.Model], policy: AccessPolicy, codes: Iterable[str] | None) -> Q:
    if policy.market_path is None:
        return Q()  # records that belong to no market are visible to every role
    return _through_fk(model, policy.market_path, "in", sorted(codes or []))


def _parts(
    model: type[models.Model],
    user: User | AnonymousUser | None,
    action: str,
    materialize: bool = False,
) -> tuple[Q | None, Q] | None:
    """The condition as (rows of the user's markets, rows the user owns or is a member of);
    ``(None, q)`` when the markets grant nothing; None when nothing at all; ``(Q(), Q())``
    for everything."""
    policy = policy_for(model)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if _is_global(user) and not policy.owner_only:
        return Q(), Q()
    owner_q = _owner_q(model, policy, user, materialize)
    if policy.owner_only:
        return None, owner_q
    if action == Action.VIEW:
        if policy.member_paths:
            owner_q = owner_q | _member_q(model, policy, user)
        if policy.viewer_roles is not None and user.role not in policy.viewer_roles:
            return None, owner_q
        return _market_q(model, policy, user.market_codes), owner_q
    if user.role in policy.editor_roles:
        return _market_q(model, policy, user.market_codes), owner_q
    if policy.owners_may_change:
        return None, owner_q
    return None


def access_filter(
    model: type[models.Model], user: User | AnonymousUser | None, action: str = Action.VIEW
) -> Q | None:
    """The condition a record must meet for ``user`` to do ``action``; None means "nothing"."""
    return _combine(_parts(model, user, action))


def _combine(parts: tuple[Q | None, Q] | None) -> Q | None:
    """``_parts`` as one condition (see ``access_filter``)."""
    if parts is None:
        return None
    market_q, owner_q = parts
    if market_q is None:
        return owner_q
    if not market_q:
        # An empty Q matches every row, but ``Q() | other`` is ``other``: return it alone, or
        # records that belong to no market would shrink to the user's own.
        return market_q
    return market_q | owner_q


def scope_parts(
    model: type[_M], user: User | AnonymousUser | None, action: str = Action.VIEW
) -> list[models.QuerySet[_M]]:
    """The rows of ``scoped(model, user, action)`` as disjoint querysets whose union is the
    scope: the user's markets, then what they own elsewhere. Counts and sums run once per part
    and add up: each part keeps to its indexes, where one OR of market and ownership makes
    the database read every row of the table."""
    parts = _parts(model, user, action, materialize=True)
    manager = model._default_manager
    if parts is None:
        return []
    market_q, owner_q = parts
    if market_q is None:
        return [manager.filter(owner_q)]
    if not market_q:
        return [manager.all()]
    return [manager.filter(market_q), manager.filter(owner_q).exclude(market_q)]


def scoped_in_markets(
    model: type[_M],
    user: User | AnonymousUser | None,
    codes: Iterable[str],
    action: str = Action.VIEW,
) -> models.QuerySet[_M]:
    """``scoped(model, user, action)`` narrowed to the markets ``codes``. When the user may
    see every record of those markets, the condition is the market alone: no OR with
    ownership, so the database reads the market's index range and nothing else."""
    policy = policy_for(model)
    codes = sorted({str(c).upper() for c in codes})
    if policy.market_path is None:
        return scoped(model, user, action)
    # The markets' ids written into the query: the planner sees one market and reads its
    # index in order (an ``IN (subquery)`` may stand for several, so it sorts instead).
    in_markets = _through_fk(model, policy.market_path, "in", codes, materialize=True)
    parts = _parts(model, user, action)
    if parts is None:
        return model._default_manager.none()
    market_q = parts[0]
    if market_q is not None and (
        not market_q or set(codes) <= set(cast("User", user).market_codes or [])
    ):
        return model._default_manager.filter(in_markets)
    return model._default_manager.filter(_combine(parts)).filter(in_markets)


def restrict(queryset: _QS, user: User | AnonymousUser | None, action: str = Action.VIEW) -> _QS:
    condition = access_filter(queryset.model, user, action)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition) if condition else queryset


def scoped(
    model: type[_M], user: User | AnonymousUser | None, action: str = Action.VIEW
) -> models.QuerySet[_M]:
    """All the rows of ``model`` that ``user`` may ``action``."""
    return restrict(model._default_manager.all(), user, action)


def may(user: User | AnonymousUser | None, obj: models.Model, action: str = Action.CHANGE) -> bool:
    """True when ``user`` may ``action`` this one record (one indexed query, or none)."""
    condition = access_filter(type(obj), user, action)
    if condition is None:
        return False
    if not condition:
        return True
    return type(obj)._default_manager.filter(condition, pk=obj.pk).exists()


def require(user: User, obj: models.Model, action: str, message: str) -> None:
    """``PermissionDenied(message)`` unless ``user`` may ``action`` this record (a service's
    first line)."""
    if not may(user, obj, action):
        raise PermissionDenied(message)


def may_in_market(
    user: User | AnonymousUser | None, model: type[models.Model], market_code: str | None
) -> bool:
    """True when ``user`` may create or change records of ``model`` in ``market_code``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if _is_global(user):
        return True
    policy = policy_for(model)
    return user.role in policy.editor_roles and (
        market_code is None or market_code in (user.market_codes or [])
    )


class ScopedQuerySet(models.QuerySet[_M]):
    """A queryset that knows how to narrow itself to what a user may see."""

    def visible_to(
        self, user: User | AnonymousUser | None, action: str = Action.VIEW
    ) -> ScopedQuerySet[_M]:
        return restrict(self, user, action)
