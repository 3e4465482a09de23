"""Inbound e-mail: raw RFC 822 bytes → a new ticket, or a message on the ticket it answers.

One function, ``ingest``, serves the ``beachhead mail ingest`` command, the IMAP poller and the
raw-MIME HTTP endpoint, and answers with the same result each time:
``{"ticket": id, "message": id, "result": "created" | "appended" | "duplicate" | "rejected",
"error": ...}``.

- The same message never creates a second message: its Message-ID (or, when it has none, the
  hash of its bytes) is a unique key on ``Message``; a repeat answers "duplicate".
- Threading: In-Reply-To and References first (one indexed query), then a ``[#123]`` reference
  in the subject, accepted only from the ticket's requester or a contact of its account (a
  number in a subject is easy to guess).
- A message that cannot be read is kept whole as an ``InboundMail`` (raw bytes on disk, the
  error in words) for an admin to read and retry — never dropped.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from beachhead.support.models import Channel, InboundMail, Message, Status, Ticket
from beachhead.support.services import tickets

if TYPE_CHECKING:
    from beachhead.support.mail import ParsedMessage

logger = logging.getLogger("beachhead.support.mail")
REFERENCE_RE = re.compile(r"\[#(\d{1,12})\]")


@dataclass
class IngestResult:
    result: str  # created | appended | duplicate | rejected
    ticket: int | None = None
    message: int | None = None
    error: str | None = None
    file: str | None = None

    def as_dict(self) -> dict:
        data = asdict(self)
        if data["file"] is None:
            data.pop("file")
        return data


def dedup_key(parsed: ParsedMessage) -> str:
    if parsed.message_id:
        key = f"mid:{parsed.message_id}"
        if len(key) <= 255:
            return key
        return "mid#" + hashlib.sha256(parsed.message_id.encode()).hexdigest()
    return f"sha:{parsed.fingerprint}"


def _thread(parsed: ParsedMessage) -> Ticket | None:
    ids = [i for i in [*parsed.in_reply_to, *reversed(parsed.references)] if i][:50]
    if ids:
        found = (
            Message.objects.filter(message_id__in=[i[:255] for i in ids])
            .order_by("-created_at")
            .values_list("ticket_id", flat=True)
            .first()
        )
        if found:
            # Locked here: the message is added under this lock (no second read).
            return Ticket.objects.select_for_update().get(pk=found)
    match = REFERENCE_RE.search(parsed.subject)
    if match:
        ticket = (
            Ticket.objects.select_related("market", "account", "requester")
            .filter(pk=int(match.group(1)))
            .first()
        )
        if ticket is not None and _may_write_to(ticket, parsed.from_address):
            return Ticket.objects.select_for_update().get(pk=ticket.pk)
    return None


def _may_write_to(ticket: Ticket, address: str) -> bool:
    if not address:
        return False
    if ticket.requester_email and ticket.requester_email.lower() == address:
        return True
    if ticket.account_id is None:
        return False
    return ticket.account.contacts.filter(email=address).exists()


def _notes(parsed: ParsedMessage) -> str:
    notes = list(parsed.defects)
    if parsed.remote_images_blocked:
        notes.append(f"{parsed.remote_images_blocked} remote image(s) not loaded")
    if parsed.auto_submitted:
        notes.append("automatic message (auto-reply or bulk)")
    return "\n".join(notes)[:4000]


def _reject(raw: bytes, source: str, error: str, parsed: ParsedMessage | None = None):
    fingerprint = hashlib.sha256(raw).hexdigest()
    with transaction.atomic():
        item = InboundMail.objects.filter(fingerprint=fingerprint).first()
        if item is None:
            item = InboundMail(
                fingerprint=fingerprint,
                source=source[:200],
                size=len(raw),
                subject=(parsed.subject if parsed else "")[:300],
                from_address=(parsed.from_address if parsed else "")[:254],
                error=error,
            )
            item.raw.save(f"{fingerprint}.eml", ContentFile(raw), save=False)
            item.save()
    logger.warning("Rejected inbound mail %s from %s: %s", fingerprint[:12], source, error)
    return IngestResult("rejected", error=error)


def _header_block(raw: bytes) -> ParsedMessage | None:
    """Sender and subject of a mail too big to parse whole, for the admin's list."""
    from beachhead.support.mail import MailParseError, parse_message

    head = raw[:65536]
    ends = [i for i in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if i >= 0]
    try:
        return parse_message(head[: min(ends, default=len(head))] + b"\n\n")
    except MailParseError:
        return None


