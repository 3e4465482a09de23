"""The Django admin, for superusers only: everyone else, administrators included, works in the
product's own Settings pages (``/settings/``), which keep the access rules and the audit
trail of the services. A signed-in colleague who opens /admin/ is sent to Settings (or, with
no settings page, refused)."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def _away(request: HttpRequest) -> HttpResponse:
    from beachhead.core.settings_pages import has_pages

    if has_pages(request.user):
        return redirect("core:settings")
    raise PermissionDenied


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def gate(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not self.has_permission(request):
                return _away(request)
            return inner(request, *args, **kwargs)

        return gate

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """The product's own sign-in, never the admin's form: it asks for the second factor
        (``core.mfa``), which the admin's password-only form would not."""
        if request.user.is_authenticated and not self.has_permission(request):
            return _away(request)
        from django.contrib.auth.views import redirect_to_login
        from django.urls import reverse

        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
