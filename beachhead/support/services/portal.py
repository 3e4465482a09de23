"""The customer's side of the desk: the public web form, the portal and its sign-in links.

Rules kept here (the pages in ``support/portal.py`` only parse input and render):

- **What a contact may see**: :func:`tickets_for_contact` is the one queryset every portal page
  reads tickets through: the tickets of the contact's account (every colleague's), or, for a
  contact of no account, only their own. :func:`public_messages` is the conversation a customer
  sees: their messages and our public replies, never internal notes.
- **Priorities**: the public web form offers normal and high only (anyone can type any address,
  so an anonymous form must not page the round-the-clock desk). Urgent is offered in the portal
  to signed-in contacts of an account (a customer under contract, whose identity the e-mail link
  proved).
- **Sign-in links**: :func:`do_send_link` answers the same whatever the address (no account
  enumeration) and does the lookup in a background job, so the answer takes the same time too.
  The job stores only the sha256 of a ``secrets.token_urlsafe(32)`` token; the link works once,
  for 30 minutes (:func:`do_sign_in` locks the row, so two clicks cannot both sign in).
- **Spam without third parties**: a honeypot field, a signed time stamp that works once (a form
  sent within 3 seconds of being shown, more than 2 hours later, or a second time, is refused)
  and per-IP / per-address rate limits (``BEACHHEAD_WEB_FORM_RATE``,
  ``BEACHHEAD_PORTAL_LINK_RATE_*``) counted in :mod:`beachhead.core.ratelimit`, which every
  process shares (Redis, else the database).
- **Times**: the customer's time zone is the contact's own, else the one their browser reported,
  else their market's; times show with the zone's city ("Tue 12 Jan 16:55, Tokyo time").
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import formataddr
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, get_timezone_location
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from beachhead.accounts.models import Contact
from beachhead.commitments.models import State
from beachhead.commitments.services import for_subject
from beachhead.core import ratelimit
from beachhead.core.http import base_url
from beachhead.core.jobs import enqueue
from beachhead.support.models import (
    CalendarChoice,
    Channel,
    Message,
    PortalToken,
    Priority,
    Status,
    Survey,
    Ticket,
)
from beachhead.support.services import tickets as ticket_services
from beachhead.support.services.sla import REPLY_KINDS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

log = logging.getLogger(__name__)

SESSION_KEY = "portal_contact_id"
TOKEN_LIFETIME = timedelta(minutes=30)
FORM_MIN_SECONDS = 3
FORM_MAX_SECONDS = 2 * 60 * 60
FORM_SALT = "beachhead.support.web_form"
# The most addresses of one person (same e-mail at several accounts) one link mail carries.
MAX_LINKS_PER_MAIL = 5

NAME_MAX = 200
SUBJECT_MAX = 300
TEXT_MAX = 20_000

PUBLIC_PRIORITIES = (Priority.NORMAL, Priority.HIGH)
CONTRACT_PRIORITIES = (Priority.NORMAL, Priority.HIGH, Priority.URGENT)


class RateLimited(Exception):
    """Too many requests from one client; the page answers 429 (``Retry-After``: seconds)."""

    def __init__(self, retry_after: int = 0):
        super().__init__(retry_after)
        self.retry_after = retry_after


# --- What a contact may see -------------------------------------------------------------------


def tickets_for_contact(contact: Contact | None) -> QuerySet[Ticket]:
    """Every ticket the contact may open in the portal: their account's (all colleagues'), or
    their own when they belong to no account. Every portal page reads tickets through this."""
    if contact is None or contact.pk is None:
        return Ticket.objects.none()
    if contact.account_id:
        return Ticket.objects.filter(account_id=contact.account_id)
    return Ticket.objects.filter(requester=contact, account__isnull=True)


def public_messages(ticket: Ticket) -> QuerySet[Message]:
    """The conversation as the customer sees it: their messages and our public replies."""
    return ticket.messages.filter(kind__in=(Message.Kind.INBOUND, Message.Kind.REPLY)).order_by(
        "created_at", "pk"
    )


def priorities_for(contact: Contact | None) -> tuple[str, ...]:
    """The priorities a requester may choose (see the module notes)."""
    if contact is not None and contact.account_id:
        return CONTRACT_PRIORITIES
    return PUBLIC_PRIORITIES


# The status as a customer reads it: what it means for them, not the desk's internal states.
CUSTOMER_STATUS: dict[str, tuple[str, StrOrPromise, str, str]] = {
    Status.NEW: ("received", gettext_lazy("Received"), "bg-blue-lt", "inbox"),
    Status.OPEN: ("in_progress", gettext_lazy("In progress"), "bg-blue-lt", "progress"),
    Status.ON_HOLD: ("in_progress", gettext_lazy("In progress"), "bg-blue-lt", "progress"),
    Status.PENDING: (
        "awaiting_you",
        gettext_lazy("Awaiting your reply"),
        "bg-yellow-lt",
        "message-question",
    ),
    Status.SOLVED: ("solved", gettext_lazy("Solved"), "bg-green-lt", "circle-check"),
    Status.CLOSED: ("closed", pgettext_lazy("ticket status", "Closed"), "bg-secondary-lt", "lock"),
}


@dataclass(frozen=True)
class CustomerStatus:
    key: str
    label: str
    css: str
    icon: str


def customer_status(ticket: Ticket) -> CustomerStatus:
    key, label, css, icon = CUSTOMER_STATUS.get(ticket.status, CUSTOMER_STATUS[Status.OPEN])
    return CustomerStatus(key, str(label), css, icon)


def can_reply(ticket: Ticket) -> bool:
    """A closed ticket stays closed: the customer opens a new request instead."""
    return ticket.status != Status.CLOSED


# --- Times in the customer's zone -------------------------------------------------------------


def valid_timezone(name: str) -> str:
    """``name`` when it is a time zone zoneinfo knows, else ``""`` (browser input)."""
    name = (name or "").strip()[:64]
    if not name or ("/" not in name and name != "UTC"):
        return ""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    return name


def customer_timezone(
    *, contact: Contact | None = None, ticket: Ticket | None = None, browser_tz: str = ""
) -> str:
    """The contact's own zone, else the browser's, else the market's (ticket, account or the
    language's market)."""
    if contact is not None and valid_timezone(contact.timezone):
        return contact.timezone
    if valid_timezone(browser_tz):
        return browser_tz
    if ticket is not None:
        return ticket.market.timezone
    if contact is not None and contact.account is not None:
        return contact.account.market.timezone
    try:
        return ticket_services.market_for(None, translation.get_language() or "en").timezone
    except ValidationError:
        return "UTC"


