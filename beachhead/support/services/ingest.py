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
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from beachhead.accounts.models import Contact
from beachhead.support.models import Channel, InboundMail, Message, Status, Ticket
from beachhead.support.services import routing, tickets

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


def _thread_ids(parsed: ParsedMessage) -> list[str]:
    return [i[:255] for i in [*parsed.in_reply_to, *reversed(parsed.references)] if i][:50]


def _thread(parsed: ParsedMessage, known: dict[str, tuple] | None = None) -> Ticket | None:
    """The ticket this mail answers. ``known``: Message-ID → (created_at, ticket id) of every
    message the headers of a batch name (read in one query), else one query here."""
    ids = _thread_ids(parsed)
    if ids:
        if known is None:
            found = (
                Message.objects.filter(message_id__in=ids)
                .order_by("-created_at")
                .values_list("ticket_id", flat=True)
                .first()
            )
        else:
            hits = [known[i] for i in ids if i in known]
            found = max(hits, key=lambda hit: hit[0])[1] if hits else None
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
    if ticket.account is None:
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
    ready, rejection = _prepare(raw, source)
    if ready is None:
        error, parsed = rejection
        return _reject(raw, source, error, parsed)
    parsed, key = ready
    return _duplicate(key) or _store(parsed, key)


def _duplicate(key: str) -> IngestResult | None:
    """The answer for a mail already stored under ``key``, if it is."""
    existing = Message.objects.filter(dedup_key=key).values_list("ticket_id", "pk").first()
    if existing:
        return IngestResult("duplicate", ticket=existing[0], message=existing[1])
    return None


def _store(
    parsed: ParsedMessage,
    key: str,
    known: dict[str, tuple] | None = None,
    contacts: dict[str, Contact] | None = None,
) -> IngestResult:
    """Write one parsed mail. ``known`` and ``contacts``: what a batch read ahead (the messages
    its headers name; the first contact of each sender address), else read here. Another
    worker storing the same message a moment ago (the unique key refuses the second) makes it
    a duplicate."""
    at = timezone.now()
    address = (parsed.from_address or "").strip().lower()
    contact = (contacts or {}).get(address)
    headers = tickets.MailHeaders(
        message_id=parsed.message_id[:255],
        in_reply_to=(parsed.in_reply_to[0] if parsed.in_reply_to else "")[:255],
        references=" ".join(parsed.references)[:10000],
        dedup_key=key,
    )
    common: dict[str, Any] = {
        "headers": headers,
        "notes": _notes(parsed),
        "attachments": parsed.attachments,
        "at": at,
    }
    try:
        with transaction.atomic():
            ticket = _thread(parsed, known)
            if ticket is not None and ticket.status == Status.CLOSED:
                # A closed ticket stays closed (as in the portal): the mail starts a new one.
                ticket = None
            if ticket is not None:
                return _append(ticket, parsed, contact, common)
            created = _open(parsed, contact, common)
            if contacts is not None and created.requester is not None:
                contacts.setdefault(address, created.requester)  # the next mail of this sender
            return IngestResult("created", ticket=created.pk, message=created.opening_message.pk)
    except IntegrityError:
        duplicate = _duplicate(key)
        if duplicate is None:
            raise
        return duplicate


def _append(
    ticket: Ticket, parsed: ParsedMessage, contact: Contact | None, common: dict[str, Any]
) -> IngestResult:
    """The mail answers ``ticket`` (locked by the threading query): it joins it."""
    if contact is None:
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


def _open(parsed: ParsedMessage, contact: Contact | None, common: dict[str, Any]) -> Ticket:
    """The mail starts a ticket (its sender found or made from the address when unknown)."""
    return tickets.do_create_ticket(
        subject=parsed.subject,
        body_text=parsed.text_visible,
        body_html=parsed.html,
        body_quoted=parsed.text_quoted,
        channel=Channel.EMAIL,
        requester=contact,
        requester_email=parsed.from_address,
        requester_name=parsed.from_name,
        language=parsed.language_hint,
        **common,
    )


