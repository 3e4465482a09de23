"""Each signed-in user sees the interface in their own language and time zone; the audit log
records the client's real address."""

from __future__ import annotations

import zoneinfo

from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils import timezone, translation

from beachhead.core.http import client_ip


class UserPreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class AuditlogMiddleware(_AuditlogMiddleware):
    """django-auditlog's middleware, but the address it records is ``core.http.client_ip``: its
    own believes the first ``X-Forwarded-For`` entry, which any client can write."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)


#: What the product answers; TRACE, TRACK, CONNECT and inventions are refused (ASVS 13.4.4).
ALLOWED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class MethodMiddleware:
    """Refuse HTTP methods no page or endpoint serves, before any view sees them (a view that
    does not restrict its methods would otherwise answer TRACE like GET)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ALLOWED_METHODS:
            if request.path.startswith("/api/"):
                response = JsonResponse(
                    {"error": "method_not_allowed", "message": "Method not allowed."}, status=405
                )
                response["Allow"] = ", ".join(ALLOWED_METHODS)
                return response
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return self.get_response(request)
