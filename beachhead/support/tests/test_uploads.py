"""Anonymous bodies are bounded before they are read: the web form, the portal and the raw-mail
endpoint answer 413 (a translated page, or JSON in the API's error format) and store nothing,
whatever the Content-Length says or does not say."""

from __future__ import annotations

import asyncio
import io
import time

import pytest
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import translation

from beachhead.accounts.models import Contact
from beachhead.support.models import InboundMail, Message, Ticket
from beachhead.support.services import portal as rules

# transactional: the WSGI and ASGI handlers close the connection when a request finishes.
pytestmark = pytest.mark.django_db(transaction=True)

WEB_FORM = "/support/help/"
LIMIT = 10_000


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.BEACHHEAD_MAIL_MAX_ATTACHMENT_BYTES = LIMIT
    settings.BEACHHEAD_MAIL_MAX_BYTES = 3 * LIMIT


def _form(**extra):
    return {
        "name": "Li Wei",
        "email": "li.wei@example.com",
        "company": "Example Trading Ltd.",
        "subject": "Cannot export the monthly report",
        "description": "The export button spins forever since this morning.",
        "priority": "normal",
        "language": "ja",
        "stamp": rules.form_stamp(time.time() - 10),
        "tz": "",
        **extra,
    }


def _big_file(size: int = 2 * LIMIT) -> io.BytesIO:
    data = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"A" * size)
    data.name = "huge.png"
    return data


class CountingInput(io.BytesIO):
    """A wsgi.input that tells how many bytes the application read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size=-1):
        chunk = super().readline(size)
        self.read_bytes += len(chunk)
        return chunk


def _wsgi_post(path: str, body: bytes, content_length: str | None, content_type: str):
    """POST ``body`` straight to the WSGI application, with ``content_length`` as told (None: not
    told at all, as with chunked transfer)."""
    stream = CountingInput(body)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": content_type,
        "wsgi.input": stream,
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if content_length is not None:
        environ["CONTENT_LENGTH"] = content_length
    else:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    status: list[str] = []
    body_out = b"".join(WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s)))
    return int(status[0].split()[0]), body_out, stream


def test_an_oversized_web_form_post_is_refused_before_it_is_read(client, markets):
    response = client.post(WEB_FORM, {**_form(), "file": _big_file()})

    assert response.status_code == 413
    assert not response.has_header("Connection")  # hop-by-hop: not the application's to send
    body = response.content.decode()
    assert "too large" in body
    assert "9.8\xa0KB" in body  # the bound, in words a customer reads
    assert Ticket.objects.count() == 0


def test_the_413_page_speaks_the_visitors_language(client, markets):
    with translation.override("ja"):
        response = client.post(
            WEB_FORM, {**_form(), "file": _big_file()}, HTTP_ACCEPT_LANGUAGE="ja"
        )

    assert response.status_code == 413
    assert "リクエストが大きすぎます" in response.content.decode()


def test_a_web_form_within_the_bound_still_works(client, markets):
    response = client.post(WEB_FORM, {**_form(), "file": _big_file(LIMIT // 4)})

    assert response.status_code == 302
    assert Ticket.objects.count() == 1


def test_an_oversized_portal_request_is_refused(client, customer):
    yamada = Contact.objects.get(email="yamada@yamato-seiki.co.jp")
    raw = rules.issue_token(yamada)
    assert client.post(reverse("support:portal_sign_in", args=[raw])).status_code == 302

    response = client.post(
        reverse("support:portal_new"),
        {"subject": "大きい", "description": "添付", "priority": "normal", "file": _big_file()},
    )

    assert response.status_code == 413
    assert Ticket.objects.count() == 0


def test_an_oversized_raw_mail_is_413_json(api, admin, markets):
    raw = (
        b"From: Hans <hans@example.de>\r\nTo: support@beachhead.localhost\r\n"
        b"Subject: Hilfe\r\nMessage-ID: <big@example.de>\r\n\r\n" + b"x" * (4 * LIMIT)
    )

    response = api(admin).post("/api/v1/mail/inbound/", raw, content_type="message/rfc822")

    assert response.status_code == 413
    assert response.json()["error"] == "request_too_large"
    assert "too large" in response.json()["message"]
    assert Message.objects.count() == 0
    assert InboundMail.objects.count() == 0


def test_the_raw_mail_endpoint_has_the_whole_message_bound(api, admin, markets):
    """A message bigger than one attachment's bound, within the message bound, is taken."""
    raw = (
        b"From: Hans <hans@example.de>\r\nTo: support@beachhead.localhost\r\n"
        b"Subject: Hilfe\r\nMessage-ID: <ok@example.de>\r\n\r\n" + b"x" * (2 * LIMIT)
    )

    response = api(admin).post("/api/v1/mail/inbound/", raw, content_type="message/rfc822")

    assert response.status_code == 201, response.content


