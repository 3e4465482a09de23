"""Read header values the way mail really arrives: folded, encoded, 8-bit, or plain broken.

Why our own: ``email.header.decode_header`` and the ``default`` policy decode encoded words with
the declared charset only (so a ``gb2312`` word carrying GBK comes out as replacement
characters), and the ``default`` policy raises on some malformed headers. Here every function
takes the raw value the parser stored (``str`` with surrogate escapes for 8-bit bytes), returns a
best-effort result and never raises; what it had to repair goes into the caller's ``defects``.
"""

from __future__ import annotations

import binascii
import re
import urllib.parse
from datetime import UTC, datetime, timedelta, timezone
from email.utils import getaddresses, parsedate_tz

from .charsets import decode_bytes

__all__ = [
    "decode_header_text",
    "decode_param",
    "parse_addresses",
    "parse_content_language",
    "parse_date",
    "parse_message_id",
    "parse_message_ids",
    "parse_params",
    "to_bytes",
    "unfold",
]

MAX_ID_LENGTH = 255  # longer ids are dropped: they would not fit the desk's index anyway
MAX_REFERENCES = 100

_FOLD = re.compile(r"\r?\n(?=[ \t])")
_NEWLINES = re.compile(r"[\r\n]+")
_SPACES = re.compile(r"[\x00-\x20\x7f]+")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")
_SIMPLE_MAX = 4000  # the fast pattern backtracks on long runs of spaces: keep it to real headers
_SIMPLE_ADDRESS = re.compile(
    r'[ \t]*(?:(?:"((?:[^"\\\r\n]|\\.)*)"|([^<>",;:()\\\[\]@]*?))[ \t]*<[ \t]*'
    r'([^<>\s",;:()\\\[\]@]+@[^<>\s",;:()\\\[\]@]+)[ \t]*>'
    r'|([^<>\s",;:()\\\[\]@]+@[^<>\s",;:()\\\[\]@]+))[ \t]*(?:,|\Z)'
)
_ADDRESS = re.compile(r"[^@\s<>(),;:\"\[\]\\]+@[^@\s<>(),;:\"\[\]\\]+")
_BRACKETED = re.compile(r"<([^<>]*)>")
_ID_SPLIT = re.compile(r"[\s,;]+")
_LANGUAGE_TAG = re.compile(r"[a-z]{1,8}(?:-[a-z0-9]{1,8})*")
_PARAM = re.compile(r';[ \t]*([^\s=;"]+)[ \t]*(?:=[ \t]*("(?:[^"\\]|\\.)*"?|[^;]*))?')
_CONTINUATION = re.compile(r"([^*]+)\*(?:(\d{1,3})(\*)?)?")
_QUOTED_PAIR = re.compile(r"\\(.)")


def unfold(value: str) -> str:
    """Join a folded header value into one line (RFC 5322 unfolding)."""
    if "\n" not in value and "\r" not in value:
        return value
    return _NEWLINES.sub(" ", _FOLD.sub("", value))


def to_bytes(value: str) -> bytes:
    """The original bytes of a value the parser decoded as ASCII with surrogate escapes."""
    try:
        return value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")


def _has_8bit(value: str) -> bool:
    return not value.isascii()


def _clean_line(value: str) -> str:
    value = _SPACES.sub(" ", value).strip()
    if not value.isascii() and _SURROGATES.search(value):
        value = _SURROGATES.sub("\ufffd", value)
    return value


def _from_8bit(value: str, hint: str | None, defects: list[str] | None, what: str) -> str:
    decoded = decode_bytes(to_bytes(value), None, hint=hint)
    if decoded.charset not in ("utf-8", "ascii") and defects is not None:
        defects.append(f"{what} held raw 8-bit bytes, read as {decoded.charset}")
    return decoded.text


def _decode_b(payload: str) -> tuple[bytes, bool]:
    """Base64 from an encoded word, repairing padding and stray characters."""
    clean = _NOT_BASE64.sub("", payload)
    repaired = clean != payload.rstrip("=") or len(payload) % 4 != 0
    if len(clean) % 4 == 1:
        clean = clean[:-1]
    clean += "=" * (-len(clean) % 4)
    return binascii.a2b_base64(clean), repaired


def _decode_words(value: str, defects: list[str] | None, what: str) -> str:
    """Decode RFC 2047 encoded words; adjacent words in one charset are joined *before* decoding
    because many mailers split a multi-byte character across two words."""
    pieces: list[tuple[str | None, bytes | str]] = []
    pos = 0
    previous_was_word = False
    for match in _ENCODED_WORD.finditer(value):
        gap = value[pos : match.start()]
        pos = match.end()
        if gap and not (previous_was_word and gap.isspace()):
            pieces.append((None, gap))
        charset, encoding, payload = match.groups()
        try:
            data = _word_bytes(encoding, payload, defects, what)
        except (binascii.Error, ValueError):
            if defects is not None:
                defects.append(f"{what} had an encoded word that could not be decoded")
            pieces.append((None, match.group(0)))
            previous_was_word = False
            continue
        label = charset.split("*", 1)[0].lower()
        if pieces and previous_was_word and pieces[-1][0] == label:
            previous = pieces[-1][1]
            assert isinstance(previous, bytes)
            pieces[-1] = (label, previous + data)
        else:
            pieces.append((label, data))
        previous_was_word = True
    tail = value[pos:]
    if tail:
        pieces.append((None, tail))
    return _join_pieces(pieces, defects, what)


