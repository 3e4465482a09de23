"""Tickets and their conversation: create, answer, note, change status, assign, update.

Only these functions write tickets and messages. Each runs in one transaction: the ticket,
its first message, routing and its SLA commitments land together or not at all.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beachhead.accounts.models import Account, Contact
from beachhead.commitments import services as ledger
from beachhead.core import events
from beachhead.core.access import Action, may, may_in_market
from beachhead.core.db import is_id
from beachhead.core.jobs import enqueue_on_commit
from beachhead.core.models import Team, User
from beachhead.core.roles import Role
from beachhead.core.states import transition
from beachhead.markets.models import Market
from beachhead.markets.services import all_markets, market_by_code, market_by_id, market_code_of
from beachhead.support import events as support_events
from beachhead.support.models import (
    PRIORITY_RANK,
    TICKET_FLOW,
    UNSOLVED_STATUSES,
    Attachment,
    Channel,
    MailDomain,
    Message,
    Priority,
    Status,
    Survey,
    Ticket,
)
from beachhead.support.services import conversation, routing, sla

# Free-mail domains never identify a company.
FREE_MAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.co.jp",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "sohu.com",
        "foxmail.com",
        "naver.com",
        "daum.net",
        "hanmail.net",
        "mail.ru",
        "yandex.ru",
        "yandex.com",
    ]
)
LANGUAGE_MARKETS = {
    "ja": "JP",
    "zh-hans": "CN",
    "zh": "CN",
    "ko": "KR",
    "de": "DE",
    "fr": "FR",
    "es": "ES",
    "it": "IT",
    "nl": "NL",
    "pt": "BR",
    "tr": "TR",
    "th": "TH",
    "vi": "VN",
    "id": "ID",
    "ar": "SA",
}
TAG_RE = re.compile(r"[^\w\-.]+", re.UNICODE)


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def normalize_tags(value: Any) -> str:
    """``"Billing, urgent  Login"`` → ``"billing login urgent"`` (unique, sorted, lower case)."""
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    words = {
        TAG_RE.sub("-", w.strip().lower()).strip("-")
        for w in re.split(r"[\s,;]+", str(value or ""))
    }
    tags = " ".join(sorted(w for w in words if w))
    if len(tags) > 300:
        raise ValidationError(_("Too many tags."))
    return tags


def _choice(value: Any, choices, label: str) -> str:
    value = str(value or "").strip().lower()
    if value not in dict(choices):
        raise ValidationError(
            _("“%(value)s” is not a valid %(field)s.") % {"value": value, "field": label}
        )
    return value


# --- Who wrote: contacts, accounts, markets ---------------------------------------------------


def account_for_address(address: str) -> Account | None:
    """The account that owns the sender's e-mail domain (``MailDomain``), if any."""
    domain = address.rpartition("@")[2].lower()
    if not domain or domain in FREE_MAIL:
        return None
    row = MailDomain.objects.select_related("account").filter(domain=domain).first()
    return row.account if row else None


def resolve_requester(
    address: str, name: str = "", *, account: Account | None = None, language: str = ""
) -> Contact | None:
    """The contact behind an e-mail address; an unknown sender becomes a contact of the account
    that owns their domain (or of the given account), or of no account."""
    address = (address or "").strip().lower()
    if not address:
        return None
    contacts = Contact.objects.select_related("account").filter(email=address)
    if account is not None:
        contact = contacts.filter(account=account).first() or None
    else:
        contact = contacts.order_by("pk").first()
    if contact is not None:
        return contact
    owner = account or account_for_address(address)
    return Contact.objects.create(
        account=owner,
        full_name=(" ".join((name or "").split()) or address.partition("@")[0])[:200],
        email=address,
        language=(language or "")[:16],
    )


def market_for(account: Account | None, language: str) -> Market:
    if account is not None:
        return market_by_id(account.market_id) or account.market
    code = LANGUAGE_MARKETS.get((language or "").lower()) or LANGUAGE_MARKETS.get(
        (language or "").lower().split("-")[0]
    )
    codes = [c for c in (code, settings.BEACHHEAD_SUPPORT_DEFAULT_MARKET) if c]
    for candidate in codes:
        market = market_by_code(candidate)
        if market is not None:
            return market
    market = next(iter(all_markets()), None)
    if market is None:
        raise ValidationError(_("No market is set up yet: run “beachhead markets sync”."))
    return market


