"""Sign-in throttling beyond django-axes: password spraying from one IP.

django-axes (settings ``AXES_*``) locks a username **and** IP pair after
``BEACHHEAD_LOGIN_FAILURE_LIMIT`` failures, in its database tables, which every process shares.
It cannot express "many *different* usernames from one IP": it has one failure limit for every
lockout parameter, and an ``ip_address`` parameter would count every failure from the IP (five
typos in an office behind one NAT would lock the whole office) rather than distinct usernames.

So this module adds that rule on the shared counters of :mod:`beachhead.core.ratelimit`:

- every failed sign-in (Django's ``user_login_failed`` signal: the login page, the admin, any
  form calling ``authenticate``) counts its username once per window for the client's IP;
- when ``BEACHHEAD_LOGIN_SPRAY_RATE`` different usernames (default 10 in 15 minutes) have failed
  from one IP, the IP is locked for ``BEACHHEAD_LOGIN_SPRAY_LOCKOUT`` seconds (default 30
  minutes): :class:`SprayGuardBackend`, placed right after axes' backend, refuses every sign-in
  from it, even with a correct password, and axes' middleware answers with
  :func:`lockout_response` (the lockout page, saying why and for how long, status 429).
"""

from __future__ import annotations

import math
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from beachhead.core import http, ratelimit

SEEN = "login-spray-seen"
COUNT = "login-spray"
LOCK = "login-spray-lock"


def client_ip(request: HttpRequest) -> str:
    """The IP axes saw (it runs first and asks ``core.http.client_ip``), else that itself."""
    return getattr(request, "axes_ip_address", None) or http.client_ip(request)


def spray_rate() -> ratelimit.Rate:
    return ratelimit.Rate.parse(settings.BEACHHEAD_LOGIN_SPRAY_RATE)


def locked_for(ip: str, now: datetime | None = None) -> int:
    """Seconds the IP stays locked for spraying (0: not locked)."""
    hit = ratelimit.peek(LOCK, ip, ratelimit.Rate(1, settings.BEACHHEAD_LOGIN_SPRAY_LOCKOUT), now)
    return hit.retry_after if hit.count else 0


def record_failure(ip: str, username: str, now: datetime | None = None) -> bool:
    """Count a failed sign-in; True when it locks the IP (the limit-th different username)."""
    username = (username or "").strip().lower()
    if not username or not ip:
        return False
    rate = spray_rate()
    if not ratelimit.claim_once(SEEN, f"{ip}\n{username}", rate.seconds, now):
        return False  # this username already counted for this IP in this window
    if ratelimit.hit(COUNT, ip, rate, now).count < rate.limit:
        return False
    ratelimit.claim_once(LOCK, ip, settings.BEACHHEAD_LOGIN_SPRAY_LOCKOUT, now)
    return True


def on_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    """``user_login_failed`` receiver (connected in ``CoreConfig.ready``)."""
    if request is None:
        return
    username = credentials.get("username") or credentials.get("email") or ""
    ip = client_ip(request)
    if record_failure(ip, str(username)):
        # This failure locked the IP: it already gets the lockout page.
        request.axes_locked_out = True  # type: ignore[attr-defined]
        request.beachhead_spray_lockout = locked_for(ip)  # type: ignore[attr-defined]


class SprayGuardBackend:
    """Refuses every sign-in from an IP locked for spraying; authenticates no one itself.
    (No ``get_user``: a session never names this backend, and ``Client.force_login`` must not
    pick it.)"""

    def authenticate(self, request: HttpRequest | None, *args, **credentials):
        if request is None:
            return None
        left = locked_for(client_ip(request))
        if left:
            # AxesMiddleware turns this into the lockout page (lockout_response below).
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.beachhead_spray_lockout = left  # type: ignore[attr-defined]
            raise PermissionDenied
        return None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The page a locked-out sign-in gets (``AXES_LOCKOUT_CALLABLE``): axes' lock of one
    username, or this module's lock of a spraying IP, each saying what happened."""
    spray = getattr(request, "beachhead_spray_lockout", 0)
    context = {
        "spraying": bool(spray),
        "minutes": max(1, math.ceil(spray / 60)) if spray else 0,
    }
    response = render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        context,
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
    if spray:
        response["Retry-After"] = str(spray)
    return response
