"""Untrusted inbound mail → a clean, typed :class:`ParsedMessage` (no database, no Django).

    from beachhead.support.mail import parse_message, ParsedMessage, ParsedAttachment, MailParseError

    parsed = parse_message(raw_bytes)                       # never raises but MailParseError
    parsed.subject, parsed.from_address, parsed.text_visible, parsed.attachments, parsed.defects

The parts: :mod:`.parse` walks the MIME tree the stdlib ``email`` package splits;
:mod:`.charsets` decodes text whatever its label claims (mislabelled CJK above all);
:mod:`.headers` reads encoded, folded and broken header values; :mod:`.quotes` folds quoted
history in English, Chinese, Japanese and Korean client styles; :mod:`.sanitize` cleans HTML
with nh3 and blocks remote images until consent; :mod:`.text` holds the small text steps.
"""

from .parse import DEFAULT_MAX_ATTACHMENT_BYTES, parse_message
from .quotes import split_quoted
from .result import MailParseError, ParsedAttachment, ParsedMessage

__all__ = [
    "DEFAULT_MAX_ATTACHMENT_BYTES",
    "MailParseError",
    "ParsedAttachment",
    "ParsedMessage",
    "parse_message",
    "split_quoted",
]
