"""What the middleware, the login and the API's permission guarantee about a request, in
types: pages behind login annotate ``request: AuthedRequest``; API views take their user from
``api_user(request)``."""

from __future__ import annotations

import ipaddress
import socket
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
from rest_framework import exceptions

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails
    from rest_framework.request import Request

    from beachhead.core.models import User


class HtmxRequest(HttpRequest):
    """Any request that went through the middleware: django-htmx has set ``htmx``. Only
    annotations use this class; requests stay Django's own."""

    htmx: HtmxDetails


class AuthedRequest(HtmxRequest):
    """A request to a page behind login: its user is signed in."""

    user: User


def api_user(request: Request) -> User:
    """The signed-in user of an API request. ``IsAuthenticated`` (the default permission) has
    already refused anonymous requests; one that gets here anyway answers 401 the same way."""
    user = request.user
    if not user.is_authenticated:
        raise exceptions.NotAuthenticated()
    return user


# What ``beachhead serve`` answers on when given no --host/--port (and so what links point to
# when neither the setting nor a request says better).
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def base_url(request: HttpRequest | None = None) -> str:
    """The address links in e-mails and on pages start with, without a trailing slash:
    ``BEACHHEAD_BASE_URL`` when set (``beachhead serve`` sets it to the address it serves when
    the environment does not), else the host the request came in on (Django has checked it
    against ``ALLOWED_HOSTS``), else the default address of ``serve``."""
    configured = (settings.BEACHHEAD_BASE_URL or "").strip().rstrip("/")
    if configured:
        return configured
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return DEFAULT_BASE_URL


def served_base_url(host: str, port: int) -> str:
    """The address a server bound to ``host:port`` is reached at: a wildcard bind answers on
    every interface, so links name the machine; an IPv6 address goes in brackets."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104  # naming a wildcard bind, not binding
        host = socket.getfqdn() or "localhost"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request``: what rate limits, the login lockout and
    the audit log key on.

    Behind ``BEACHHEAD_TRUSTED_PROXIES`` proxies (a TLS terminator, a load balancer), the socket's
    peer is the nearest proxy and each proxy appends the address it saw to ``X-Forwarded-For``:
    the client is the entry that many places from the right. Entries further left were written
    by the client itself and are never believed (anyone can send the header), and with no
    trusted proxy the header is ignored altogether. An entry that is not an IP address falls
    back to the socket's peer."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    hops = settings.BEACHHEAD_TRUSTED_PROXIES
    if hops > 0:
        chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [part for part in chain if part]
        if len(chain) >= hops:
            candidate = chain[-hops]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return peer or "unknown"


def client_ip_or_none(request: HttpRequest) -> str | None:
    """``client_ip`` for columns that hold an IP address (django-axes' and the audit log's):
    ``None`` where the address is unknown (a request made in code, e.g. a test's login), since
    PostgreSQL's ``inet`` refuses the word."""
    value = client_ip(request)
    return None if value == "unknown" else value