def _language(requested: str, contact: Contact | None, market: Market) -> str:
    for value in (requested, contact.language if contact else "", *(market.languages or [])):
        if value:
            return value.lower()[:16]
    return "en"


# --- Creating tickets -------------------------------------------------------------------------


def _store_attachments(message: Message, attachments) -> None:
    for item in attachments or ():
        row = Attachment(
            message=message,
            filename=item.filename[:200],
            content_type=item.content_type[:120],
            size=item.size,
            content_id=(item.content_id or "")[:255],
            inline=item.inline,
            rejected=item.rejected,
            reason=item.reason[:300],
        )
        if not item.rejected and item.content is not None:
            row.file.save(item.filename, ContentFile(item.content), save=False)
        row.save()


@dataclass(frozen=True)
class MailHeaders:
    """What names an e-mailed message: its Message-ID, the one it answers, its References
    chain, and the key that finds it again when the same mail comes twice (None: not kept).
    Empty for the web form, the portal and the API."""

    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    dedup_key: str | None = None


NO_HEADERS = MailHeaders()


@transaction.atomic
def do_create_ticket(
    *,
    subject: str,
    body_text: str = "",
    body_html: str = "",
    body_quoted: str = "",
    channel: str = Channel.API,
    priority: str = Priority.NORMAL,
    account: Account | None = None,
    requester: Contact | None = None,
    requester_email: str = "",
    requester_name: str = "",
    language: str = "",
    tags: Any = "",
    product_version: str = "",
    actor: User | None = None,
    at: datetime | None = None,
    headers: MailHeaders = NO_HEADERS,
    notes: str = "",
    attachments=(),
) -> Ticket:
    """Open a ticket with the customer's first message, route it and start its SLA clocks.

    ``actor`` is the person who logged it (a phone call, the API); None for mail, the web form
    and the portal, where the customer is the author."""
    at = _now(at)
    subject = " ".join((subject or "").split())[:300] or _("(no subject)")
    channel = _choice(channel, Channel.choices, _("channel"))
    priority = _choice(priority, Priority.choices, _("priority"))
    account, requester = _who_asks(account, requester, requester_email, requester_name, language)
    market = market_for(account, language)
    _check_may_open(actor, account, market)
    ticket = Ticket(
        subject=subject,
        account=account,
        requester=requester,
        **_requester_fields(requester, requester_email, requester_name),
        market=market,
        channel=channel,
        language=_language(language, requester, market),
        priority=priority,
        priority_rank=PRIORITY_RANK[priority],
        tags=normalize_tags(tags),
        product_version=(product_version or "")[:40],
        created_at=at,
        updated_at=at,
        last_customer_at=at,
        message_count=1,
    )
    _route(ticket, at)
    planned = sla.plan(ticket, at)  # the ticket is written once, with its next SLA due time
    ticket.save()
    ticket.opening_message = _customer_message(
        ticket,
        channel=channel,
        author=actor,
        contact=requester,
        from_name=ticket.requester_name,
        from_address=ticket.requester_email,
        body_text=body_text,
        body_quoted=body_quoted,
        body_html=body_html,
        headers=headers,
        notes=notes,
        at=at,
        attachments=attachments,
    )
    ticket.sla_commitments = sla.start(ticket, planned, actor)
    _opened(ticket, actor, at)
    return ticket


def _who_asks(
    account: Account | None,
    requester: Contact | None,
    requester_email: str,
    requester_name: str,
    language: str,
) -> tuple[Account | None, Contact | None]:
    """The account and contact a new ticket is for: the requester's account when none is given,
    a contact found (or made) from the address when only an address is."""
    if requester is not None and account is None:
        account = requester.account
    if (
        requester is not None
        and account is not None
        and requester.account_id not in (None, account.pk)
    ):
        raise ValidationError(_("The requester is a contact of another account."))
    if requester is None and requester_email:
        requester = resolve_requester(
            requester_email, requester_name, account=account, language=language
        )
        if requester is not None:  # None for an address of only spaces
            account = account or requester.account
    return account, requester


def _requester_fields(requester: Contact | None, email: str, name: str) -> dict[str, str]:
    """Who wrote, as the ticket keeps it: the contact's address and name, else what was given
    (the name on one line)."""
    return {
        "requester_email": (requester.email if requester else email)[:254],
        "requester_name": " ".join((requester.full_name if requester else name).split())[:200],
    }


