"""Storing the files of messages: every attachment goes through :func:`store`.

The type a file is stored (and later served and forwarded) with comes from its bytes, not
from the sender's label: a label is whatever the sender's program, or an attacker, wrote.
Binary formats are recognised by their magic numbers (``filetype``, pure Python); text is
checked for the markup a browser would render (HTML, SVG, XML), whatever its label says; plain
text keeps a text label it was given (``text/csv`` stays ``text/csv``); anything else is
``application/octet-stream``. Files are always served as downloads with ``nosniff`` (see
``views.attachment``), so a mislabelled file is never rendered by the browser either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import filetype
from django.core.files.base import ContentFile

from beachhead.support.models import Attachment, Message

OCTET_STREAM = "application/octet-stream"
SNIFF_BYTES = 8192
# Labels that say "text" in another way, kept when the bytes are text.
TEXT_LABELS = {"application/json", "application/xml", "application/x-yaml", "application/yaml"}
_MARKUP = (
    (re.compile(rb"<svg[\s>]"), "image/svg+xml"),
    (
        re.compile(
            rb"<(?:!doctype\s+html|html|head|body|script|iframe|title|meta|style|a\s|img\s|div|"
            rb"table|form|object|embed|p[\s>]|br)",
        ),
        "text/html",
    ),
    (re.compile(rb"<\?xml"), "application/xml"),
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _as_text(head: bytes) -> str | None:
    """``head`` decoded when it looks like text (no NUL bytes, valid UTF-8/UTF-16), else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start >= len(head) - 3:
            return head[: error.start].decode("utf-8", errors="strict")
    # A legacy 8-bit charset (Latin-1, Shift_JIS, GB 18030…): text when mostly printable.
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
    return head.decode("latin-1") if controls <= len(head) // 100 else None


def content_type_of(content: bytes, label: str = "") -> str:
    """The MIME type ``content`` is, whatever ``label`` claims (see the module docstring)."""
    head = bytes(content[:SNIFF_BYTES])
    label = (label or "").split(";")[0].strip().lower()
    kind = filetype.guess(head) if head else None
    if kind is not None:
        return str(kind.mime)
    text = _as_text(head)
    if text is None:
        return OCTET_STREAM
    probe = text.lstrip("\ufeff \t\r\n").lower().encode("utf-8", errors="ignore")[:2048]
    for pattern, markup in _MARKUP:
        if pattern.search(probe):
            return markup
    if label.startswith("text/") and label not in ("text/html", "text/xml"):
        return label
    if label in TEXT_LABELS:
        return label
    return "text/plain"


def store(message: Message, item: Any) -> Attachment:
    """Keep one file of ``message`` (an item with ``filename``, ``content_type``, ``size``,
    ``content`` (None when rejected), ``content_id``, ``inline``, ``rejected``, ``reason``)."""
    keep = not item.rejected and item.content is not None
    row = Attachment(
        message=message,
        filename=item.filename[:200],
        # A rejected file has no bytes to read: its label says what the sender meant to send.
        content_type=(
            content_type_of(item.content, item.content_type) if keep else item.content_type
        )[:120],
        size=item.size,
        content_id=(item.content_id or "")[:255],
        inline=item.inline,
        rejected=item.rejected,
        reason=item.reason[:300],
    )
    if keep:
        row.file.save(item.filename, ContentFile(item.content), save=False)
    row.save()
    return row


def store_all(message: Message, items: Iterable[Any] | None) -> list[Attachment]:
    return [store(message, item) for item in items or ()]