def _word_bytes(encoding: str, payload: str, defects: list[str] | None, what: str) -> bytes:
    """The bytes of one encoded word's payload (B: base64, repaired if damaged; Q: quoted)."""
    if encoding in "bB":
        data, repaired = _decode_b(payload)
        if repaired and defects is not None:
            defects.append(f"{what} had a damaged base64 encoded word, repaired")
        return data
    return binascii.a2b_qp(payload.encode("utf-8", "surrogateescape"), header=True)


def _join_pieces(
    pieces: list[tuple[str | None, bytes | str]], defects: list[str] | None, what: str
) -> str:
    """Plain pieces as they are, encoded ones decoded in their charset, joined."""
    out: list[str] = []
    for label, piece in pieces:
        if label is None:
            assert isinstance(piece, str)
            out.append(piece)
            continue
        assert isinstance(piece, bytes)
        decoded = decode_bytes(piece, label)
        if decoded.defect and defects is not None:
            defects.append(f"{what}: {decoded.defect}")
        out.append(decoded.text)
    return "".join(out)


def decode_header_text(
    value: str | None,
    *,
    hint: str | None = None,
    defects: list[str] | None = None,
    what: str = "a header",
) -> str:
    """Decode a header value to one clean line of text (encoded words in any charset, raw 8-bit
    bytes, folding); runs of whitespace and control characters become one space."""
    if not value:
        return ""
    value = unfold(value)
    if _has_8bit(value):
        value = _from_8bit(value, hint, defects, what)
    if "=?" in value:
        value = _decode_words(value, defects, what)
    return _clean_line(value)


def parse_addresses(
    value: str | None,
    *,
    hint: str | None = None,
    defects: list[str] | None = None,
    what: str = "an address header",
) -> list[tuple[str, str]]:
    """``[(display name, lower-cased address)]``; entries without a usable address are dropped.

    Addresses are split on the raw value and display names decoded afterwards, so an encoded
    comma in a name ("Doe=2C John") cannot split one person in two.
    """
    if not value:
        return []
    value = unfold(value)
    if _has_8bit(value):
        value = decode_bytes(to_bytes(value), None, hint=hint).text
    pairs = _simple_addresses(value) if len(value) <= _SIMPLE_MAX else None
    if pairs is None:
        try:
            pairs = getaddresses([value])
        except Exception:  # the old parser is robust, but this is untrusted input
            pairs = []
    result: list[tuple[str, str]] = []
    for name, address in pairs:
        address = address.strip().strip("<>").strip().lower()
        if not _ADDRESS.fullmatch(address):
            if (address or name) and defects is not None:
                defects.append(f"{what} held something that is not an address")
            continue
        result.append((decode_header_text(name, hint=hint, defects=defects, what=what), address))
    return result


def _simple_addresses(value: str) -> list[tuple[str, str]] | None:
    """The common shapes (``a@b``, ``Name <a@b>``, ``"Name" <a@b>``, comma-separated) without
    the stdlib's character-by-character parser; ``None`` when the value is anything else."""
    pairs: list[tuple[str, str]] = []
    position, length = 0, len(value)
    while position < length:
        match = _SIMPLE_ADDRESS.match(value, position)
        if not match:
            return None if value[position:].strip(" \t,") else pairs
        quoted, plain, bracketed, bare = match.groups()
        if bare:
            pairs.append(("", bare))
        else:
            name = _QUOTED_PAIR.sub(r"\1", quoted) if quoted is not None else plain.strip()
            pairs.append((name, bracketed))
        position = match.end()
    return pairs


def _plain_ascii(value: str) -> str:
    value = unfold(value)
    if _has_8bit(value):
        value = to_bytes(value).decode("utf-8", "replace")
    return value


def parse_message_ids(value: str | None, *, defects: list[str] | None = None) -> list[str]:
    """Message ids without brackets, in order, each once: ``<a@x> junk <b@y>`` → [a@x, b@y].

    Without any brackets, whitespace- or comma-separated tokens holding an ``@`` count.
    """
    if not value:
        return []
    value = _plain_ascii(value)
    found = ["".join(found.split()) for found in _BRACKETED.findall(value)]
    if not found:
        found = [token.strip("<>()[]\"'") for token in _ID_SPLIT.split(value) if "@" in token]
    ids: list[str] = []
    seen: set[str] = set()
    for message_id in found:
        if not message_id or message_id in seen:
            continue
        if len(message_id) > MAX_ID_LENGTH:
            if defects is not None:
                defects.append("a message id longer than 255 characters was ignored")
            continue
        seen.add(message_id)
        ids.append(message_id)
    if len(ids) > MAX_REFERENCES:
        # The first is the thread's root and the last the direct parent: keep both ends.
        ids = ids[:1] + ids[-(MAX_REFERENCES - 1) :]
    return ids


