"""Properties over generated input: parse_message never fails but with MailParseError, and text
in any supported charset and transfer encoding comes back as it was written."""

from __future__ import annotations

import base64
import binascii
import contextlib
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from beachhead.support.mail import MailParseError, ParsedMessage, parse_message

# (label as senders write it, the codec that label means to us, see charsets.py). Under a gb2312
# label we read Windows' cp936 (GBK): Python's own gb2312 codec disagrees with it on two dashes
# and dots (0xA1AA is — in GBK, ― in Python's gb2312), and what senders send is GBK.
CHARSETS = [
    ("utf-8", "utf-8"),
    ("gb2312", "gbk"),
    ("gbk", "gbk"),
    ("gb18030", "gb18030"),
    ("big5", "cp950"),
    ("big5-hkscs", "big5hkscs"),
    ("shift_jis", "cp932"),
    ("iso-2022-jp", "iso2022_jp"),
    ("euc-jp", "euc_jp"),
    ("euc-kr", "cp949"),
    ("ks_c_5601-1987", "cp949"),
    ("windows-1252", "cp1252"),
    ("iso-8859-1", "latin-1"),
    ("iso-8859-15", "iso8859-15"),
    ("iso-8859-2", "iso8859-2"),
    ("windows-1251", "cp1251"),
    ("koi8-r", "koi8-r"),
]
SINGLE_BYTE = {"cp1252", "latin-1", "iso8859-15", "iso8859-2", "cp1251", "koi8-r"}

_RANGES = [
    (0x20, 0x7E),
    (0xA0, 0x17F),
    (0x391, 0x3C9),
    (0x401, 0x451),
    (0x2010, 0x2030),
    (0x2460, 0x2473),
    (0x3000, 0x30FF),
    (0x4E00, 0x5A00),
    (0x9000, 0x9FA5),
    (0xAC00, 0xB200),
    (0xFF01, 0xFF5E),
]
_POOL = [chr(code) for low, high in _RANGES for code in range(low, high + 1)]


def _alphabet(codec: str) -> list[str]:
    usable = []
    for char in _POOL:
        try:
            # a few encoders map two characters to one code (cp950: ¢ and ￠); skip those
            if char.encode(codec).decode(codec) == char:
                usable.append(char)
        except UnicodeError:
            continue
    return usable + ["\n"] * 20


ALPHABETS = {codec: _alphabet(codec) for _, codec in CHARSETS}


@st.composite
def text_in_a_charset(draw, newlines: bool = True) -> tuple[str, str, str]:
    label, codec = draw(st.sampled_from(CHARSETS))
    alphabet = ALPHABETS[codec] if newlines else [c for c in ALPHABETS[codec] if c != "\n"]
    text = draw(st.text(alphabet=st.sampled_from(alphabet), max_size=200))
    return label, codec, text


def _same_as_written(text: str) -> str:
    """What parse_message promises to keep: everything but trailing space and leading blanks."""
    return text.rstrip().lstrip("\n")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise_anything_else(raw):
    outcome: ParsedMessage | MailParseError
    try:
        outcome = parse_message(raw)
    except MailParseError as error:
        outcome = error
    if isinstance(outcome, MailParseError):
        assert str(outcome).endswith(".")
    else:
        assert isinstance(outcome, ParsedMessage)


FRAGMENTS = [
    b"From: ",
    b"Subject: ",
    b"To: a@b.example, ",
    b"Date: Fri, 20 Nov 2026 10:15:12 +0900",
    b"Message-ID: <",
    b"References: <x@y> ",
    b"MIME-Version: 1.0",
    b"Content-Type: multipart/mixed; boundary=b",
    b"Content-Type: multipart/alternative; boundary=b",
    b"Content-Type: text/plain; charset=",
    b"Content-Type: text/html; charset=utf-8",
    b"Content-Type: message/rfc822",
    b"Content-Disposition: attachment; filename*0*=utf-8''%E6; filename*1*=%97",
    b"Content-Transfer-Encoding: base64",
    b"Content-Transfer-Encoding: quoted-printable",
    b"=?utf-8?B?5p2x?=",
    b"=?gb2312?Q?=C4=E3?=",
    b"=?x?B?===?=",
    b"--b",
    b"--b--",
    b"\n",
    b"\r\n",
    b"\n\n",
    b" ",
    b"<img src=http://x/y>",
    b"<script>",
    b"> quoted",
    b"On Fri, 20 Nov 2026, a <a@b> wrote:",
    b"\x1b$B",
    b"\xff\xfe",
    b"gb2312",
    b"iso-2022-jp",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=12), max_size=60).map(b"".join))
def test_mail_shaped_garbage_never_raises_anything_else(raw):
    with contextlib.suppress(MailParseError):
        parse_message(raw)


def _assume_not_utf8_lookalike(codec: str, data: bytes) -> None:
    """By design a Western label on valid UTF-8 is read as UTF-8 (the common mislabel); Latin
    text that happens to be valid UTF-8 looks like mojibake ("Ã©") anyway."""
    if codec in SINGLE_BYTE and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return
        assume(False)


@st.composite
def encoded_body(draw) -> tuple[str, str, bytes, str]:
    label, codec, text = draw(text_in_a_charset())
    data = text.encode(codec)
    _assume_not_utf8_lookalike(codec, data)
    encodings = ["8bit", "quoted-printable", "base64"] + (["7bit"] if data.isascii() else [])
    transfer = draw(st.sampled_from(encodings))
    return label, text, data, transfer


@settings(max_examples=400, deadline=None)
@given(encoded_body())
def test_body_text_survives_any_charset_and_transfer_encoding(case):
    label, text, data, transfer = case
    if transfer == "base64":
        body = base64.encodebytes(data)
    elif transfer == "quoted-printable":
        body = binascii.b2a_qp(data)
    else:
        body = data
    raw = (
        b"From: customer@example.com\nSubject: round trip\nMIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=" + label.encode() + b"\n"
        b"Content-Transfer-Encoding: " + transfer.encode() + b"\n\n" + body
    )

    parsed = parse_message(raw)

    assert parsed.text == _same_as_written(text)
    assert not [defect for defect in parsed.defects if "charset" in defect or "UTF-8" in defect]


@settings(max_examples=300, deadline=None)
@given(text_in_a_charset(newlines=False), st.sampled_from("BQ"))
def test_subject_survives_encoded_words_in_any_charset(case, encoding):
    label, codec, text = case
    data = text.encode(codec)
    _assume_not_utf8_lookalike(codec, data)
    if encoding == "B":
        word = base64.b64encode(data).decode()
    else:
        word = binascii.b2a_qp(data, header=True).decode().replace("?", "=3F")
        word = word.replace("=\n", "").replace("\t", "=09").replace(" ", "_")
    raw = f"Subject: =?{label}?{encoding}?{word}?=\n\nbody".encode()

    parsed = parse_message(raw)

    assert parsed.subject == re.sub(r"[\x00-\x20\x7f]+", " ", text).strip()
