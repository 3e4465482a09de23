"""CPython's own test e-mails (tests/mail/stdlib, PSF licence): odd and broken mail in bulk."""

from __future__ import annotations

from pathlib import Path

import pytest

from beachhead.support.mail import MailParseError, ParsedMessage, parse_message

CORPUS = sorted((Path(__file__).parent / "mail" / "stdlib").glob("msg_*.txt"))


def parse(name: str) -> ParsedMessage:
    return parse_message((Path(__file__).parent / "mail" / "stdlib" / name).read_bytes())


def test_the_corpus_is_there():
    assert len(CORPUS) == 48


@pytest.mark.parametrize("path", CORPUS, ids=[path.name for path in CORPUS])
def test_every_message_parses(path):
    try:
        parsed = parse_message(path.read_bytes())
    except MailParseError:  # allowed for what is not mail at all; none of these is
        pytest.fail(f"{path.name} was refused")
    assert isinstance(parsed.text, str)
    assert isinstance(parsed.html, str)
    assert all(isinstance(defect, str) and defect for defect in parsed.defects)
    for attachment in parsed.attachments:
        assert attachment.filename
        assert "/" not in attachment.filename
        assert attachment.rejected or attachment.size == len(attachment.content)


def test_simple_message():
    parsed = parse("msg_01.txt")

    assert parsed.subject == "This is a test message"
    assert parsed.from_address == "bbb@ddd.com"
    assert parsed.text == "Hi,\n\nDo you like this message?\n\n-Me"


def test_digest_parts_become_eml_attachments():
    parsed = parse("msg_02.txt")

    assert parsed.subject == "Ppp digest, Vol 1 #2 - 5 msgs"
    assert [a.content_type for a in parsed.attachments] == ["message/rfc822"] * 5
    assert parsed.attachments[0].filename == "[Ppp] testing #1.eml"


def test_gif_attachment():
    parsed = parse("msg_07.txt")

    [gif] = parsed.attachments
    assert (gif.filename, gif.content_type) == ("dingusfish.gif", "image/gif")
    assert gif.content.startswith(b"GIF87a")


def test_multipart_without_a_start_boundary_reads_as_text():
    parsed = parse("msg_15.txt")

    assert parsed.text == "Some removed test."
    assert any("boundary" in defect for defect in parsed.defects)


def test_bounce_is_automatic_and_keeps_its_report():
    parsed = parse("msg_16.txt")

    assert parsed.auto_submitted
    assert [a.content_type for a in parsed.attachments] == [
        "message/delivery-status",
        "message/rfc822",
    ]


def test_rfc2231_and_encoded_subjects():
    assert parse("msg_32.txt").subject == "Re: Limiting Perl CPU Utilization..."
    assert parse("msg_45.txt").attachments[0].filename == "signature.asc"
