"""What parsing a mail gives back: plain, typed values the desk can store as they are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["MailParseError", "ParsedAttachment", "ParsedMessage"]


class MailParseError(Exception):
    """The input cannot be read as an e-mail at all (empty, not bytes, binary without headers).

    Everything short of that yields a best-effort :class:`ParsedMessage` with ``defects``.
    """


@dataclass(frozen=True, slots=True)
class ParsedAttachment:
    """One attached (or inline) file.

    ``content`` is ``None`` when ``rejected``; ``reason`` then says why in a sentence for people.
    ``size`` is the decoded size in bytes (estimated from the encoded length when rejected).
    ``inline`` parts are shown in the body, normally through ``cid:`` + ``content_id``.
    """

    filename: str
    content_type: str
    size: int
    content: bytes | None
    content_id: str = ""
    inline: bool = False
    rejected: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """A mail as the support desk needs it; see :func:`beachhead.support.mail.parse_message`."""

    message_id: str
    fingerprint: str
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    reply_to_address: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    date: datetime | None = None
    language_hint: str = ""
    text: str = ""
    text_visible: str = ""
    text_quoted: str = ""
    html: str = ""
    remote_images_blocked: int = 0
    attachments: list[ParsedAttachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    auto_submitted: bool = False
    defects: list[str] = field(default_factory=list)
