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

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q


class Action(models.TextChoices):
    VIEW = "view"
    CHANGE = "change"
    DELETE = "delete"


@dataclass(frozen=True)
class AccessPolicy:
    market_path: str | None
    owner_paths: tuple[str, ...] = ()
    editor_roles: frozenset[str] = field(default_factory=lambda: frozenset({"regional_manager"}))
    viewer_roles: frozenset[str] | None = None
    owners_may_change: bool = True
    owner_only: bool = False  # private records (an inbox): only owners, whatever the role
    member_paths: tuple[str, ...] = ()


def policy_for(model: type[models.Model]) -> AccessPolicy:
    policy = getattr(model, "access", None)
    if not isinstance(policy, AccessPolicy):
        raise ImproperlyConfigured(f"{model.__name__} declares no access policy.")
    return policy


def _is_global(user) -> bool:
    return bool(user.is_superuser or user.role in ("admin", "executive"))


def _owner_q(policy: AccessPolicy, user) -> Q:
    if not policy.owner_paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{path: user.pk}) for path in policy.owner_paths))


def _member_q(model: type[models.Model], policy: AccessPolicy, user) -> Q:
    if not policy.member_paths:
        return Q(pk__in=[])
    # A subquery, not a join: joining a many-to-many relation would repeat rows.
    rows = model._default_manager.filter(
        reduce(or_, (Q(**{path: user.pk}) for path in policy.member_paths))
    )
    return Q(pk__in=rows.values("pk"))


def _market_q(policy: AccessPolicy, user) -> Q:
    if policy.market_path is None:
        return Q()  # records that belong to no market are visible to every role
    return Q(**{f"{policy.market_path}__in": list(user.market_codes or [])})


def _market_or_owner_q(policy: AccessPolicy, user, owner_q: Q) -> Q:
    market_q = _market_q(policy, user)
    if not market_q:
        # An empty Q matches every row, but ``Q() | other`` is ``other``: return it alone, or
        # records that belong to no market would shrink to the user's own.
        return market_q
    return market_q | owner_q


def access_filter(model: type[models.Model], user, action: str = Action.VIEW) -> Q | None:
    """The condition a record must meet for ``user`` to do ``action``; None means "nothing"."""
    policy = policy_for(model)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    owner_q = _owner_q(policy, user)
    if policy.owner_only:
        return owner_q
    if _is_global(user):
        return Q()
    if action == Action.VIEW:
        if policy.member_paths:
            owner_q = owner_q | _member_q(model, policy, user)
        if policy.viewer_roles is not None and user.role not in policy.viewer_roles:
            return owner_q
        return _market_or_owner_q(policy, user, owner_q)
    if user.role in policy.editor_roles:
        return _market_or_owner_q(policy, user, owner_q)
    if policy.owners_may_change:
        return owner_q
    return None


def restrict(queryset: models.QuerySet, user, action: str = Action.VIEW) -> models.QuerySet:
    condition = access_filter(queryset.model, user, action)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition) if condition else queryset


def scoped(model: type[models.Model], user, action: str = Action.VIEW) -> models.QuerySet:
    """All the rows of ``model`` that ``user`` may ``action``."""
    return restrict(model._default_manager.all(), user, action)


def may(user, obj: models.Model, action: str = Action.CHANGE) -> bool:
    """True when ``user`` may ``action`` this one record (one indexed query, or none)."""
    condition = access_filter(type(obj), user, action)
    if condition is None:
        return False
    if not condition:
        return True
    return type(obj)._default_manager.filter(condition, pk=obj.pk).exists()


def may_in_market(user, model: type[models.Model], market_code: str | None) -> bool:
    """True when ``user`` may create or change records of ``model`` in ``market_code``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if _is_global(user):
        return True
    policy = policy_for(model)
    return user.role in policy.editor_roles and (
        market_code is None or market_code in (user.market_codes or [])
    )


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may see."""

    def visible_to(self, user, action: str = Action.VIEW) -> ScopedQuerySet:
        return restrict(self, user, action)