def _check_may_open(actor: User | None, account: Account | None, market: Market) -> None:
    """Someone logging a ticket (a call, the API) sees the account or covers its market."""
    if actor is not None and not (
        (account is not None and may(actor, account, Action.VIEW))
        or may_in_market(actor, Ticket, market.code)
        or actor.is_global
        or market.code in (actor.market_codes or [])
    ):
        raise PermissionDenied(_("You may not open tickets for this account."))


def _route(ticket: Ticket, at: datetime) -> None:
    """An agent on shift who speaks the customer's language, else a team."""
    decision = routing.route(ticket, at)
    ticket.assignee, ticket.team, ticket.routing_note = (
        decision.assignee,
        decision.team,
        decision.note,
    )
    if ticket.team is None and ticket.assignee is None:
        ticket.team = _fallback_team()


def _opened(ticket: Ticket, actor: User | None, at: datetime) -> None:
    """The ticket's opening on the event stream."""
    events.emit(
        support_events.TICKET_CREATED,
        subject=ticket,
        actor=actor,
        customer=_customer(ticket),
        data={
            "channel": ticket.channel,
            "priority": ticket.priority,
            "status": ticket.status,
            "assignee": ticket.assignee_id,
            "team": ticket.team_id,
        },
        at=at,
        market_code=ticket.market.code,
    )


def _customer(ticket: Ticket) -> tuple[str, int] | None:
    """The account a ticket's events are about, without loading it."""
    return ("accounts.Account", ticket.account_id) if ticket.account_id else None


def _history(ticket: Ticket, kind: str, actor: User | None, at: datetime, **data: Any) -> None:
    """A line of the ticket's history on the event stream."""
    events.emit(
        kind,
        subject=ticket,
        actor=actor,
        customer=_customer(ticket),
        data=data,
        at=at,
        market_code=market_code_of(ticket.market_id) or "",
    )


def _customer_message(
    ticket: Ticket,
    *,
    at: datetime,
    headers: MailHeaders,
    attachments=(),
    from_name: str = "",
    from_address: str = "",
    **fields: Any,
) -> Message:
    """Store what the customer wrote (the first message of a ticket or a later one)."""
    message = Message.objects.create(
        ticket=ticket,
        kind=Message.Kind.INBOUND,
        from_name=from_name[:200],
        from_address=from_address[:254],
        message_id=headers.message_id[:255],
        in_reply_to=headers.in_reply_to[:255],
        references=headers.references,
        dedup_key=headers.dedup_key,
        language=ticket.language,
        created_at=at,
        **fields,
    )
    _store_attachments(message, attachments)
    return message


def _fallback_team() -> Team:
    """A desk with no teams yet still needs someone to hold promises: create the desk team."""
    team, _created = Team.objects.get_or_create(name="Support desk")
    return team


# --- The conversation -------------------------------------------------------------------------


def _require_change(ticket: Ticket, user: User) -> None:
    if not may(user, ticket, Action.CHANGE):
        raise PermissionDenied(_("You may not change this ticket."))


def _thread_headers(ticket: Ticket) -> tuple[str, str]:
    """In-Reply-To and References for our next mail on this ticket: answer the newest message
    that has a Message-ID, and carry the chain (capped, as mail clients do)."""
    last = (
        Message.objects.filter(ticket=ticket)
        .exclude(message_id="")
        .exclude(kind=Message.Kind.NOTE)
        .order_by("-created_at", "-pk")
        .values_list("message_id", "references")
        .first()
    )
    if not last:
        return "", ""
    parent, chain = last
    ids = [*chain.split(), parent]
    if len(ids) > 20:
        ids = ids[:1] + ids[-19:]
    return parent, " ".join(ids)


def mail_domain() -> str:
    return settings.BEACHHEAD_SUPPORT_EMAIL.rpartition("@")[2].strip(">") or "localhost"


