"""Every kind of commitment the support desk names is registered with the ledger (a filter on an
unknown kind would find nothing, and the ledger refuses to record one)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from beachhead.commitments import kinds
from beachhead.core.models import Team
from beachhead.support.kinds import KINDS
from beachhead.support.models import Message

SUPPORT = Path(__file__).resolve().parents[1]
CODE = re.compile(r"^[a-z]+(?:_[a-z]+)*$")
#: Other models the desk reads have a ``kind`` too (a message's, a team's): not commitments.
OTHER_KINDS = {*Message.Kind.values, *Team.Kind.values}


def _strings(node: ast.AST) -> list[str]:
    """The string constants of ``node``: a string, or a tuple, list or set of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for element in node.elts for s in _strings(element)]
    return []


def _kinds_named(tree: ast.AST) -> list[str]:
    """Strings in the places a kind goes: ``kind=``/``kind__in=``, ``x.kind == ...``, a name
    ending in ``KINDS``, and the arguments of a call about promises or what is owed."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in {"kind", "kind__in", "kinds"}:
                    found += _strings(keyword.value)
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            if re.search(r"promise|owed|commitments|keep", name):
                found += [s for arg in node.args for s in _strings(arg)]
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(side, ast.Attribute) and side.attr == "kind" for side in sides):
                found += [s for side in sides for s in _strings(side)]
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id.endswith("KINDS") for t in node.targets
        ):
            found += _strings(node.value)
    return [s for s in found if CODE.match(s) and s not in OTHER_KINDS]


def test_support_registers_its_sla_kinds():
    for code, label in KINDS.items():
        assert kinds.is_known(code)
        assert kinds.label(code) == label


def test_every_kind_the_desk_names_is_registered():
    named = {}
    for path in sorted(SUPPORT.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(SUPPORT).parts):
            continue
        for code in _kinds_named(ast.parse(path.read_text(encoding="utf-8"))):
            named.setdefault(code, path.name)
    assert set(KINDS) | {"follow_up"} <= set(named), named  # the scan finds them
    unknown = {code: where for code, where in named.items() if not kinds.is_known(code)}
    assert not unknown, unknown
