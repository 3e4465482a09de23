"""The OpenAPI schema documents the errors every operation can answer.

drf-spectacular documents what a view declares (its 2xx answers); the errors come from layers
around the views (authentication, permissions, parsers, throttles, the access layer's 404, the
request guard's 400), so a postprocessing hook adds them to every operation where they can occur,
all with the body of ``core.api.errors`` (``Error``):

- 400, 401, 403, 429: everywhere (any request can carry a bad parameter or a NUL byte, lack or
  misuse a token, or come too often);
- 404: operations with a path parameter (the row may not exist or not be visible) and paginated
  lists (a page past the end);
- 409: DELETE (other rows still need the row) and writes that a service refuses as a conflict;
- 413, 415: operations that take a body (too large; a media type the operation does not parse).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular import openapi
from rest_framework.fields import empty

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error: a stable code, a message for people and, for invalid input, the "
    "problems by field.",
    "properties": {
        "error": {"type": "string", "description": "A stable code, e.g. `not_found`."},
        "message": {"type": "string"},
        "fields": {"description": "Invalid input: the problems by field (or a list)."},
    },
    "required": ["error", "message"],
}

DESCRIPTIONS = {
    "400": "Invalid input (a parameter, the body, or a NUL byte anywhere in the request).",
    "401": "No credentials, or credentials that are not valid.",
    "403": "The user may not do this.",
    "404": "No such row, or not one the user may see.",
    "409": "The change conflicts with other data (e.g. rows that still need this one).",
    "413": "The request body is too large.",
    "415": "The body's media type is not one this operation takes.",
    "429": "Too many requests; try again after the Retry-After header's seconds.",
}

_WITH_BODY = ("post", "put", "patch")


def _codes(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    codes = ["400", "401", "403", "429"]
    parameters = {p.get("name") for p in operation.get("parameters", [])}
    if "{" in path or "page" in parameters:
        codes.append("404")
    if method == "delete" or method in _WITH_BODY:
        codes.append("409")
    if method in _WITH_BODY:
        codes += ["413", "415"]
    return codes


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOKS entry: the errors each operation can answer."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code in _codes(path, method, operation):
                declared = responses.get(code)
                if declared is None or declared.get("content", {}).get("application/json", {}).get(
                    "schema"
                ) in (None, {"type": "object", "additionalProperties": {}}):
                    responses[code] = {"content": body, "description": DESCRIPTIONS[code]}
            operation["responses"] = dict(sorted(responses.items()))
    return result


# Formats a value of the field may not have: an e-mail or URL field that takes "" (blank=True),
# and DRF's times ("09:00:00"), which are not RFC 3339 times (those need an offset).
_BLANKABLE_FORMATS = ("email", "uri")
TIME_PATTERN = r"^[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?$"


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, truer about what a field can hold: ``null`` where the value can
    be null (``default=None``, or read through a nullable relation), no ``email``/``uri`` format
    where the field takes a blank string, and a pattern rather than ``format: time``."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        result = super()._map_serializer_field(field, direction, bypass_extensions)
        if not isinstance(result, dict):
            return result
        if result.get("format") == "time":
            result = {key: value for key, value in result.items() if key != "format"}
            result["pattern"] = TIME_PATTERN
        return result

    def _map_basic_serializer(self, serializer, direction):
        # A serializer that refuses fields it does not know (``refuses_unknown_fields``)
        # documents its request as closed: a client that follows the schema is not refused.
        result = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and getattr(serializer, "refuses_unknown_fields", False):
            result["additionalProperties"] = False
        return result

    def _insert_field_validators(self, field, schema):
        # drf-spectacular puts a writable blank-able field's format in a oneOf with "" itself;
        # a read-only field (DRF drops its allow_blank) answers "" as it is when it may.
        super()._insert_field_validators(field, schema)
        if schema.get("format") in _BLANKABLE_FORMATS and may_be_blank(field):
            del schema["format"]

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if direction == "response" and may_be_null(field):
            meta["nullable"] = True
        return meta


def _model_field(field: Any) -> Any:
    """The model field a serializer field reads directly (``source`` without dots), or None."""
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    attrs = getattr(field, "source_attrs", None) or []
    if model is None or len(attrs) != 1:
        return None
    try:
        return model._meta.get_field(attrs[0])
    except FieldDoesNotExist:
        return None


def may_be_blank(field: Any) -> bool:
    """Whether a string field can hold "": it takes a blank string, or (read-only fields, whose
    ``allow_blank`` DRF drops) its model field is ``blank=True``."""
    if getattr(field, "allow_blank", False):
        return True
    return bool(getattr(_model_field(field), "blank", False))


def may_be_null(field: Any) -> bool:
    """Whether a serializer field's output can be ``None``: its default is None, or its
    source passes through a nullable relation (DRF answers None there)."""
    if getattr(field, "default", empty) is None:
        return True
    attrs = getattr(field, "source_attrs", None) or []
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    for attr in attrs[:-1]:
        if model is None:
            return False
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return False
        if getattr(model_field, "null", False):
            return True
        model = getattr(model_field, "related_model", None)
    return False