def _babel_locale() -> Locale:
    try:
        return Locale.parse(translation.to_locale(translation.get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        return Locale("en")


def zone_label(tz_name: str) -> str:
    """``Asia/Tokyo`` → "Tokyo time" (东京时间, 東京時間) in the active language."""
    if tz_name in ("UTC", "Etc/UTC", ""):
        return "UTC"
    city = get_timezone_location(
        zoneinfo.ZoneInfo(tz_name), locale=_babel_locale(), return_city=True
    )
    return _("%(city)s time") % {"city": city}


@dataclass(frozen=True)
class LocalTime:
    """A moment as the customer reads it: "Tue, Jan 12 16:55" and "Tokyo time"."""

    value: datetime
    text: str
    zone: str

    @property
    def iso(self) -> str:
        return self.value.isoformat()

    def __str__(self) -> str:
        return f"{self.text} ({self.zone})"


def local_time(value: datetime | None, tz_name: str) -> LocalTime | None:
    if value is None:
        return None
    tz_name = valid_timezone(tz_name) or "UTC"
    there = value.astimezone(zoneinfo.ZoneInfo(tz_name))
    locale = _babel_locale()
    now = timezone.now().astimezone(there.tzinfo)
    day = format_skeleton(
        "MMMEd" if there.year == now.year else "yMMMEd", there, locale=locale, fuzzy=True
    )
    text = f"{day} {format_skeleton('Hm', there, locale=locale)}"
    return LocalTime(there, text, zone_label(tz_name))


def first_reply_due(ticket: Ticket) -> datetime | None:
    """When the desk promised the first answer (None when no SLA policy applies)."""
    row = (
        for_subject(ticket)
        .filter(kind="first_reply", state=State.OPEN)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return row


def commitment_basis(ticket: Ticket) -> str:
    """How the promised time is counted, in words the customer understands."""
    policy = ticket.sla_policy
    if policy is None:
        return ""
    if policy.calendar == CalendarChoice.ALWAYS:
        return _("Counted around the clock, weekends and holidays included.")
    if policy.calendar == CalendarChoice.COVERAGE:
        return _("Counted in the working hours of our support teams around the world.")
    return _("Counted in business hours in %(market)s; public holidays excluded.") % {
        "market": ticket.market.name
    }


def next_answer_due(ticket: Ticket) -> datetime | None:
    """When the customer will hear from us next: the earliest running reply promise (none while
    we wait for the customer or once the ticket is solved)."""
    if ticket.status not in (Status.NEW, Status.OPEN, Status.ON_HOLD):
        return None
    return (
        for_subject(ticket)
        .filter(kind__in=REPLY_KINDS, state=State.OPEN, paused_at__isnull=True)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )


# --- Rate limits ------------------------------------------------------------------------------


def _rate(name: str) -> ratelimit.Rate:
    return ratelimit.Rate.parse(getattr(settings, name))


def web_form_wait(ip: str) -> int:
    """Seconds until the IP may send the web form again (0: it may now)."""
    hit = ratelimit.peek("form-ip", ip, _rate("BEACHHEAD_WEB_FORM_RATE"))
    return hit.retry_after if hit.exhausted else 0


def web_form_limited(ip: str) -> bool:
    return bool(web_form_wait(ip))


def count_web_form(ip: str) -> ratelimit.Hit:
    """One more form from the IP (sent, or refused as a bot's); ``.allowed`` if within."""
    return ratelimit.hit("form-ip", ip, _rate("BEACHHEAD_WEB_FORM_RATE"))


# --- The web form ------------------------------------------------------------------------------


def form_stamp(now: float | None = None) -> str:
    """A signed time stamp for the form as it is shown, with a nonce: it works once."""
    return signing.dumps(
        [time.time() if now is None else now, secrets.token_urlsafe(12)], salt=FORM_SALT
    )


def check_form_stamp(stamp: str, now: float | None = None) -> None:
    """Refuse a form sent faster than a person could fill it, long after it was shown, or with
    a stamp already used (a replayed POST): the stamp's nonce is claimed in the shared store
    for as long as the stamp could be valid."""
    now = time.time() if now is None else now
    try:
        shown_at, nonce = signing.loads(stamp or "", salt=FORM_SALT)
        shown = float(shown_at)
        nonce = str(nonce)
    except (signing.BadSignature, TypeError, ValueError):
        raise ValidationError(
            _("This form could not be checked. Please send it again."), code="invalid"
        ) from None
    elapsed = now - shown
    if elapsed < FORM_MIN_SECONDS:
        raise ValidationError(
            _("That was faster than we expected. Please check your request and send it again."),
            code="too_fast",
        )
    if elapsed > FORM_MAX_SECONDS:
        raise ValidationError(
            _("This form was open for more than two hours. Please check it and send it again."),
            code="expired",
        )
    at = datetime.fromtimestamp(now, tz=UTC)
    if not ratelimit.claim_once("form-stamp", nonce, FORM_MAX_SECONDS + 60, now=at):
        raise ValidationError(
            _("This form has already been sent. Please check your request and send it again."),
            code="used",
        )


def do_submit_web_form(
    *,
    name: str,
    email: str,
    subject: str,
    description: str,
    priority: str = Priority.NORMAL,
    language: str = "",
    company: str = "",
    ip: str = "",
    at: datetime | None = None,
) -> Ticket:
    """A request from the public form: a ticket on the web_form channel, its requester found
    or created from the address. The company a stranger types is kept as a note for the agent,
    never used to attach them to an account."""
    if priority not in PUBLIC_PRIORITIES:
        raise ValidationError(_("Choose normal or high priority."))
    if ip:
        hit = count_web_form(ip)
        if not hit.allowed:
            raise RateLimited(hit.retry_after)
    notes = ""
    if company.strip():
        notes = "Company given on the web form: " + " ".join(company.split())[:NAME_MAX]
    ticket = ticket_services.do_create_ticket(
        subject=subject,
        body_text=description,
        channel=Channel.WEB_FORM,
        priority=priority,
        requester_email=email.strip().lower(),
        requester_name=" ".join(name.split())[:NAME_MAX],
        language=language,
        notes=notes,
        at=at,
    )
    return ticket


# --- The portal: sign-in links ----------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(contact: Contact, now: datetime | None = None) -> str:
    """A new one-time token for the contact; only its hash is stored. Returns the raw token."""
    now = now or timezone.now()
    raw = secrets.token_urlsafe(32)
    PortalToken.objects.create(
        contact=contact, token_hash=hash_token(raw), created_at=now, expires_at=now + TOKEN_LIFETIME
    )
    return raw


def mail_language(contact: Contact, fallback: str = "") -> str:
    """The interface language closest to the contact's (``zh`` → ``zh-hans``)."""
    available = dict(settings.LANGUAGES)
    for value in (contact.language, fallback):
        value = (value or "").lower()
        if value in available:
            return value
        if value.startswith("zh"):
            return "zh-hans"
        if value.split("-")[0] in available:
            return value.split("-")[0]
    if contact.account is not None:
        for value in contact.account.market.languages or []:
            if value in available:
                return value
    return settings.LANGUAGE_CODE


def send_link_now(
    email: str, fallback_language: str = "", now: datetime | None = None, base: str = ""
) -> int:
    """Look the address up and, when a contact has it, mail them a sign-in link (one mail, one
    link per account when the person is a contact of several). ``base`` is the address the
    request came in on (used when ``BEACHHEAD_BASE_URL`` is unset). Returns the mails sent."""
    found = Contact.objects.select_related("account", "account__market").filter(
        email__iexact=email.strip()
    )
    # Contacts of an account first (their portal shows their colleagues' requests too).
    contacts = sorted(found.order_by("pk")[:50], key=lambda c: c.account_id is None)
    contacts = contacts[:MAX_LINKS_PER_MAIL]
    if not contacts:
        return 0
    base = (settings.BEACHHEAD_BASE_URL or "").strip().rstrip("/") or base or base_url()
    company = settings.BEACHHEAD_COMPANY_NAME
    first = contacts[0]
    with translation.override(mail_language(first, fallback_language)):
        links = [
            {
                "account": (
                    contact.account.name
                    if contact.account is not None
                    else (_("Your own requests") if len(contacts) > 1 else "")
                ),
                "url": base + reverse("support:portal_sign_in", args=[issue_token(contact, now)]),
            }
            for contact in contacts
        ]
        context = {
            "contact": first,
            "links": links,
            "company": company,
            "minutes": int(TOKEN_LIFETIME.total_seconds() // 60),
            "portal_url": base + reverse("support:portal"),
            "support_email": settings.BEACHHEAD_SUPPORT_EMAIL,
        }
        subject = _("Your sign-in link for %(company)s support") % {"company": company}
        text = render_to_string("support/email/portal_link.txt", context)
        html = render_to_string("support/email/portal_link.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=formataddr((company, settings.BEACHHEAD_SUPPORT_EMAIL)),
        to=[first.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return 1


def do_send_link(email: str, *, ip: str = "", language: str = "", base: str = "") -> None:
    """Ask for a sign-in link. The answer is the same whether the address is known or not: the
    lookup and the mail happen in a job. Too many asks for one address are dropped silently;
    too many from one client raise :class:`RateLimited`."""
    email = (email or "").strip()
    validate_email(email)
    if ip:
        hit = ratelimit.hit("portal-link-ip", ip, _rate("BEACHHEAD_PORTAL_LINK_RATE_IP"))
        if not hit.allowed:
            raise RateLimited(hit.retry_after)
    if not ratelimit.hit(
        "portal-link-address", email, _rate("BEACHHEAD_PORTAL_LINK_RATE_ADDRESS")
    ).allowed:
        log.info("portal link: too many requests for one address; not sent")
        return
    enqueue("beachhead.support.tasks.send_portal_link", email.lower(), language or "", base)


@dataclass(frozen=True)
class TokenCheck:
    state: str  # "valid", "used", "expired", "invalid"
    token: PortalToken | None = None


def check_token(raw: str, now: datetime | None = None) -> TokenCheck:
    """What a link is worth, without using it (the page before the sign-in button)."""
    now = now or timezone.now()
    row = (
        PortalToken.objects.select_related("contact", "contact__account")
        .filter(token_hash=hash_token(raw or ""))
        .first()
    )
    if row is None:
        return TokenCheck("invalid")
    if row.used_at is not None:
        return TokenCheck("used", row)
    if row.expires_at <= now:
        return TokenCheck("expired", row)
    return TokenCheck("valid", row)


@transaction.atomic
def do_sign_in(raw: str, now: datetime | None = None) -> Contact:
    """Use a link: the token is locked and marked used, so it signs in once. Raises a
    ValidationError with code ``invalid``, ``used`` or ``expired`` otherwise."""
    now = now or timezone.now()
    row = (
        PortalToken.objects.select_for_update()
        .select_related("contact")
        .filter(token_hash=hash_token(raw or ""))
        .first()
    )
    if row is None:
        raise ValidationError(_("This sign-in link is not valid."), code="invalid")
    if row.used_at is not None:
        raise ValidationError(_("This sign-in link was already used."), code="used")
    if row.expires_at <= now:
        raise ValidationError(_("This sign-in link has expired."), code="expired")
    row.used_at = now
    row.save(update_fields=["used_at"])
    return row.contact


def contact_for_session(contact_id) -> Contact | None:
    if not contact_id:
        return None
    try:
        return (
            Contact.objects.select_related("account", "account__market")
            .filter(pk=int(contact_id))
            .first()
        )
    except (TypeError, ValueError):
        return None


# --- Requests and replies from the portal ------------------------------------------------------


def do_open_request(
    contact: Contact,
    *,
    subject: str,
    description: str,
    priority: str = Priority.NORMAL,
    language: str = "",
) -> Ticket:
    if priority not in priorities_for(contact):
        raise ValidationError(_("This priority is not available to you."))
    return ticket_services.do_create_ticket(
        subject=subject,
        body_text=description,
        channel=Channel.PORTAL,
        priority=priority,
        requester=contact,
        account=contact.account,
        language=language or contact.language,
    )


def do_portal_reply(contact: Contact, ticket: Ticket, text: str) -> Message:
    """The contact answers on a ticket they may see (a pending or solved ticket opens again)."""
    if not tickets_for_contact(contact).filter(pk=ticket.pk).exists():
        raise ValidationError(_("This request is not yours."))
    if not can_reply(ticket):
        raise ValidationError(_("This request is closed. Please open a new one."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write something first."))
    return ticket_services.do_add_customer_message(
        ticket,
        text=text[:TEXT_MAX],
        channel=Channel.PORTAL,
        contact=contact,
        from_name=contact.full_name,
        from_address=contact.email,
    )


# --- Surveys -----------------------------------------------------------------------------------


def survey_for_token(token: str) -> Survey | None:
    if not token or len(token) > 64:
        return None
    return Survey.objects.select_related("ticket", "ticket__market").filter(token=token).first()