@transaction.atomic
def do_reply(
    ticket: Ticket,
    user: User,
    text: str,
    *,
    public: bool = True,
    html: str = "",
    status: str | None = None,
    follow_up_at: datetime | None = None,
    attachments=(),
    at: datetime | None = None,
) -> Message:
    """Answer the customer (a public reply, sent by e-mail after commit) or write an internal
    note. A public reply keeps the reply promises; ``status`` changes the ticket in the same
    step (pending pauses the clocks, solved keeps the resolution promise); ``follow_up_at``
    records "I will follow up by …" as a follow_up commitment. Only the roles that read
    internal notes may write one (``conversation``)."""
    at = _now(at)
    _require_change(ticket, user)
    if not public:
        conversation.check_may_write_note(user)
    text, html = _reply_body(text, html)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    message = _agent_message(ticket, user, text, html, public, at)
    _store_attachments(message, attachments)
    fields = ["updated_at", "message_count"]
    ticket.updated_at = at
    ticket.message_count += 1
    if public:
        fields += _answered(ticket, at)
        if ticket.status == Status.NEW and status is None:
            status = Status.OPEN
        sla.on_public_reply(ticket, at, user)
        if ticket.requester_email:
            enqueue_on_commit("beachhead.support.tasks.send_reply", message.pk)
    if ticket.assignee_id is None and user.role == Role.SUPPORT_AGENT:
        ticket.assignee = user
        fields.append("assignee")
        sla.on_reassigned(ticket, user, at)
    ticket.save(update_fields=fields)
    if status and status != ticket.status:
        _set_status(ticket, user, status, at)
    if follow_up_at is not None:
        do_promise_follow_up(ticket, user, follow_up_at, at=at)
    sla.refresh_due(ticket)
    return message


def _reply_body(text: str, html: str) -> tuple[str, str]:
    """The reply's text, and its HTML sanitised whatever the caller (pages show it as markup);
    an empty reply is refused."""
    text = (text or "").strip()
    if not text and not html:
        raise ValidationError(_("Write something first."))
    if html:
        from beachhead.support.mail.sanitize import sanitize_html

        html = sanitize_html(html).html
    return text, html


def _agent_message(
    ticket: Ticket, user: User, text: str, html: str, public: bool, at: datetime
) -> Message:
    """A public reply (threaded by e-mail) or an internal note."""
    in_reply_to, references = _thread_headers(ticket) if public else ("", "")
    return Message.objects.create(
        ticket=ticket,
        kind=Message.Kind.REPLY if public else Message.Kind.NOTE,
        channel=Channel.EMAIL if public else ticket.channel,
        author=user,
        from_name=user.display_name,
        body_text=text,
        body_html=html,
        message_id=make_msgid(domain=mail_domain())[1:-1] if public else "",
        in_reply_to=in_reply_to,
        references=references,
        language=ticket.language,
        created_at=at,
    )


def _answered(ticket: Ticket, at: datetime) -> list[str]:
    """The ticket was answered at ``at``: the fields that changed."""
    ticket.last_reply_at = at
    if ticket.first_replied_at is not None:
        return ["last_reply_at"]
    ticket.first_replied_at = at
    return ["last_reply_at", "first_replied_at"]


@transaction.atomic
def do_add_customer_message(
    ticket: Ticket,
    *,
    text: str,
    html: str = "",
    quoted: str = "",
    channel: str = Channel.EMAIL,
    contact: Contact | None = None,
    from_name: str = "",
    from_address: str = "",
    headers: MailHeaders = NO_HEADERS,
    notes: str = "",
    attachments=(),
    at: datetime | None = None,
    locked: bool = False,
) -> Message:
    """The customer wrote again: the message joins the ticket, a pending or solved ticket opens
    again (its clocks run again) and the desk owes the next reply. ``locked``: the caller read
    ``ticket`` with ``select_for_update`` in this transaction already."""
    at = _now(at)
    if not locked:
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("A closed ticket cannot change; the customer can open a new one."))
    message = _customer_message(
        ticket,
        channel=channel,
        author=None,
        contact=contact,
        from_name=from_name,
        from_address=from_address,
        body_text=text,
        body_quoted=quoted,
        body_html=html,
        headers=headers,
        notes=notes,
        at=at,
        attachments=attachments,
    )
    ticket.updated_at = at
    ticket.last_customer_at = at
    ticket.message_count += 1
    # Not audited fields: a plain UPDATE (a model save would have the audit log read the row).
    Ticket.objects.filter(pk=ticket.pk).update(
        updated_at=at, last_customer_at=at, message_count=ticket.message_count
    )
    reopened = _reopen(ticket, at)
    if sla.on_customer_message(ticket, at) is not None or reopened:
        sla.refresh_due(ticket)
    return message