def parse_message_id(value: str | None, *, defects: list[str] | None = None) -> str:
    """The one id of a Message-ID header; a bracket-less value counts as the id itself."""
    ids = parse_message_ids(value, defects=defects)
    if ids:
        return ids[0]
    if not value:
        return ""
    tokens = _plain_ascii(value).strip().strip("<>").split()
    if tokens and len(tokens[0]) <= MAX_ID_LENGTH:
        return tokens[0]
    return ""


def parse_date(value: str | None) -> datetime | None:
    """An aware datetime from a Date header, or None; "-0000" and missing zones mean UTC."""
    if not value:
        return None
    value = _plain_ascii(value).strip()
    if not value or len(value) > 200:
        return None
    try:
        parts = parsedate_tz(value)
        if parts is not None:
            offset = parts[9] or 0
            return datetime(*parts[:6], tzinfo=timezone(timedelta(seconds=offset)))
    except (ValueError, OverflowError, TypeError, IndexError):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_content_language(value: str | None) -> str:
    """The first language of a Content-Language header as a Django language code.

    ``ja-JP`` → ``ja``; Chinese keeps its script: ``zh-TW``/``zh-HK``/``zh-Hant`` → ``zh-hant``,
    other ``zh`` → ``zh-hans``; "" when the value is not a language tag.
    """
    if not value:
        return ""
    first = _ID_SPLIT.split(_plain_ascii(value).strip().lower(), maxsplit=1)[0]
    if not _LANGUAGE_TAG.fullmatch(first):
        return ""
    primary, *rest = first.split("-")
    if primary == "zh":
        return "zh-hant" if {"hant", "tw", "hk", "mo"} & set(rest) else "zh-hans"
    if len(primary) < 2 or len(primary) > 3:
        return ""
    return primary


ParamValue = str | tuple[str, bytes]


def _unquote(raw: str) -> str:
    """A parameter value without its quotes and backslash escapes (an unclosed quote too)."""
    if raw.startswith('"'):
        raw = raw[1:-1] if len(raw) > 1 and raw.endswith('"') else raw[1:]
        raw = _QUOTED_PAIR.sub(r"\1", raw)
    return raw


def parse_params(value: str | None) -> tuple[str, dict[str, ParamValue]]:
    """Split ``type/subtype; a=1; b*=utf-8''%E2%82%AC`` into the lower-cased main value and its
    parameters. RFC 2231 values (``name*``, ``name*0*``, ``name*1`` …) come back as
    ``(charset, bytes)`` for :func:`decode_param`; plain values as strings (still raw: they may
    hold encoded words or 8-bit bytes)."""
    if not value:
        return "", {}
    value = unfold(value)
    main, _, rest = value.partition(";")
    params: dict[str, ParamValue] = {}
    segments: dict[str, list[tuple[int, bool, str]]] = {}
    for match in _PARAM.finditer(";" + rest):
        key = match.group(1).lower()
        raw = _unquote((match.group(2) or "").strip())
        continued = _CONTINUATION.fullmatch(key)
        if continued:
            name, number, star = continued.groups()
            encoded = number is None or star is not None
            segments.setdefault(name, []).append((int(number or 0), encoded, raw))
        elif key not in params:
            params[key] = raw
    for name, parts in segments.items():
        parts.sort(key=lambda part: part[0])
        if not any(encoded for _, encoded, _ in parts):
            params[name] = "".join(raw for _, _, raw in parts)
            continue
        charset = ""
        chunks: list[bytes] = []
        for index, (_, encoded, raw) in enumerate(parts):
            if index == 0 and encoded and raw.count("'") >= 2:
                charset, _, raw = raw.split("'", 2)
            if encoded:
                chunks.append(urllib.parse.unquote_to_bytes(to_bytes(raw)))
            else:
                chunks.append(to_bytes(raw))
        params[name] = (charset, b"".join(chunks))
    return main.strip().lower(), params


def decode_param(
    value: ParamValue | None,
    *,
    hint: str | None = None,
    defects: list[str] | None = None,
    what: str = "a parameter",
) -> str:
    """Text of a parameter from :func:`parse_params`, whatever way it was encoded."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        charset, data = value
        decoded = decode_bytes(data, charset or None, hint=hint)
        if decoded.defect and decoded.charset != "ascii" and defects is not None:
            defects.append(f"{what}: {decoded.defect}")
        return _clean_line(decoded.text)
    return decode_header_text(value, hint=hint, defects=defects, what=what)
