"""Roles and the named operations each may perform.

Permissions are operations with names (``Operation.VIEW_AUDIT_LOG``), checked by one function,
``can(user, operation)``: views, the API and commands never compare role strings themselves.
The core declares its own operations; each pillar declares its own in its ``roles`` module and
registers them from its ``AppConfig.ready`` (``register_operations``). An operation nobody
registered is allowed to no one (but a superuser).
Row-level access (which records a user may see or change) lives in ``beachhead.core.access``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from beachhead.core.models import User


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    EXECUTIVE = "executive", _("Executive")
    REGIONAL_MANAGER = "regional_manager", _("Regional manager")
    ACCOUNT_EXECUTIVE = "account_executive", _("Account executive")
    SUPPORT_AGENT = "support_agent", _("Support agent")
    CUSTOMER_SUCCESS = "customer_success", _("Customer success")
    FINANCE = "finance", pgettext_lazy("role", "Finance")
    COMPLIANCE = "compliance", _("Compliance")
    COMMUNITY = "community", _("Community")


#: Roles that see every market. All other roles see only the markets assigned to them.
GLOBAL_ROLES = frozenset({Role.ADMIN, Role.EXECUTIVE})


class Operation(models.TextChoices):
    """The core's own operations. A pillar declares its operations in its own ``roles`` module
    (``beachhead.support.roles.SupportOperation``) and registers them with
    :func:`register_operations` from its ``AppConfig.ready``: the core names no pillar."""

    MANAGE_USERS = "core.manage_users", _("Manage users and teams")
    VIEW_AUDIT_LOG = "core.view_audit_log", _("Read the audit log")
    VIEW_TEAMS = "core.view_teams", _("See teams")
    VIEW_OUTBOX = "core.view_outbox", _("See and retry undelivered events")


ALL_ROLES = frozenset(Role)

#: Every registered operation (its code, "app.verb") and the roles that may perform it.
OPERATION_ROLES: dict[str, frozenset[str]] = {}
#: The label of every registered operation.
OPERATION_LABELS: dict[str, object] = {}


def register_operation(code: str, label, roles: Iterable[str]) -> None:
    """Name an operation and the roles that may perform it (a pillar, from its ``ready``).

    The code is stored nowhere but compared everywhere, so it never changes once released.
    Registering a code again with other roles is a mistake (two apps claiming one name)."""
    roles = frozenset(roles)
    if OPERATION_ROLES.get(code, roles) != roles:
        raise ImproperlyConfigured(f"Operation {code!r} is registered twice with other roles.")
    OPERATION_ROLES[code] = roles
    OPERATION_LABELS[code] = label


def register_operations(
    operations: type[models.TextChoices], roles: Mapping[Any, Iterable[str]]
) -> None:
    """Register every member of ``operations`` with its roles (every member needs roles)."""
    for operation in operations:
        register_operation(operation.value, operation.label, roles[operation])


def is_registered(operation: str) -> bool:
    return operation in OPERATION_ROLES


register_operations(
    Operation,
    {
        Operation.MANAGE_USERS: {Role.ADMIN},
        Operation.VIEW_AUDIT_LOG: {Role.ADMIN, Role.EXECUTIVE, Role.COMPLIANCE},
        Operation.VIEW_TEAMS: ALL_ROLES,
        Operation.VIEW_OUTBOX: {Role.ADMIN},
    },
)


def can(user: User | AnonymousUser | None, operation: str) -> bool:
    """True when ``user`` may perform the named ``operation`` (row scope aside)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.role in OPERATION_ROLES.get(operation, frozenset())


def operation_required(operation: str):
    """A view decorator: 403 unless the signed-in user ``can`` perform ``operation`` (put it
    under ``login_required``)."""

    def decorator(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            if not can(request.user, operation):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorator
