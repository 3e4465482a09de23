"""Errors in the API are JSON with a stable code and a clear message, never an HTML page."""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class RequestTooLarge(exceptions.APIException):
    """413: a body beyond its endpoint's bound (``core.uploads`` refuses most before reading)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = "The request is too large."


def exception_handler(exc, context):
    # A service's Django errors answer as DRF's would: 400 by field, 403 with its message.
    if isinstance(exc, ProtectedError | RestrictedError):
        return Response({"error": "conflict", "message": still_needed(exc)}, status=409)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        exc = _throttled(exc.wait)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, Http404):
        code = "not_found"
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        body = {"error": code, "message": str(data["detail"])}
    else:
        body = {"error": code, "message": _summary(data), "fields": data}
    return Response(body, status=response.status_code, headers=_headers(response))


def _throttled(wait: float) -> exceptions.Throttled:
    """DRF's throttle message formats the seconds before translating (so it never is)."""
    seconds = max(1, math.ceil(wait))
    detail = ngettext(
        "Too many requests. Please try again in %(seconds)s second.",
        "Too many requests. Please try again in %(seconds)s seconds.",
        seconds,
    ) % {"seconds": seconds}
    throttled = exceptions.Throttled(detail=detail)
    throttled.wait = seconds  # type: ignore[attr-defined]  # Retry-After
    return throttled


def _summary(data) -> str:
    if isinstance(data, dict):
        for key, value in data.items():
            text = value[0] if isinstance(value, list) and value else value
            return f"{key}: {text}"
    if isinstance(data, list) and data:
        return str(data[0])
    return "Invalid request."


def _headers(response: Response) -> dict:
    return {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After")}


def not_found(request, exception=None):
    """JSON 404 for unknown API paths (handler404 delegates here for /api/)."""
    return JsonResponse(
        {"error": "not_found", "message": "No such endpoint."}, status=status.HTTP_404_NOT_FOUND
    )


def still_needed(exc: ProtectedError | RestrictedError) -> str:
    """'Other rows still need this one: 3 tickets, 1 commitment.' for a refused delete."""
    objs = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    counts: dict[str, int] = {}
    for obj in objs:
        meta = obj._meta
        counts[str(meta.verbose_name)] = counts.get(str(meta.verbose_name), 0) + 1
    names = {str(obj._meta.verbose_name): str(obj._meta.verbose_name_plural) for obj in objs}
    parts = [f"{n} {names[name] if n != 1 else name}" for name, n in sorted(counts.items())]
    return "Other records still refer to this one: " + ", ".join(parts) + "."


def error_response(code: str, message: str, status_code: int) -> JsonResponse:
    """An error in the API's format from outside DRF (middleware, Django's handlers)."""
    return JsonResponse({"error": code, "message": message}, status=status_code)


def bad_request(request, exception=None):
    """JSON 400 for API paths (handler400 delegates here for /api/)."""
    return error_response("bad_request", "The request could not be read.", 400)


def permission_denied(request, exception=None):
    """JSON 403 for API paths (handler403 delegates here for /api/)."""
    return error_response("permission_denied", "You do not have permission to do this.", 403)


def server_error(request):
    """JSON 500 for API paths (handler500 delegates here for /api/): Django has logged the
    exception with its traceback before calling this."""
    return error_response("server_error", "Something went wrong on our side; it is logged.", 500)
