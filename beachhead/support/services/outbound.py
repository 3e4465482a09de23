"""Outbound e-mail of the desk: public replies and satisfaction surveys.


Replies go through Django's mail backend (SMTP in production) with ``Message-ID``,
``In-Reply-To`` and ``References`` on every one, so customers' mail clients thread them under
their own message, in the customer's language. Sending is idempotent: a message is sent once
(``sent_at``), whatever the queue retries.

A reply that cannot be sent is never left silently unsent:

- a **permanent** failure — the server answers 5xx (``RCPT TO`` refused with 550, a rejected
  sender or body) or the stored address is not one (CR/LF, ``a@b@c``, checked before any
  connection) — marks the message failed at once (``failed_at``, ``failure_reason``);
- a **temporary** one — the server is down or refuses the connection, a 4xx answer, a dropped
  connection — counts a try and sets ``next_send_at`` with back-off; the periodic job
  ``support.send_retries`` tries again when it is due, ``MAX_SEND_ATTEMPTS`` times in all, and
  then the message fails with the last reason.

A failure for good is a ``support.reply_failed`` event in the same transaction, which tells the
ticket's assignee and the reply's author in their inbox; the ticket page shows "Not delivered"
with the reason and a Retry button (``do_retry_send``: idempotent, it re-queues only a failed
reply).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beachhead.core import events
from beachhead.core.access import Action, may
from beachhead.core.http import base_url
from beachhead.core.jobs import enqueue_on_commit
from beachhead.markets.services import market_code_of
from beachhead.support import events as support_events
from beachhead.support.models import Message, Survey

if TYPE_CHECKING:
    from beachhead.core.models import User

logger = logging.getLogger("beachhead.support.mail")

#: A reply is tried this many times in all before a temporary failure becomes its failure.
MAX_SEND_ATTEMPTS = 5
#: At most this many due retries per run of the periodic job.
RETRY_BATCH = 100
SEND_JOB = "beachhead.support.tasks.send_reply"


def mail_language(code: str) -> str:
    """The interface language nearest the ticket's (``zh-cn`` → ``zh-hans``, ``ja-jp`` → ``ja``);
    one we have no catalogue for (``ko``, ``de``) → the default, never a half-translated mail."""
    try:
        return translation.get_supported_language_variant((code or "").lower())
    except LookupError:
        return settings.LANGUAGE_CODE


def _one_line(value: str) -> str:
    """A header value from customer input on one line (CR/LF would fail every send)."""
    return " ".join(str(value or "").split())


def _brackets(ids: str) -> str:
    return " ".join(f"<{i}>" for i in ids.split() if i)


def reply_subject(subject: str, reference: str) -> str:
    base = _one_line(subject)
    if not base.lower().startswith(("re:", "aw:", "回复:", "回复：", "答复:")):
        base = f"Re: {base}"
    if reference not in base:
        base = f"{base} {reference}"
    return base


def build_reply(message: Message) -> EmailMultiAlternatives:
    ticket = message.ticket
    company = settings.BEACHHEAD_COMPANY_NAME
    support = settings.BEACHHEAD_SUPPORT_EMAIL
    with translation.override(mail_language(ticket.language)):
        context = {
            "message": message,
            "ticket": ticket,
            "company": company,
            "portal_url": base_url() + reverse("support:portal"),
        }
        text = render_to_string("support/email/reply.txt", context)
        html = render_to_string("support/email/reply.html", context)
        sender = formataddr(
            (
                _one_line(
                    _("%(agent)s at %(company)s") % {"agent": message.from_name, "company": company}
                ),
                support,
            )
        )
    headers = {"Message-ID": f"<{message.message_id}>"}
    if message.in_reply_to:
        headers["In-Reply-To"] = f"<{message.in_reply_to}>"
    if message.references:
        headers["References"] = _brackets(message.references)
    email = EmailMultiAlternatives(
        subject=reply_subject(ticket.subject, ticket.reference),
        body=text,
        from_email=sender,
        to=[formataddr((_one_line(ticket.requester_name), ticket.requester_email))],
        reply_to=[support],
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    for attachment in message.attachments.filter(rejected=False):
        with attachment.file.open("rb") as fh:
            email.attach(attachment.filename, fh.read(), attachment.content_type or None)
    return email


def _send_once(unsent: QuerySet, stamp: str, send: Callable[[Any], bool | None]) -> bool:
    """Lock the row that ``unsent`` finds (with its ticket), ``send`` it and set its ``stamp``
    field to now, in one transaction: a retried job finds it sent. False when there is no such
    row or ``send`` returns False (it sent nothing)."""
    with transaction.atomic():
        row = unsent.select_for_update().select_related("ticket").first()
        if row is None or send(row) is False:
            return False
        unsent.model.objects.filter(pk=row.pk).update(**{stamp: timezone.now()})
    return True


@dataclass(frozen=True)
class SendFailure:
    """Why a send failed, and whether trying again could help."""

    reason: str
    permanent: bool


def backoff(attempts: int) -> timedelta:
    """After the n-th failed try: 1, 2, 4, 8 … minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def check_address(address: str) -> None:
    """Refuse a stored address no mail server should be handed (CR/LF, two ``@``, no domain):
    the input checks refuse them now, but older rows may hold one."""
    if any(c in address for c in "\r\n\0") or address != address.strip():
        raise ValidationError(_("the address has line breaks or spaces in it"))
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(
            _("“%(address)s” is not a valid e-mail address") % {"address": address}
        ) from None


