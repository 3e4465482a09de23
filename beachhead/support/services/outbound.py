"""Outbound e-mail of the desk: public replies and satisfaction surveys.


Replies go through Django's mail backend (SMTP in production) with ``Message-ID``,
``In-Reply-To`` and ``References`` on every one, so customers' mail clients thread them under
their own message, in the customer's language. Sending is idempotent: a message is sent once
(``sent_at``), whatever the queue retries.
"""

from __future__ import annotations

from collections.abc import Callable
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beachhead.core.http import base_url
from beachhead.support.models import Message, Survey


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


def send_reply(message_pk: int) -> bool:
    """Send one public reply (once). Returns True when this call sent it."""

    def send(message: Message) -> bool:
        if not message.ticket.requester_email:
            return False
        build_reply(message).send()
        return True

    unsent = Message.objects.filter(pk=message_pk, kind=Message.Kind.REPLY, sent_at__isnull=True)
    return _send_once(unsent, "sent_at", send)


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
