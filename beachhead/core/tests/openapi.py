"""Check API responses against the API's own OpenAPI schema (as Zulip's tests do).

drf-spectacular writes OpenAPI 3.0; its schemas are JSON Schema but for ``nullable``. This module
turns them into JSON Schema (``nullable`` → a ``null`` alternative; objects refuse undocumented
keys) and validates a response body with ``jsonschema``.
"""

from __future__ import annotations

import copy
import re
from functools import cache

import jsonschema


@cache
def schema() -> dict:
    """The OpenAPI document the running code generates (the same as /api/v1/schema/)."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _convert(node):
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _convert(value) for key, value in node.items()}
    if "$ref" in node:
        node["$ref"] = node["$ref"].replace("#/components/schemas/", "#/$defs/")
    if node.get("type") == "object" and "properties" in node:
        node.setdefault("additionalProperties", False)
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    return node


def _template_for(path: str, method: str) -> str:
    """The schema path (``/api/v1/teams/{id}/``) that a concrete path matches."""
    for template, operations in schema()["paths"].items():
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return template
    raise AssertionError(f"{method.upper()} {path} is not in the API schema")


def response_schema(path: str, method: str, status: int) -> dict:
    template = _template_for(path, method)
    operation = schema()["paths"][template][method.lower()]
    documented = operation["responses"]
    assert str(status) in documented, (
        f"{method.upper()} {template} answered {status}, documented: {sorted(documented)}"
    )
    body = _convert(copy.deepcopy(documented[str(status)]["content"]["application/json"]["schema"]))
    body["$defs"] = _convert(copy.deepcopy(schema()["components"]["schemas"]))
    return body


def check(response, method: str = "get") -> dict | list:
    """Assert that ``response`` (a 2xx from the test client) is what the schema documents."""
    path = response.request["PATH_INFO"]
    data = response.json()
    jsonschema.validate(
        data,
        response_schema(path, method, response.status_code),
        cls=jsonschema.Draft202012Validator,
    )
    return data


def check_error(response, status: int) -> dict:
    """Errors are JSON with a stable code and a message, whatever the path."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    data = response.json()
    assert isinstance(data.get("error"), str), data
    assert data["error"], data
    assert isinstance(data.get("message"), str), data
    assert data["message"], data
    return data


def list_paths() -> list[str]:
    """Every path whose GET is a list operation (``…_list``) and has no path parameter."""
    return [
        template
        for template, operations in schema()["paths"].items()
        if "get" in operations
        and operations["get"]["operationId"].endswith("_list")
        and "{" not in template
    ]


__all__ = ["check", "check_error", "list_paths", "response_schema", "schema"]
