"""The API's rate limit: ``BEACHHEAD_API_RATE`` requests per token, counted in the shared store.

DRF's own throttles count in Django's cache, which is per-process memory without Redis: four
web processes would each allow the full rate. :class:`ApiRateThrottle` counts in
:mod:`beachhead.core.ratelimit` (Redis or the database), keyed by the token the request
authenticated with (``request.auth.pk``: DRF's ``Token`` or any token model with a primary key),
else the signed-in user (a browser session), else the client's IP. Over the rate the API answers
429 with ``Retry-After`` and the project's error body (``core/api/errors.py``)::

    {"error": "throttled", "message": "Too many requests. Please try again in 12 seconds."}
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from beachhead.core import ratelimit
from beachhead.core.http import client_ip

KIND = "api"


def identity(request) -> str:
    """Whom the request counts against: its token, else its user, else its IP."""
    token_pk = getattr(getattr(request, "auth", None), "pk", None)
    if token_pk is not None:
        return f"token:{type(request.auth).__name__}:{token_pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


class ApiRateThrottle(BaseThrottle):
    """Every API view's throttle (``DEFAULT_THROTTLE_CLASSES``)."""

    def __init__(self) -> None:
        self._wait: int | None = None

    def allow_request(self, request, view) -> bool:
        rate = ratelimit.Rate.parse(settings.BEACHHEAD_API_RATE)
        hit = ratelimit.hit(KIND, identity(request), rate)
        self._wait = None if hit.allowed else hit.retry_after
        return hit.allowed

    def wait(self) -> float | None:
        return self._wait


def document_throttling(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation may answer 429 (the rate limit)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "RateLimited",
        {
            "type": "object",
            "properties": {
                "error": {"type": "string", "enum": ["throttled"]},
                "message": {"type": "string"},
            },
            "required": ["error", "message"],
        },
    )
    answer = {
        "description": "Too many requests: wait for the seconds in Retry-After.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RateLimited"}}},
    }
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("429", answer)
    return result
