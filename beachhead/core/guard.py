"""Requests that no part of the product can store are refused at the door with a 400.

A NUL character (``\\x00``) cannot be stored in a PostgreSQL text column; a request whose path,
query string or form fields carry one used to reach the database and answer 500 there. Such a
request is never legitimate (no form, link or API client sends one), so it is refused, not
cleaned: silently dropping characters would store something other than what was sent. API paths
get the JSON error of ``core.api.errors``, pages the 400 page. JSON bodies are checked by the
API's parser (``core.api.parsers``), since the middleware does not read bodies the views parse.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib import messages
from django.db.models import Model, ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.defaults import bad_request

from beachhead.core.api.errors import error_response, still_needed

NUL = "\x00"
NUL_MESSAGE = "The request contains a NUL character, which is not allowed."


def has_nul(pairs: Iterable[tuple[str, list]]) -> bool:
    return any(NUL in key or any(NUL in str(v) for v in values) for key, values in pairs)


def refuse(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return error_response("invalid", NUL_MESSAGE, 400)
    return bad_request(request, ValueError(NUL_MESSAGE))


class NulByteGuardMiddleware:
    """Refuse (400) a request with a NUL in its path or query string (before anything looks
    at them) or in its url-encoded form fields (before the view). Goes last in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or NUL in request.path_info or has_nul(request.GET.lists()):
            return refuse(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        # Only url-encoded forms within the size Django reads anyway (the CSRF check reads them
        # too): a multipart body is left unread, so a view can still choose how uploads are
        # handled and bounded, and so is a body too large, which the view answers (413).
        # Django's form fields refuse a NUL themselves (ProhibitNullCharactersValidator).
        if request.method != "POST" or request.content_type != "application/x-www-form-urlencoded":
            return None
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return None
        return refuse(request) if has_nul(request.POST.lists()) else None


class ProtectedDeleteMiddleware:
    """A page whose delete other rows prevent (``ProtectedError``/``RestrictedError``) goes
    back where the user came from with a message that names what still refers to the row,
    instead of the 500 page. (The API answers 409 itself: ``core.api.errors``.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, ProtectedError | RestrictedError):
            return None
        if request.path.startswith("/api/"):
            return error_response("conflict", still_needed(exception), 409)
        messages.error(
            request,
            _("This cannot be deleted while other records still refer to it: %(what)s.")
            % {"what": ", ".join(_counted(exception))},
        )
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = "/"
        return HttpResponseRedirect(back)


def _counted(exc: ProtectedError | RestrictedError) -> list[str]:
    objs = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    counts: dict[type[Model], int] = {}
    for obj in objs:
        counts[type(obj)] = counts.get(type(obj), 0) + 1
    return [
        f"{n} {model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural}"
        for model, n in counts.items()
    ]
