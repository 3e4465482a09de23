"""Request types for annotations: what the middleware, the login and the API's permission
guarantee about a request. Only annotations use them; the request objects stay Django's and
DRF's own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from beachhead.core.models import User


class HtmxRequest(HttpRequest):
    """Any request that went through the middleware: django-htmx has set ``htmx``."""

    htmx: HtmxDetails


class AuthedRequest(HtmxRequest):
    """A request to a page behind login: its user is signed in."""

    user: User


class AuthedApiRequest(Request):
    """An API request past ``IsAuthenticated`` (the default permission): its user is signed
    in."""

    user: User