def test_a_raw_mail_stream_of_untold_length_is_cut_at_the_bound(rf, settings):
    from beachhead.core.api.errors import RequestTooLarge
    from beachhead.support.api.views import RawMailParser

    with pytest.raises(RequestTooLarge):
        RawMailParser().parse(io.BytesIO(b"x" * (3 * LIMIT + 1)))
    assert RawMailParser().parse(io.BytesIO(b"x" * 10)) == b"x" * 10


def test_a_told_length_over_the_bound_is_refused_unread(markets):
    body = encode_multipart(BOUNDARY, _form())

    status, page, stream = _wsgi_post(WEB_FORM, body, str(300 * 1024 * 1024), MULTIPART_CONTENT)

    assert status == 413
    assert b"too large" in page
    assert stream.read_bytes == 0
    assert Ticket.objects.count() == 0


def test_a_body_longer_than_its_told_length_is_read_no_further(markets):
    body = encode_multipart(BOUNDARY, {**_form(), "file": _big_file(20 * LIMIT)})

    status, _page, stream = _wsgi_post(WEB_FORM, body, "2000", MULTIPART_CONTENT)

    assert stream.read_bytes <= 2000
    assert status != 302  # a truncated form is refused or shown again, never taken
    assert Ticket.objects.count() == 0


def test_a_body_of_untold_length_is_not_read(markets):
    body = encode_multipart(BOUNDARY, {**_form(), "file": _big_file(20 * LIMIT)})

    status, _page, stream = _wsgi_post(WEB_FORM, body, None, MULTIPART_CONTENT)

    assert stream.read_bytes == 0
    assert status != 302
    assert Ticket.objects.count() == 0


def test_a_streamed_upload_past_the_bound_stops_while_read(markets):
    """An ASGI server hands Django the body as a stream that may be longer than the length it
    was told: the upload handler counts the bytes and stops at the bound."""
    body = encode_multipart(BOUNDARY, {**_form(), "file": _big_file(20 * LIMIT)})
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": WEB_FORM,
        "raw_path": WEB_FORM.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", MULTIPART_CONTENT.encode()),
            (b"content-length", b"5000"),  # a lie
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict] = []

    async def run():
        chunks = [body[i : i + 8192] for i in range(0, len(body), 8192)]

        async def receive():
            if not chunks:  # the client waits for the answer
                await asyncio.Event().wait()
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

        async def send(message):
            sent.append(message)

        await ASGIHandler()(scope, receive, send)

    asyncio.run(run())

    assert sent[0]["status"] == 413
    assert Ticket.objects.count() == 0


def _asgi_post(app, path: str, body: bytes, headers: list[tuple[bytes, bytes]]):
    """POST ``body`` in 8 KiB messages to the ASGI ``app``; (sent messages, bytes received)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict] = []
    chunks = [body[i : i + 8192] for i in range(0, len(body), 8192)]
    taken = [0]

    async def receive():
        if not chunks:
            await asyncio.Event().wait()
        chunk = chunks.pop(0)
        taken[0] += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent, taken[0]


def test_the_asgi_application_refuses_a_body_past_every_bound_before_django_reads_it(markets):
    from beachhead.asgi import application

    body = b"x" * (10 * 3 * LIMIT)

    told, taken = _asgi_post(
        application,
        "/api/v1/mail/inbound/",
        body,
        [(b"content-type", b"message/rfc822"), (b"content-length", str(len(body)).encode())],
    )
    assert told[0]["status"] == 413
    assert taken == 0
    assert b'"error": "request_too_large"' in told[1]["body"]

    untold, taken = _asgi_post(application, WEB_FORM, body, [(b"content-type", b"text/plain")])
    assert untold[0]["status"] == 413
    assert taken <= 3 * LIMIT + 8192  # stopped at the bound, not at the end of the body
    assert Ticket.objects.count() == 0


def test_a_real_server_answers_413(live_server, markets):
    """Through Django's own HTTP server (wsgiref), which refuses hop-by-hop headers from the
    application: the 413 is a valid WSGI answer."""
    import http.client
    from urllib.parse import urlsplit

    body = encode_multipart(BOUNDARY, {**_form(), "file": _big_file()})
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("POST", WEB_FORM, body=body, headers={"Content-Type": MULTIPART_CONTENT})
    response = connection.getresponse()

    assert response.status == 413
    assert b"too large" in response.read()
    assert Ticket.objects.count() == 0