def _smtp_reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}".strip()


def classify(exc: BaseException) -> SendFailure:
    """A send's exception as a failure: 5xx answers and addresses the mail system refuses are
    permanent; connection errors, timeouts and 4xx answers are temporary."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values()) or [(550, b"")]
        permanent = all(code >= 500 for code, _text in answers)
        reason = "; ".join(_smtp_reply(code, text) for code, text in answers)
        return SendFailure(reason or _("the server refused the recipient"), permanent)
    if isinstance(exc, smtplib.SMTPResponseException):  # sender, data, connect, auth answers
        return SendFailure(_smtp_reply(exc.smtp_code, exc.smtp_error), exc.smtp_code >= 500)
    if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):  # refused, timed out, DNS
        return SendFailure(
            _("the mail server could not be reached (%(error)s)")
            % {"error": str(exc) or type(exc).__name__},
            False,
        )
    if isinstance(exc, smtplib.SMTPException):
        return SendFailure(str(exc) or type(exc).__name__, False)
    # ValueError, UnicodeError: an address or header the mail library refuses.
    return SendFailure(str(exc) or type(exc).__name__, True)


def _failed(message: Message, failure: SendFailure, now: datetime) -> None:
    """Count the try; fail the message for good (and say so) when the failure is permanent or
    the tries are used up, else set when the next one is due. In the caller's transaction,
    with the row locked."""
    attempts = message.send_attempts + 1
    reason = failure.reason[:500]
    if not failure.permanent and attempts < MAX_SEND_ATTEMPTS:
        Message.objects.filter(pk=message.pk).update(
            send_attempts=attempts, next_send_at=now + backoff(attempts), failure_reason=reason
        )
        logger.warning("reply %s: try %s failed, will retry: %s", message.pk, attempts, reason)
        return
    Message.objects.filter(pk=message.pk).update(
        send_attempts=attempts, next_send_at=None, failed_at=now, failure_reason=reason
    )
    logger.warning("reply %s not delivered: %s", message.pk, reason)
    ticket = message.ticket
    events.emit(
        support_events.REPLY_FAILED,
        subject=ticket,
        customer=("accounts.Account", ticket.account_id) if ticket.account_id else None,
        data={
            "message": message.pk,
            "reason": reason,
            "permanent": failure.permanent,
            "attempts": attempts,
            "address": ticket.requester_email,
            "assignee": ticket.assignee_id,
            "author": message.author_id,
        },
        at=now,
        market_code=market_code_of(ticket.market_id) or "",
    )


def send_reply(message_pk: int, *, now: datetime | None = None) -> bool:
    """Send one public reply (once). Returns True when this call sent it. A failure is
    recorded on the message (``_failed``), never raised: the queue has nothing to retry, the
    message says what happens next."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.filter(
                pk=message_pk,
                kind=Message.Kind.REPLY,
                sent_at__isnull=True,
                failed_at__isnull=True,
            )
            .select_for_update()
            .select_related("ticket")
            .first()
        )
        if message is None or not message.ticket.requester_email:
            return False
        if message.next_send_at is not None and message.next_send_at > now:
            return False  # a retry that is not due yet
        try:
            check_address(message.ticket.requester_email)
            email = build_reply(message)
        except ValidationError as exc:
            _failed(message, SendFailure(" ".join(exc.messages), True), now)
            return False
        except (OSError, ValueError) as exc:  # an attachment gone from storage
            _failed(message, SendFailure(str(exc) or type(exc).__name__, True), now)
            return False
        try:
            email.send()
        except (smtplib.SMTPException, OSError, ValueError, UnicodeError) as exc:
            _failed(message, classify(exc), now)
            return False
        Message.objects.filter(pk=message.pk).update(
            sent_at=timezone.now(),
            send_attempts=message.send_attempts + 1,
            next_send_at=None,
            failure_reason="",
        )
    return True