#: Mails written in one transaction by ``ingest_many`` (SQLite holds its write lock that long:
#: about 5 ms a mail, so a quarter of a second).
BATCH = 50


def ingest_many(
    mails: Iterable[tuple[bytes, str]], *, batch: int = BATCH
) -> Iterator[IngestResult]:
    """``ingest`` for many mails, ``(raw bytes, source)`` each: the same result for each, in
    order, yielded once its batch is committed (a mailbox marks them read only then).

    A batch is parsed first, then written in one transaction: one query finds the duplicates
    of the whole batch, one the messages its headers answer, routing counts each agent's load
    once (``routing.counting_loads``), and one commit ends it. Each mail is written in its own
    savepoint: one that fails is rejected or raised alone, the others of its batch stand."""
    chunk: list[tuple[bytes, str]] = []
    for item in mails:
        chunk.append(item)
        if len(chunk) >= batch:
            yield from _ingest_batch(chunk)
            chunk = []
    if chunk:
        yield from _ingest_batch(chunk)


def _prepare(raw: bytes, source: str):
    """(parsed, key) for a mail that can be stored, else its rejection (written later)."""
    from beachhead.support.mail import MailParseError, parse_message

    limit = settings.BEACHHEAD_MAIL_MAX_BYTES
    if len(raw) > limit:
        error = f"The message is {len(raw):,} bytes; the limit is {limit:,} bytes."
        return None, (error, _header_block(raw))
    try:
        parsed = parse_message(
            raw, max_attachment_bytes=settings.BEACHHEAD_MAIL_MAX_ATTACHMENT_BYTES
        )
    except MailParseError as exc:
        return None, (str(exc), None)
    if not parsed.from_address:
        return None, ("The message has no sender address to answer.", parsed)
    return (parsed, dedup_key(parsed)), None


def _ingest_batch(chunk: list[tuple[bytes, str]]) -> list[IngestResult]:
    prepared = [_prepare(raw, source) for raw, source in chunk]
    keys = [p[0][1] for p in prepared if p[0]]
    ids = sorted({i for p in prepared if p[0] for i in _thread_ids(p[0][0])})
    results: list[IngestResult] = []
    with transaction.atomic(), routing.counting_loads():
        stored: dict[str | None, tuple[int | None, int | None]] = {
            key: (ticket_id, pk)
            for key, ticket_id, pk in Message.objects.filter(dedup_key__in=keys).values_list(
                "dedup_key", "ticket_id", "pk"
            )
        }
        # The first contact of each sender (as ``tickets.resolve_requester`` picks it).
        contacts: dict[str, Contact] = {}
        addresses = {p[0][0].from_address.strip().lower() for p in prepared if p[0]}
        for contact in (
            Contact.objects.select_related("account")
            .filter(email__in=sorted(addresses))
            .order_by("-pk")
        ):
            contacts[contact.email] = contact
        known: dict[str, tuple] = {}
        for i in range(0, len(ids), 500):
            for mid, created, ticket_id in Message.objects.filter(
                message_id__in=ids[i : i + 500]
            ).values_list("message_id", "created_at", "ticket_id"):
                if mid not in known or created > known[mid][0]:
                    known[mid] = (created, ticket_id)
        for (raw, source), (ready, rejection) in zip(chunk, prepared, strict=True):
            if ready is None:
                error, parsed = rejection
                results.append(_reject(raw, source, error, parsed))
                continue
            parsed, key = ready
            if key in stored:
                stored_ticket, stored_message = stored[key]
                results.append(
                    IngestResult("duplicate", ticket=stored_ticket, message=stored_message)
                )
                continue
            result = _store(parsed, key, known, contacts)  # in its own savepoint
            stored[key] = (result.ticket, result.message)
            if parsed.message_id:
                known[parsed.message_id[:255]] = (timezone.now(), result.ticket)
            results.append(result)
    return results


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
