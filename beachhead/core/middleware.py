"""Each signed-in user sees the interface in their own language and time zone; the audit log
records the client's real address."""

from __future__ import annotations

import logging
import zoneinfo

from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from django.conf import settings
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils import timezone, translation

from beachhead.core.http import client_ip, client_ip_or_none

security_log = logging.getLogger("beachhead.security")


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
        return client_ip_or_none(request)


#: What the product answers; TRACE, TRACK, CONNECT and inventions are refused (ASVS 13.4.4).
ALLOWED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class RefusalLogMiddleware:
    """One ``beachhead.security`` log line for every refused request (401, 403, 429): who
    (user id or anonymous), from where (``core.http.client_ip``), what (method and path), so
    failed authorisation and throttling can be seen and alerted on (ASVS 16.3.2, 16.3.3). Goes
    after the authentication middleware; an API token's user is known by the time the response
    comes back (DRF sets it on the request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (401, 403, 429):
            user = getattr(request, "user", None)
            who = f"user {user.pk}" if getattr(user, "is_authenticated", False) else "anonymous"
            security_log.warning(
                "refused %s: %s %s %s from %s",
                response.status_code,
                who,
                request.method,
                request.path,
                client_ip(request),
            )
        return response


def _redirects_to_https(request) -> bool:
    return bool(settings.SECURE_SSL_REDIRECT) and not request.is_secure()


class MethodMiddleware:
    """Refuse HTTP methods no page or endpoint serves, before any view sees them (a view that
    does not restrict its methods would otherwise answer TRACE like GET)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and _redirects_to_https(request):
            # ASVS 4.1.2: only pages redirect to HTTPS; an API client that sent its token in
            # clear must find out, not be silently redirected (SECURE_REDIRECT_EXEMPT).
            return JsonResponse(
                {"error": "https_required", "message": "Use HTTPS for the API."}, status=403
            )
        if request.method not in ALLOWED_METHODS:
            if request.path.startswith("/api/"):
                response = JsonResponse(
                    {"error": "method_not_allowed", "message": "Method not allowed."}, status=405
                )
                response["Allow"] = ", ".join(ALLOWED_METHODS)
                return response
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return self.get_response(request)


class MFAMiddleware:
    """A signed-in session does nothing before its second factor (``core.mfa``):

    - a person who set up an app but whose session has not entered a code (signed in before
      they set it up elsewhere, say) is sent to the code step;
    - a person whose role requires two-factor sign-in and who has no app is sent to set one up;
    - the Django admin needs a verified session too.

    Left alone: sign-out, the code step and the setup pages, static files, the language switch,
    /healthz, and API requests with a token (``Authorization`` header). An API request that
    relies on the session cookie gets a JSON 403 until the session is verified.
    """

    ALWAYS = ("/static/", "/logout/", "/login/", "/language/", "/healthz", "/favicon")
    ENROL = ("/security/mfa/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path_info
        if (
            user is None
            or not user.is_authenticated
            or path.startswith(self.ALWAYS)
            or (path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META)
        ):
            return self.get_response(request)
        from beachhead.core import mfa

        need = mfa.state(user, request.session, admin=path.startswith("/admin/"))
        if need == "ok" or (need == "enrol" and path.startswith(self.ENROL)):
            return self.get_response(request)
        if path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse(
                {
                    "error": "mfa_required",
                    "message": "This session has not passed two-factor sign-in; "
                    "sign in again or use an API token.",
                },
                status=403,
            )
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        target = reverse("mfa_verify" if need == "verify" else "core:mfa_setup")
        if request.method == "GET" and not getattr(request, "htmx", False):
            target += "?" + urlencode({"next": request.get_full_path()})
        response = redirect(target)
        if getattr(request, "htmx", False):
            response["HX-Redirect"] = target
        return response


class SecurityHeadersMiddleware:
    """The response headers Django's own settings do not cover.

    - ``Cache-Control: no-store`` on every response Django makes (pages, API answers, exports,
      attachments): nearly all of them are someone's data. A view may choose its own caching
      only for a request that carries no credentials (no session cookie, no ``Authorization``);
      static files never reach here (WhiteNoise answers them first, with long caching).
    - ``Permissions-Policy`` denying the browser features the product never uses.
    """

    PERMISSIONS_POLICY = (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        "display-capture=(), fullscreen=(self)"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        credentials = (
            "HTTP_AUTHORIZATION" in request.META
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or getattr(getattr(request, "user", None), "is_authenticated", False)
        )
        if credentials or not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
            if response.has_header("Expires"):
                del response["Expires"]
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        return response
