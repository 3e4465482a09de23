"""Operations: the core declares its own, each pillar registers its own from its ``ready``, and
every operation the code checks is registered (an unregistered one would be allowed to no one)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from beachhead.core import dashboard, navigation, roles
from beachhead.core.models import User
from beachhead.core.roles import ALL_ROLES, Operation, Role, can

SOURCE = Path(__file__).resolve().parents[2]


def _source_files():
    for path in sorted(SOURCE.rglob("*.py")):
        parts = set(path.relative_to(SOURCE).parts)
        if not parts & {"tests", "migrations", "static", "node_modules"}:
            yield path


def _imported_names(tree: ast.AST) -> dict[str, str]:
    """What each imported name of a file is: ``{"SupportOperation": "beachhead.support.roles.
    SupportOperation", "roles": "beachhead.support.roles"}`` (imports inside functions too)."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _resolve(dotted: str):
    """The object at a dotted path: a module, or an attribute chain after one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def _operation_expressions(tree: ast.AST):
    """The expressions given as an operation: ``can(user, X)``, ``operation_required(X)`` and
    ``operation=X``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name == "can" and len(node.args) >= 2:
            yield node.args[1]
        if name == "operation_required" and node.args:
            yield node.args[0]
        for keyword in node.keywords:
            if keyword.arg == "operation":
                yield keyword.value


def _dotted(node: ast.AST) -> list[str] | None:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else [*head, node.attr]
    return None


def test_every_operation_the_code_checks_is_registered():
    checked, unregistered = [], []
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = _imported_names(tree)
        for expression in _operation_expressions(tree):
            if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
                code, where = expression.value, f"{path.name}:{expression.lineno}"
            else:
                dotted = _dotted(expression)
                # A variable (``item.operation``) is the registries' own pass-through.
                if dotted is None or dotted[0] not in imported:
                    continue
                code = _resolve(".".join([imported[dotted[0]], *dotted[1:]]))
                where = f"{path.name}:{expression.lineno} {'.'.join(dotted)}"
            checked.append(where)
            if not roles.is_registered(code):
                unregistered.append(where)
    assert not unregistered, unregistered
    # The scan finds the checks (views, the API, the sidebar and the panels of four apps).
    assert len(checked) >= 12, checked


def test_every_registered_entry_point_names_a_registered_operation():
    operations = [item.operation for item in navigation._items.entries() if item.operation]
    operations += [panel.operation for panel in dashboard._panels.entries() if panel.operation]
    assert operations
    assert all(roles.is_registered(op) for op in operations), operations


def test_the_core_names_only_its_own_operations():
    assert all(op.value.startswith("core.") for op in Operation)


def test_the_pillars_register_their_operations_with_the_same_codes_and_roles():
    from beachhead.commitments.roles import CommitmentOperation
    from beachhead.markets.roles import MarketOperation
    from beachhead.support.roles import SupportOperation

    desk = {
        Role.ADMIN,
        Role.EXECUTIVE,
        Role.REGIONAL_MANAGER,
        Role.SUPPORT_AGENT,
        Role.CUSTOMER_SUCCESS,
    }
    before = {
        "core.manage_users": {Role.ADMIN},
        "core.view_audit_log": {Role.ADMIN, Role.EXECUTIVE, Role.COMPLIANCE},
        "core.view_teams": ALL_ROLES,
        "markets.edit": {Role.ADMIN, Role.REGIONAL_MANAGER},
        "commitments.view_trust": ALL_ROLES,
        "commitments.manage": ALL_ROLES - {Role.COMMUNITY},
        "support.ingest_mail": {Role.ADMIN},
        "support.manage_mail": {Role.ADMIN},
        "support.view_desk": desk,
    }
    assert {code: roles.OPERATION_ROLES.get(code) for code in before} == before
    assert MarketOperation.EDIT_MARKETS == "markets.edit"
    assert CommitmentOperation.MANAGE_COMMITMENTS == "commitments.manage"
    assert SupportOperation.VIEW_DESK == "support.view_desk"
    assert str(roles.OPERATION_LABELS["support.view_desk"]) == "See the support desk overview"


@pytest.fixture
def restore_operations():
    saved = dict(roles.OPERATION_ROLES), dict(roles.OPERATION_LABELS)
    yield
    for registry, before in zip(
        (roles.OPERATION_ROLES, roles.OPERATION_LABELS), saved, strict=True
    ):
        registry.clear()
        registry.update(before)


def test_register_operation_checks_who_may(restore_operations):
    agent = User(username="a", role=Role.SUPPORT_AGENT, is_active=True)
    admin = User(username="b", role=Role.ADMIN, is_active=True)
    assert not can(admin, "contracts.sign")  # nobody registered it: nobody may

    roles.register_operation("contracts.sign", "Sign contracts", {Role.SUPPORT_AGENT})
    roles.register_operation("contracts.sign", "Sign contracts", {Role.SUPPORT_AGENT})  # again
    assert can(agent, "contracts.sign")
    assert not can(admin, "contracts.sign")
    with pytest.raises(ImproperlyConfigured):
        roles.register_operation("contracts.sign", "Sign contracts", {Role.ADMIN})
