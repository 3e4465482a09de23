"""Request bodies are bounded before Django spools them anywhere.

Every view accepts at most ``BEACHHEAD_MAIL_MAX_ATTACHMENT_BYTES`` of body (nothing in the
product takes a bigger upload: the web form and the portal take text, the API takes JSON); a
view marked with :func:`body_limit` says its own bound (the raw-mail endpoint takes a whole
message, up to ``BEACHHEAD_MAIL_MAX_BYTES``). :class:`BodyLimitMiddleware` refuses a request
whose ``Content-Length`` says more with **413** before the body is read (JSON in the API's error
format under ``/api/``, a translated page elsewhere), and, for a body whose length was not told
or was told wrong (an ASGI server hands Django a stream of any length), installs
:class:`LimitedUploadHandler` first, which stops a multipart upload once the bytes it has been
handed pass the bound, and parses the form itself so that the refusal is a 413 rather than an
error inside another middleware (form fields past ``DATA_UPLOAD_MAX_MEMORY_SIZE`` are a 413 too,
not the CSRF middleware's bare 400). Under WSGI Django never reads past ``Content-Length`` (a body
without one is read as empty), so the header check is the bound that matters there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext

API_PREFIX = "/api/"


class BodyTooLarge(Exception):
    """A request body beyond its view's bound."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def body_limit(setting: str) -> Callable:
    """Bound the body of a view by the setting named ``setting`` (bytes) instead of the default."""

    def mark(view: Callable) -> Callable:
        view.body_limit_setting = setting  # type: ignore[attr-defined]
        return view

    return mark


def limit_for(view: Callable | None) -> int:
    """The body bound of ``view`` in bytes (DRF views carry the mark on the function)."""
    for candidate in (view, getattr(view, "cls", None), getattr(view, "view_class", None)):
        name = getattr(candidate, "body_limit_setting", None)
        if name:
            return int(getattr(settings, name))
    return int(settings.BEACHHEAD_MAIL_MAX_ATTACHMENT_BYTES)


def declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


class LimitedUploadHandler(FileUploadHandler):
    """First of the upload handlers: counts the file bytes and stops past the bound."""

    def __init__(self, limit: int, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = limit
        self.total = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.limit:
            raise BodyTooLarge(self.limit)
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.total += len(raw_data)
        if self.total > self.limit:
            raise BodyTooLarge(self.limit)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """413: JSON in the API's error format under /api/, a translated page elsewhere."""
    message = gettext(
        "The request is too large: send at most %(size)s at once, or send big files by e-mail."
    ) % {"size": filesizeformat(limit)}
    if request.path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse(
            {"error": "request_too_large", "message": message}, status=413
        )
    else:
        page = render_to_string("413.html", {"message": message}, request=request)
        response = HttpResponse(page, status=413)
    # No "Connection: close" here: WSGI forbids hop-by-hop headers from the application (the
    # server closes a connection whose body it did not read).
    return response


class BodyLimitMiddleware:
    """Refuse oversized bodies with 413 before they are read (see the module docstring)."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        limit = limit_for(view)
        length = declared_length(request)
        if length is not None and length > limit:
            return too_large(request, limit)
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/form-data"):
            request.upload_handlers.insert(0, LimitedUploadHandler(limit, request))
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            # Parsed here, under the bound, rather than first in the CSRF middleware, which would
            # answer a bare 400 for fields past DATA_UPLOAD_MAX_MEMORY_SIZE.
            try:
                request.POST  # noqa: B018
            except BodyTooLarge:
                return too_large(request, limit)
            except RequestDataTooBig:
                return too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return None


class _Exceeded(Exception):
    pass


class BoundedBodyASGI:
    """Under ASGI, Django reads the whole body into a temporary file before any middleware runs:
    this wrapper of the ASGI application stops a body past the largest bound any view accepts
    (told by its Content-Length, or counted while it streams) with a 413 before Django spools it.
    The per-view bound is then :class:`BodyLimitMiddleware`'s."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    @staticmethod
    def limit() -> int:
        return max(
            int(settings.BEACHHEAD_MAIL_MAX_BYTES),
            int(settings.BEACHHEAD_MAIL_MAX_ATTACHMENT_BYTES),
        )

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit()
        for name, value in scope.get("headers", []):
            if name.lower() == b"content-length" and value.strip().isdigit() and int(value) > limit:
                await self.refuse(scope, send, limit)
                return
        total = 0

        async def bounded_receive() -> dict:
            nonlocal total
            message = await receive()
            if message.get("type") == "http.request":
                total += len(message.get("body", b""))
                if total > limit:
                    raise _Exceeded
            return message

        try:
            await self.app(scope, bounded_receive, send)
        except _Exceeded:
            await self.refuse(scope, send, limit)

    @staticmethod
    async def refuse(scope: dict, send: Callable, limit: int) -> None:
        message = (
            f"The request is too large: send at most {filesizeformat(limit)} at once, "
            "or send big files by e-mail."
        )
        if str(scope.get("path", "")).startswith(API_PREFIX):
            body = json.dumps({"error": "request_too_large", "message": message}).encode()
            kind = b"application/json"
        else:
            body = message.encode()
            kind = b"text/plain; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
