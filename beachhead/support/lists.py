"""The ticket list as a saved-views source: queues are saved views (my open tickets, a team's
urgent tickets, a market's pending ones), with filters on related fields, group-by, a kanban by
status, exports and inline edit through the desk's own service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from beachhead.accounts.lists import ACCOUNT_ID, ACCOUNT_ID_COLUMN
from beachhead.accounts.models import Tier
from beachhead.commitments.lists import MARKET_CHOICES
from beachhead.core.access import scoped
from beachhead.core.db import is_id
from beachhead.core.localise import language_label
from beachhead.core.templatetags.beachhead import when
from beachhead.markets.services import market_by_code
from beachhead.savedviews.params import Choice, Codes, Id, Person, Search, Text
from beachhead.savedviews.registry import Column, ListSource
from beachhead.support.models import UNSOLVED_STATUSES, Channel, Priority, Status, Ticket
from beachhead.support.services import tickets as ticket_services
from beachhead.support.templatetags.support import priority_badge, status_badge

if TYPE_CHECKING:
    from beachhead.core.models import User


def ticket_rows(user: User):
    return scoped(Ticket, user).select_related("account", "market", "assignee", "team", "requester")


def _status(value, row):
    return status_badge(value), str(dict(Status.choices).get(value, value))


def _priority(value, row):
    return priority_badge(value), str(dict(Priority.choices).get(value, value))


def _language(value, row):
    """The customer's language, named in the reader's ("Japanese", 日语), never as a code."""
    label = language_label(value) if value else ""
    return (label or "—"), label


def _due(value, row):
    """The next SLA due time with its health: red once overdue, amber from the promise's
    warning time (an icon and a word with each colour), the customer's local time on hover."""
    if value is None:
        return "—", ""
    now = timezone.now()
    warn = getattr(row, "sla_warn_at", None) or value
    if value <= now:
        css, icon, word = "text-red", "circle-x", pgettext("commitment health", "Broken")
    elif warn <= now:
        css, icon, word = "text-yellow", "alert-triangle", pgettext("commitment health", "At risk")
    else:
        css, icon, word = "text-green", "clock", pgettext("commitment health", "On track")
    zones = (row.market.timezones or [""]) if row is not None and row.market_id else [""]
    return (
        format_html(
            '<span class="{}"><i class="ti ti-{} me-1" aria-label="{}"></i></span>{}',
            css,
            icon,
            word,
            when(value, zones[0], relative=True),
        ),
        "",
    )


def update_ticket(ticket: Ticket, path: str, value, user: User) -> None:
    field = {"assignee_id": "assignee"}.get(path, path)
    try:
        ticket_services.do_update_ticket(ticket, user, {field: value})
    except PermissionDenied as exc:
        raise ValidationError(str(exc)) from None


def _in_markets(codes: list[str], user) -> Q:
    """By id, from memory: no join, and one market reads its index range in order."""
    found = [market_by_code(code) for code in codes]
    return Q(market_id__in=sorted(m.pk for m in found if m is not None))


def _tagged(tag: str, user) -> Q:
    """Whole words of the space-separated tag field."""
    return (
        Q(tags=tag)
        | Q(tags__startswith=f"{tag} ")
        | Q(tags__endswith=f" {tag}")
        | Q(tags__contains=f" {tag} ")
    )


def _search(text: str, user) -> Q:
    """A ticket number (``#42``) or text in the subject; else text in the requester's e-mail."""
    if is_id(text.lstrip("#")):
        return Q(pk=int(text.lstrip("#"))) | Q(subject__icontains=text)
    return Q(subject__icontains=text) | Q(requester_email__icontains=text)


TICKETS = ListSource(
    key="tickets",
    label=_("Tickets"),
    model=Ticket,
    queryset=ticket_rows,
    columns=(
        Column("id", _("Number"), "number", width="5rem"),
        Column("subject", pgettext_lazy("ticket", "Subject"), editable=True, width="22rem"),
        Column(
            "status",
            _("Status"),
            "choice",
            Status.choices,
            groupable=True,
            editable=True,
            render=_status,
        ),
        Column(
            "priority",
            _("Priority"),
            "choice",
            Priority.choices,
            groupable=True,
            editable=True,
            render=_priority,
        ),
        Column("account__legal_name", _("Account")),
        ACCOUNT_ID_COLUMN,
        Column("account__tier", _("Tier"), "choice", Tier.choices, groupable=True),
        Column("requester_name", _("Requester")),
        Column("requester_email", _("Requester e-mail")),
        Column("market__code", _("Market"), "choice", choices=MARKET_CHOICES, groupable=True),
        Column("channel", _("Channel"), "choice", Channel.choices, groupable=True),
        Column("language", _("Language"), groupable=True, render=_language),
        Column("assignee", _("Assignee"), "user", groupable=True, editable=True),
        Column("team__name", _("Team"), groupable=True),
        Column("tags", _("Tags"), editable=True),
        Column("product_version", _("Product version"), editable=True),
        Column("sla_due_at", _("Next SLA due"), "datetime", render=_due),
        Column(
            "satisfaction",
            _("Satisfaction"),
            "choice",
            [("good", _("Good")), ("bad", _("Bad"))],
            groupable=True,
        ),
        Column("message_count", _("Messages"), "number"),
        Column("created_at", _("Created"), "datetime"),
        Column("updated_at", _("Updated"), "datetime"),
    ),
    default_columns=(
        "id",
        "subject",
        "status",
        "priority",
        "account__legal_name",
        "assignee",
        "sla_due_at",
        "updated_at",
    ),
    default_sort="-updated_at",
    kanban_path="status",
    title_path="subject",
    detail_url=lambda obj: obj.get_absolute_url(),
    update=update_ticket,
    search_paths=("subject", "requester_email"),
    empty_text=_(
        "Customer requests from e-mail, the web form, the portal, the API and phone calls, "
        "each with its SLA promises."
    ),
    create_url=lambda: reverse("support:create"),
    icon="lifebuoy",
    card_columns=("priority", "account__legal_name", "sla_due_at"),
    params=(
        Choice("status", "status", Status, aliases={"unsolved": UNSOLVED_STATUSES}),
        Choice("priority", "priority", Priority),
        Choice("channel", "channel", Channel),
        Codes("market", "market__code", checked=False, q=_in_markets),
        ACCOUNT_ID,
        Id("team", "team_id"),
        Person("assignee", "assignee"),
        Text("tag", "tags", op="contains", lower=True, q=_tagged),
        Search("q", q=_search),
    ),
)

SOURCES = (TICKETS,)
