"""Attachments are stored with the type their bytes show, not the one their sender wrote, and
are served as downloads that no browser renders or sniffs."""

from __future__ import annotations

import struct
import zlib
from email.message import EmailMessage

import pytest

from beachhead.support.models import Attachment, Message
from beachhead.support.services.attachments import content_type_of
from beachhead.support.services.ingest import ingest


def png() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("content", "label", "expected"),
    [
        (png(), "application/pdf", "image/png"),
        (PDF, "image/png", "application/pdf"),
        (HTML, "image/jpeg", "text/html"),
        (b"  \n<html><head><title>x</title></head></html>", "text/plain", "text/html"),
        (SVG, "image/png", "image/svg+xml"),
        (b"<svg><script>alert(1)</script></svg>", "text/plain", "image/svg+xml"),
        (b'<?xml version="1.0"?><invoice/>', "text/plain", "application/xml"),
        (b"panic: 42\nnode 3 restarted\n", "text/plain", "text/plain"),
        ("名前,金額\n山田,1200\n".encode(), "text/csv", "text/csv"),
        ("ログ：再起動しました\n".encode(), "application/octet-stream", "text/plain"),
        ("ログ：再起動しました\n".encode("shift_jis"), "text/plain", "text/plain"),
        (b'{"nodes": 12}', "application/json", "application/json"),
        (b"[agent]\nnodes = 12\n", "image/gif", "text/plain"),
        (bytes(range(256)) * 4, "image/png", "application/octet-stream"),
        (b"", "image/png", "text/plain"),
    ],
)
def test_the_type_comes_from_the_bytes(content, label, expected):
    assert content_type_of(content, label) == expected


def _mail_with(*files: tuple[str, str, bytes]) -> bytes:
    mail = EmailMessage()
    mail["From"] = "Hans <hans@example.de>"
    mail["To"] = "support@beachhead.localhost"
    mail["Subject"] = "Logs"
    mail["Message-ID"] = "<files@example.de>"
    mail.set_content("Anbei die Dateien.")
    for filename, label, content in files:
        major, minor = label.split("/")
        mail.add_attachment(content, maintype=major, subtype=minor, filename=filename)
    return mail.as_bytes()


@pytest.mark.django_db
def test_mailed_attachments_are_stored_as_what_they_are(markets):
    result = ingest(
        _mail_with(
            ("scan.pdf", "application/pdf", png()),
            ("photo.jpg", "image/jpeg", HTML),
            ("notes.txt", "text/plain", b"restart at 02:00\n"),
        )
    )

    assert result.result == "created", result
    rows = {a.filename: a for a in Message.objects.get(pk=result.message).attachments.all()}
    assert rows["scan.pdf"].content_type == "image/png"
    assert rows["photo.jpg"].content_type != "image/jpeg"
    assert rows["photo.jpg"].content_type == "text/html"
    assert rows["notes.txt"].content_type == "text/plain"


@pytest.mark.django_db
def test_an_attachment_is_a_download_never_sniffed_or_kept(client, markets, make_user):
    result = ingest(_mail_with(("photo.jpg", "image/jpeg", HTML)))
    item = Attachment.objects.get(message_id=result.message)
    client.force_login(make_user("admin"))

    response = client.get(f"/support/attachments/{item.pk}/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] != "image/jpeg"
    assert b"".join(response.streaming_content) == HTML
