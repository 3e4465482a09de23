"""Who reads what of a ticket's conversation: the one place that applies the internal-notes rule.

Internal notes are read (and written) only by the roles allowed ``SupportOperation.READ_NOTES``
(``support.roles``); everyone else who sees a ticket sees its customer conversation — what the
customer wrote and what we answered — and nothing of the notes, not even that there are any.
The ticket page, the messages API, the attachments of a message, the customer timeline and the
reply services all read messages through these helpers, so the rule lives here once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from beachhead.core.access import scoped
from beachhead.core.roles import can
from beachhead.support.models import Attachment, Message, Ticket
from beachhead.support.roles import SupportOperation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from beachhead.core.models import User


def may_read_notes(user: User | AnonymousUser | None) -> bool:
    """True when ``user``'s role reads (and writes) internal notes."""
    return can(user, SupportOperation.READ_NOTES)


def check_may_write_note(user: User | None) -> None:
    """A role that cannot read notes cannot add one."""
    if user is not None and not may_read_notes(user):
        raise PermissionDenied(_("Your role does not see internal notes, so it cannot add one."))


def readable(messages: QuerySet[Message], user: User | AnonymousUser | None) -> QuerySet[Message]:
    """``messages`` without the internal notes, unless ``user`` may read notes. The caller has
    already scoped the rows (a ticket the user sees, or ``scoped(Message, user)``)."""
    if may_read_notes(user):
        return messages
    return messages.exclude(kind=Message.Kind.NOTE)


def messages_of(ticket: Ticket, user: User | AnonymousUser | None) -> QuerySet[Message]:
    """The conversation of a ticket the caller already found through the access layer."""
    return readable(Message.objects.filter(ticket_id=ticket.pk), user)


def customer_messages(account_id: int, user: User) -> QuerySet[Message]:
    """Messages of an account's tickets that ``user`` may read (the customer timeline)."""
    tickets = scoped(Ticket, user).filter(account_id=account_id).values("pk")
    return readable(Message.objects.filter(ticket_id__in=tickets), user)


def readable_attachment(pk: int, user: User) -> Attachment | None:
    """An attachment of a message ``user`` may read (its ticket in scope; a note's only for
    those who read notes), else None."""
    item = Attachment.objects.select_related("message").filter(pk=pk).first()
    if item is None:
        return None
    message = item.message
    if not scoped(Ticket, user).filter(pk=message.ticket_id).exists():
        return None
    if message.kind == Message.Kind.NOTE and not may_read_notes(user):
        return None
    return item