def _reopen(ticket: Ticket, at: datetime) -> bool:
    """A pending or solved ticket the customer wrote to opens again (its clocks run again);
    one write, one audit entry, no actor. True when it moved."""
    if ticket.status not in (Status.PENDING, Status.SOLVED):
        return False
    if ticket.status == Status.PENDING:
        sla.resume(ticket, at)
    also = {"solved_at": None} if ticket.status == Status.SOLVED else {}
    transition(ticket, Status.OPEN, machine=TICKET_FLOW, at=at, also=also, locked=True)
    return True


# --- Status, assignment, fields ---------------------------------------------------------------


def _set_status(ticket: Ticket, user: User | None, status: str, at: datetime) -> None:
    """Move a ticket the caller holds locked to ``status`` (``TICKET_FLOW``): the SLA clocks
    pause, run again or end with it, and the move is a ``support.ticket_status_changed``
    event."""
    status = _choice(status, Status.choices, _("status"))
    before = ticket.status
    if before == status:
        return
    if before == Status.CLOSED:
        raise ValidationError(_("A closed ticket cannot change; the customer can open a new one."))
    TICKET_FLOW.check(ticket, status)
    if before == Status.PENDING:
        sla.resume(ticket, at, user)
    if status == Status.PENDING:
        sla.pause(ticket, at, user)
    also: dict[str, Any] = {"updated_at": at}
    if status in (Status.SOLVED, Status.CLOSED) and before not in (Status.SOLVED, Status.CLOSED):
        sla.on_solved(ticket, at, user)
        also["solved_at"] = at
        _send_survey(ticket, at)
    elif before == Status.SOLVED and status in UNSOLVED_STATUSES:
        also["solved_at"] = None
    transition(ticket, status, machine=TICKET_FLOW, actor=user, at=at, also=also, locked=True)
    sla.refresh_due(ticket)


@transaction.atomic
def do_set_status(ticket: Ticket, user: User, status: str, *, at: datetime | None = None):
    _require_change(ticket, user)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _set_status(ticket, user, status, _now(at))
    return ticket


@transaction.atomic
def do_assign(
    ticket: Ticket, user: User, *, assignee: User | None, team: Team | None = None
) -> Ticket:
    _require_change(ticket, user)
    if assignee is not None and not assignee.is_active:
        raise ValidationError(_("%(name)s is not active.") % {"name": assignee})
    ticket = Ticket.objects.select_for_update().select_related("market").get(pk=ticket.pk)
    if assignee is not None and not (
        assignee.is_global or ticket.market.code in (assignee.market_codes or [])
    ):
        # The assignee owns the ticket (and sees it): only someone who covers its market.
        raise ValidationError(
            _("%(name)s does not cover %(market)s.")
            % {"name": assignee, "market": ticket.market.code}
        )
    before = {"assignee": ticket.assignee_id, "team": ticket.team_id}
    ticket.assignee = assignee
    if team is not None:
        ticket.team = team
    if ticket.assignee is None and ticket.team is None:
        ticket.team = routing.market_team(ticket.market.code) or _fallback_team()
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["assignee", "team", "updated_at"])
    sla.on_reassigned(ticket, user)
    after = {"assignee": ticket.assignee_id, "team": ticket.team_id}
    if after != before:
        _history(
            ticket,
            support_events.TICKET_ASSIGNED,
            user,
            ticket.updated_at,
            before=before,
            after=after,
        )
    return ticket


EDITABLE = ("subject", "priority", "tags", "product_version", "status", "assignee")


@transaction.atomic
def do_update_ticket(
    ticket: Ticket, user: User, changes: dict[str, Any], *, at: datetime | None = None
) -> list[str]:
    """Change simple fields (inline edit, the API). A new priority re-applies the SLA policy:
    open promises are re-made with the new targets from their original start. ``at``: when
    (now if None)."""
    _require_change(ticket, user)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    changed = _set_plain_fields(ticket, changes)
    now = _now(at)
    if "priority" in changes:
        priority = _choice(changes["priority"], Priority.choices, _("priority"))
        if priority != ticket.priority:
            ticket.priority = priority
            ticket.priority_rank = PRIORITY_RANK[priority]
            changed += ["priority", "priority_rank"]
            ticket.save(update_fields=changed)
            _reapply_policy(ticket, user, now)
    if changed:
        ticket.updated_at = now
        ticket.save(update_fields=[*changed, "updated_at"])
        _history(ticket, support_events.TICKET_UPDATED, user, now, fields=sorted(set(changed)))
    if "assignee" in changes:
        value = changes["assignee"]
        assignee = value if isinstance(value, User) or value is None else _user(value)
        do_assign(ticket, user, assignee=assignee)
        changed.append("assignee")
    if "status" in changes:
        _set_status(ticket, user, changes["status"], now)
        changed.append("status")
    return changed