def ingest(raw: bytes, *, source: str = "") -> IngestResult:
    """Turn one raw e-mail into a ticket or a message (see the module docstring)."""
    from beachhead.support.mail import MailParseError, parse_message

    limit = settings.BEACHHEAD_MAIL_MAX_BYTES
    if len(raw) > limit:
        return _reject(
            raw,
            source,
            f"The message is {len(raw):,} bytes; the limit is {limit:,} bytes.",
            _header_block(raw),
        )
    try:
        parsed = parse_message(
            raw, max_attachment_bytes=settings.BEACHHEAD_MAIL_MAX_ATTACHMENT_BYTES
        )
    except MailParseError as exc:
        return _reject(raw, source, str(exc))
    if not parsed.from_address:
        return _reject(raw, source, "The message has no sender address to answer.", parsed)
    key = dedup_key(parsed)
    existing = Message.objects.filter(dedup_key=key).values_list("ticket_id", "pk").first()
    if existing:
        return IngestResult("duplicate", ticket=existing[0], message=existing[1])
    try:
        return _store(parsed, key)
    except IntegrityError:
        # Another worker stored the same message a moment ago.
        existing = Message.objects.filter(dedup_key=key).values_list("ticket_id", "pk").first()
        if existing:
            return IngestResult("duplicate", ticket=existing[0], message=existing[1])
        raise


def _store(parsed: ParsedMessage, key: str) -> IngestResult:
    at = timezone.now()
    common = {
        "message_id": parsed.message_id[:255],
        "in_reply_to": (parsed.in_reply_to[0] if parsed.in_reply_to else "")[:255],
        "references": " ".join(parsed.references)[:10000],
        "dedup_key": key,
        "notes": _notes(parsed),
        "attachments": parsed.attachments,
        "at": at,
    }
    with transaction.atomic():
        ticket = _thread(parsed)
        if ticket is not None and ticket.status == Status.CLOSED:
            # A closed ticket stays closed (as in the portal): the mail starts a new one.
            ticket = None
        if ticket is not None:
            contact = tickets.resolve_requester(
                parsed.from_address, parsed.from_name, language=parsed.language_hint
            )
            message = tickets.do_add_customer_message(
                ticket,
                text=parsed.text_visible,
                html=parsed.html,
                quoted=parsed.text_quoted,
                channel=Channel.EMAIL,
                contact=contact,
                from_name=parsed.from_name,
                from_address=parsed.from_address,
                locked=True,
                **common,
            )
            return IngestResult("appended", ticket=ticket.pk, message=message.pk)
        ticket = tickets.do_create_ticket(
            subject=parsed.subject,
            body_text=parsed.text_visible,
            body_html=parsed.html,
            body_quoted=parsed.text_quoted,
            channel=Channel.EMAIL,
            requester_email=parsed.from_address,
            requester_name=parsed.from_name,
            language=parsed.language_hint,
            **common,
        )
        return IngestResult("created", ticket=ticket.pk, message=ticket.opening_message.pk)


def retry(item: InboundMail) -> IngestResult:
    """Run a rejected mail through ingest again (after a fix or a higher limit). The item is
    marked retried and linked to its ticket; rejected again, the new error replaces it."""
    with item.raw.open("rb") as fh:
        raw = fh.read()
    with transaction.atomic():
        # Out of the way first, so a second rejection records the new error in a fresh item.
        InboundMail.objects.filter(pk=item.pk).update(
            status=InboundMail.Status.RETRIED,
            retried_at=timezone.now(),
            fingerprint=f"retried-{item.pk}",
        )
        result = ingest(raw, source=item.source)
        if result.result == "rejected":
            InboundMail.objects.filter(pk=item.pk).delete()
        else:
            InboundMail.objects.filter(pk=item.pk).update(ticket_id=result.ticket)
    return result
