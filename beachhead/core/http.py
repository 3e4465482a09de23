"""What the middleware, the login and the API's permission guarantee about a request, in
types: pages behind login annotate ``request: AuthedRequest``; API views take their user from
``api_user(request)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