def send_due(now: datetime | None = None) -> int:
    """Try again the replies whose next try is due (the periodic job); returns how many went."""
    now = now or timezone.now()
    ids = list(
        Message.objects.filter(
            next_send_at__lte=now,
            kind=Message.Kind.REPLY,
            sent_at__isnull=True,
            failed_at__isnull=True,
        )
        .order_by("next_send_at", "pk")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    return sum(1 for pk in ids if send_reply(pk, now=now))


def do_retry_send(message: Message, user: User, *, at: datetime | None = None) -> bool:
    """Queue a reply that was not delivered once more (the Retry button). Idempotent: only a
    failed reply is queued, so a second click, or two people at once, queue it once. True
    when this call queued it."""
    if not may(user, message.ticket, Action.CHANGE):
        raise PermissionDenied(_("You may not change this ticket."))
    at = at or timezone.now()
    with transaction.atomic():
        flipped = Message.objects.filter(
            pk=message.pk, kind=Message.Kind.REPLY, failed_at__isnull=False, sent_at__isnull=True
        ).update(failed_at=None, next_send_at=None, send_attempts=0, failure_reason="")
        if not flipped:
            return False
        ticket = message.ticket
        events.emit(
            support_events.REPLY_RETRIED,
            subject=ticket,
            actor=user,
            customer=("accounts.Account", ticket.account_id) if ticket.account_id else None,
            data={"message": message.pk},
            at=at,
            market_code=market_code_of(ticket.market_id) or "",
        )
        enqueue_on_commit(SEND_JOB, message.pk)
    return True


def send_survey(survey_pk: int) -> bool:
    """E-mail the satisfaction question (once: a retried job finds it sent)."""
    unsent = Survey.objects.filter(pk=survey_pk, emailed_at__isnull=True, answered_at__isnull=True)
    return _send_once(unsent, "emailed_at", _send_survey_mail)


def _send_survey_mail(survey: Survey) -> None:
    ticket = survey.ticket
    base = base_url()
    with translation.override(mail_language(ticket.language)):
        context = {
            "ticket": ticket,
            "company": settings.BEACHHEAD_COMPANY_NAME,
            "good_url": base + reverse("support:survey", args=[survey.token]) + "?rating=good",
            "bad_url": base + reverse("support:survey", args=[survey.token]) + "?rating=bad",
        }
        subject = _("How did we do? %(reference)s") % {"reference": ticket.reference}
        text = render_to_string("support/email/survey.txt", context)
        html = render_to_string("support/email/survey.html", context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=formataddr((settings.BEACHHEAD_COMPANY_NAME, settings.BEACHHEAD_SUPPORT_EMAIL)),
        to=[formataddr((_one_line(ticket.requester_name), ticket.requester_email))],
        headers={"Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(html, "text/html")
    email.send()