def _set_plain_fields(ticket: Ticket, changes: dict[str, Any]) -> list[str]:
    """Subject, tags and product version from ``changes``, cleaned; the fields set."""
    changed = []
    if "subject" in changes:
        subject = " ".join(str(changes["subject"] or "").split())[:300]
        if not subject:
            raise ValidationError(_("A ticket needs a subject."))
        ticket.subject = subject
        changed.append("subject")
    if "tags" in changes:
        ticket.tags = normalize_tags(changes["tags"])
        changed.append("tags")
    if "product_version" in changes:
        ticket.product_version = str(changes["product_version"] or "")[:40]
        changed.append("product_version")
    return changed


def _user(value: Any) -> User:
    text = str(value)
    if not (text.isascii() and text.isdigit()):
        found = User.objects.filter(username=value, is_active=True).first()
    elif is_id(text):  # digits that fit an id column
        found = User.objects.filter(pk=int(text), is_active=True).first()
    else:
        found = None
    if found is None:
        raise ValidationError(_("No active user “%(value)s”.") % {"value": value})
    return found


def _reapply_policy(ticket: Ticket, user: User, at: datetime) -> None:
    ticket.sla_policy = sla.policy_for(ticket)
    ticket.save(update_fields=["sla_policy"])
    policy = ticket.sla_policy
    for commitment in sla.open_commitments(ticket):
        ledger.do_cancel(commitment, at=at, actor=user, reason="priority changed")
        if policy is None:
            continue
        minutes = getattr(policy, f"{commitment.kind}_minutes", None)
        if minutes:
            made = sla.promise(ticket, commitment.kind, minutes, commitment.started_at, user)
            if made is not None and commitment.paused_at is not None:
                # Pending on the customer: the new promise's clock stands still from the same
                # moment, and runs again when the old one would have.
                ledger.do_pause(made, at=commitment.paused_at, actor=user)
    if (
        policy
        and ticket.priority == Priority.URGENT
        and ticket.is_unsolved
        and not sla.open_commitments(ticket, ("periodic_update",)).exists()
    ):
        made = sla.promise(ticket, "periodic_update", policy.periodic_update_minutes, at, user)
        if made is not None and ticket.status == Status.PENDING:
            ledger.do_pause(made, at=at, actor=user)
    sla.refresh_due(ticket)


@transaction.atomic
def do_promise_follow_up(
    ticket: Ticket, user: User, by: datetime, *, at: datetime | None = None
) -> Any:
    """ "I will follow up by …": a follow_up commitment of the agent, due at that moment."""
    at = _now(at)
    _require_change(ticket, user)
    if timezone.is_naive(by):
        raise ValidationError(_("Times must carry a time zone."))
    if by <= at:
        raise ValidationError(_("A follow-up must be in the future."))
    commitment = sla.promise_about(
        ticket, "follow_up", calendar="24x7", target=by - at, owner=user, at=at, actor=user
    )
    sla.refresh_due(ticket)
    return commitment


# --- Satisfaction -----------------------------------------------------------------------------


def _send_survey(ticket: Ticket, at: datetime) -> None:
    if not ticket.requester_email or Survey.objects.filter(ticket=ticket).exists():
        return
    survey = Survey.objects.create(ticket=ticket, token=secrets.token_urlsafe(24), sent_at=at)
    enqueue_on_commit("beachhead.support.tasks.send_survey", survey.pk)


@transaction.atomic
def do_answer_survey(
    token: str, rating: str, comment: str = "", *, at: datetime | None = None
) -> Survey:
    at = _now(at)
    survey = Survey.objects.select_for_update().select_related("ticket").filter(token=token).first()
    if survey is None:
        raise ValidationError(_("This survey link is not valid."))
    if rating not in ("good", "bad"):
        raise ValidationError(_("Choose good or bad."))
    if survey.sent_at < at - timedelta(days=60):
        raise ValidationError(_("This survey has closed."))
    survey.rating = rating
    survey.comment = (comment or "").strip()[:2000]
    survey.answered_at = at
    survey.save(update_fields=["rating", "comment", "answered_at"])
    Ticket.objects.filter(pk=survey.ticket_id).update(satisfaction=rating)
    return survey
