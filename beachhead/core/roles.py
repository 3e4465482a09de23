"""Roles and the named operations each may perform.

Permissions are operations with names (``Operation.VIEW_AUDIT_LOG``), checked by one function,
``can(user, operation)``: views, the API and commands never compare role strings themselves.
Row-level access (which records a user may see or change) lives in ``beachhead.core.access``.
"""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    MANAGE_USERS = "core.manage_users", _("Manage users and teams")
    VIEW_AUDIT_LOG = "core.view_audit_log", _("Read the audit log")
    VIEW_TEAMS = "core.view_teams", _("See teams")
    EDIT_MARKETS = "markets.edit", _("Edit market playbooks")
    VIEW_TRUST = "commitments.view_trust", _("See trust figures")
    MANAGE_COMMITMENTS = "commitments.manage", _("Create and resolve commitments")
    INGEST_MAIL = "support.ingest_mail", _("Deliver raw e-mail to the support desk")
    MANAGE_MAIL = "support.manage_mail", _("Read and retry rejected e-mail")
    VIEW_DESK = "support.view_desk", _("See the support desk overview")


_ALL_ROLES = frozenset(Role)
OPERATION_ROLES: dict[str, frozenset[str]] = {
    Operation.MANAGE_USERS: frozenset({Role.ADMIN}),
    Operation.VIEW_AUDIT_LOG: frozenset({Role.ADMIN, Role.EXECUTIVE, Role.COMPLIANCE}),
    Operation.VIEW_TEAMS: _ALL_ROLES,
    Operation.EDIT_MARKETS: frozenset({Role.ADMIN, Role.REGIONAL_MANAGER}),
    Operation.VIEW_TRUST: _ALL_ROLES,
    Operation.MANAGE_COMMITMENTS: _ALL_ROLES - {Role.COMMUNITY},
    Operation.INGEST_MAIL: frozenset({Role.ADMIN}),
    Operation.MANAGE_MAIL: frozenset({Role.ADMIN}),
    Operation.VIEW_DESK: frozenset(
        {
            Role.ADMIN,
            Role.EXECUTIVE,
            Role.REGIONAL_MANAGER,
            Role.SUPPORT_AGENT,
            Role.CUSTOMER_SUCCESS,
        }
    ),
}


def can(user, operation: str) -> bool:
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
