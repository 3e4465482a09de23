"""Agent pages of the support desk: the ticket list (served by saved views), a ticket with its
conversation, SLA promises and customer panel, the reply and properties forms (htmx), logging
a ticket, the desk overview, team health and the rejected-mail pages for admins.

Views are thin: rows come through the access layer (a ticket the user may not see is a 404),
changes through ``services/`` (one call each), and the services' errors come back onto forms.
"""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beachhead.accounts.models import Account, Contact
from beachhead.commitments.models import Commitment, State
from beachhead.core import timeline
from beachhead.core.access import Action, may, scoped
from beachhead.core.http import AuthedRequest, base_url
from beachhead.core.localise import language_key, local_name, zone_city
from beachhead.core.models import Team, User
from beachhead.core.roles import Role, can, operation_required
from beachhead.savedviews import params
from beachhead.support import lists
from beachhead.support.forms import PropertiesForm, ReplyForm, TicketForm
from beachhead.support.models import (
    UNSOLVED_STATUSES,
    Attachment,
    InboundMail,
    Message,
    Priority,
    ReplyTemplate,
    Status,
    TeamAlert,
    Ticket,
)
from beachhead.support.roles import SupportOperation
from beachhead.support.services import alerts, ingest, outbound, routing
from beachhead.support.services import desk as desk_numbers
from beachhead.support.services import tickets as services
from beachhead.support.services.conversation import (
    may_read_notes,
    messages_of,
    readable_attachment,
)
from beachhead.support.services.reply_templates import fill_placeholders
from beachhead.support.services.sla import SLA_KINDS

#: At most this many rows of each kind on a ticket's page.
PAGE_MESSAGES = 300
PAGE_CUSTOMER_PROMISES = 8
PAGE_TIMELINE = 10
PAGE_QUEUE = 200
#: The desk's "at risk or broken now" table.
PAGE_AT_RISK = 20
#: What the rejected-mail page shows of the raw source.
RAW_PREVIEW_BYTES = 20 * 1024
#: Roles that work tickets (the assignee select offers them when they cover the market).
DESK_ROLES = (Role.SUPPORT_AGENT, Role.REGIONAL_MANAGER, Role.CUSTOMER_SUCCESS)


# --- The list ----------------------------------------------------------------------------------


@login_required
@require_GET
def ticket_list(request: AuthedRequest) -> HttpResponse:
    """``/lists/tickets/`` with our query parameters as saved-view filters."""
    return redirect(params.list_url(lists.TICKETS, request.GET))


# --- A ticket ----------------------------------------------------------------------------------


def _ticket_or_404(user: User, pk: int) -> Ticket:
    return get_object_or_404(
        scoped(Ticket, user).select_related(
            "market",
            "account",
            "account__market",
            "account__owner",
            "account__csm",
            "requester",
            "assignee",
            "team",
            "sla_policy",
        ),
        pk=pk,
    )


def _customer_tz(ticket: Ticket) -> str:
    """Where the customer is: the requester's own zone when known, else the market's."""
    if ticket.requester_id and ticket.requester and ticket.requester.timezone:
        return ticket.requester.timezone
    return ticket.market.timezone


def _assignees(ticket: Ticket) -> list[User]:
    """Active people of the desk's roles who cover the ticket's market (and whoever holds it)."""
    code = ticket.market.code
    people = [
        u
        for u in User.objects.filter(is_active=True, role__in=DESK_ROLES).order_by(
            "first_name", "last_name", "username"
        )
        if code in (u.market_codes or [])
    ]
    if ticket.assignee is not None and ticket.assignee_id not in {u.pk for u in people}:
        people.insert(0, ticket.assignee)
    return people


def _commitments(ticket: Ticket, user: User, now) -> tuple[list[Commitment], list[Commitment]]:
    """The promises about this ticket the user may see: the open ones (soonest due first) and
    the rest (newest first); cancelled ones are left out."""
    rows = list(
        Commitment.objects.visible_to(user)
        .filter(
            subject_type=ContentType.objects.get_for_model(Ticket),
            subject_id=str(ticket.pk),
        )
        .exclude(state=State.CANCELLED)
        .select_related("owner", "team", "market")
        .order_by("due_at", "pk")
    )
    for row in rows:
        row.health_now = row.health(now)
    opened = [r for r in rows if r.state == State.OPEN]
    done = sorted(
        (r for r in rows if r.state != State.OPEN),
        key=lambda r: r.resolved_at or r.broken_at or r.due_at,
        reverse=True,
    )
    return opened, done


def _customer_promises(ticket: Ticket, user: User, now) -> list[Commitment]:
    """The customer's other open promises (any pillar), soonest first."""
    if ticket.account_id is None:
        return []
    rows = list(
        Commitment.objects.visible_to(user)
        .filter(
            customer_type=ContentType.objects.get_for_model(Account),
            customer_id=str(ticket.account_id),
            state=State.OPEN,
        )
        .exclude(subject_type=ContentType.objects.get_for_model(Ticket), subject_id=str(ticket.pk))
        .select_related("owner", "team", "market")
        .order_by("due_at", "pk")[:PAGE_CUSTOMER_PROMISES]
    )
    for row in rows:
        row.health_now = row.health(now)
    return rows


def _queue_neighbours(ticket: Ticket, user: User) -> tuple[int | None, int | None]:
    """The previous and next ticket of the viewer's queue (assigned to them, unsolved, soonest
    SLA first) for the j / k shortcuts; one query on the assignee index."""
    queue = list(
        scoped(Ticket, user)
        .filter(assignee_id=user.pk, status__in=UNSOLVED_STATUSES)
        .order_by("sla_due_at", "pk")
        .values_list("pk", flat=True)[:PAGE_QUEUE]
    )
    if ticket.pk not in queue:
        return None, queue[0] if queue else None
    at = queue.index(ticket.pk)
    return (queue[at - 1] if at > 0 else None), (queue[at + 1] if at + 1 < len(queue) else None)


def _properties_form(ticket: Ticket, data=None) -> PropertiesForm:
    return PropertiesForm(
        data,
        assignees=_assignees(ticket),
        initial={
            "status": ticket.status,
            "priority": ticket.priority,
            "assignee": str(ticket.assignee_id or ""),
            "tags": ticket.tags,
            "product_version": ticket.product_version,
        },
        prefix="props",
    )


def _panel_context(request: AuthedRequest, ticket: Ticket, **extra) -> dict:
    """What the header badges, the SLA card and the properties card need."""
    now = timezone.now()
    opened, done = _commitments(ticket, request.user, now)
    context = {
        "ticket": ticket,
        "now": now,
        "customer_tz": _customer_tz(ticket),
        "can_change": may(request.user, ticket, Action.CHANGE),
        "can_write_notes": may_read_notes(request.user),
        "open_commitments": opened,
        "done_commitments": done,
        "next_due": next((c for c in opened if not c.paused_at), None),
        "routing_note": _(ticket.routing_note) if ticket.routing_note else "",
    }
    if "properties_form" not in extra:
        context["properties_form"] = _properties_form(ticket)
    context.update(extra)
    return context


def _conversation(ticket: Ticket, user: User) -> tuple[list[Message], int]:
    """The newest ``PAGE_MESSAGES`` messages the user may read (internal notes only for the
    roles that read them), oldest first, with authors and attachments (three queries however
    long the conversation)."""
    readable = messages_of(ticket, user)
    rows = list(
        readable.select_related("author", "contact")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("-created_at", "-pk")[: PAGE_MESSAGES + 1]
    )
    hidden = 0
    if len(rows) > PAGE_MESSAGES:
        total = ticket.message_count if may_read_notes(user) else readable.count()
        hidden = max(0, total - PAGE_MESSAGES)
    return list(reversed(rows[:PAGE_MESSAGES])), hidden


def _timeline(ticket: Ticket, user: User) -> list:
    """The customer's timeline, without the ledger's entries: this ticket's promises are in the
    promises card and the customer's other open ones in the card above the timeline; nor the
    messages, which the conversation beside it shows."""
    if ticket.account_id is None:
        return []
    keys = {s.key for s in timeline.sources() if s.key not in ("commitments", "messages")}
    return timeline.timeline(ticket.account, user, limit=PAGE_TIMELINE, only=keys)


def _reply_form(data=None, **initial) -> ReplyForm:
    return ReplyForm(data, initial={"kind": "reply", **initial}, prefix="reply")


def _errors(form) -> str:
    """A form's errors as one line (for a message after a redirect)."""
    return " ".join(str(m) for messages_ in form.errors.values() for m in messages_)


@login_required
@require_GET
def ticket(request: AuthedRequest, pk: int) -> HttpResponse:
    """A ticket: the conversation oldest first and the reply box on the left; the promises,
    the properties, the customer and their timeline on the right."""
    user = request.user
    ticket = _ticket_or_404(user, pk)
    conversation, hidden = _conversation(ticket, user)
    previous, following = _queue_neighbours(ticket, user)
    context = _panel_context(
        request,
        ticket,
        conversation=conversation,
        hidden_messages=hidden,
        reply_form=_reply_form(),
        templates=_template_picker(ticket),
        customer_promises=_customer_promises(ticket, user, timezone.now()),
        timeline=_timeline(ticket, user),
        previous_ticket=previous,
        next_ticket=following,
    )
    return render(request, "support/ticket.html", context)


@login_required
@require_POST
def reply(request: AuthedRequest, pk: int) -> HttpResponse:
    """Send a public reply or add an internal note (htmx: the reply box comes back, and the
    conversation, promises and properties are swapped out of band)."""
    ticket = _ticket_or_404(request.user, pk)
    form = _reply_form(request.POST)
    sent = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.do_reply(
                ticket,
                request.user,
                data["body"],
                public=form.public,
                status=data.get("status_after") or None,
                follow_up_at=data.get("follow_up_at"),
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_service_errors(exc)
    if not request.htmx:
        if sent is not None:
            messages.success(request, _("Reply sent.") if sent.is_public else _("Note added."))
        else:
            messages.error(request, _errors(form))
        return redirect(ticket)
    if sent is None:
        return render(
            request,
            "support/partials/reply_box.html",
            {
                "ticket": ticket,
                "reply_form": form,
                "templates": _template_picker(ticket),
                "can_change": True,
                "can_write_notes": may_read_notes(request.user),
            },
        )
    ticket = _ticket_or_404(request.user, pk)
    conversation, hidden = _conversation(ticket, request.user)
    context = _panel_context(
        request,
        ticket,
        conversation=conversation,
        hidden_messages=hidden,
        reply_form=_reply_form(kind="note" if not sent.is_public else "reply"),
        templates=_template_picker(ticket),
        sent=sent,
    )
    response = render(request, "support/partials/reply_done.html", context)
    response["HX-Trigger"] = "ticketChanged"
    return response


@login_required
@require_POST
def retry_send(request: AuthedRequest, pk: int, message: int) -> HttpResponse:
    """Queue a reply that was not delivered once more (the message's Retry button)."""
    ticket = _ticket_or_404(request.user, pk)
    found = get_object_or_404(
        messages_of(ticket, request.user).filter(kind=Message.Kind.REPLY), pk=message
    )
    found.ticket = ticket
    if outbound.do_retry_send(found, request.user):
        messages.success(request, _("The reply is queued to be sent again."))
    else:
        messages.info(request, _("This reply is not waiting for a retry."))
    return redirect(reverse("support:ticket", args=[ticket.pk]) + f"#message-{found.pk}")


@login_required
@require_POST
def properties(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change priority, status, assignee, tags or product version (one service call)."""
    ticket = _ticket_or_404(request.user, pk)
    form = _properties_form(ticket, request.POST)
    saved = False
    if form.is_valid():
        changes = form.changes(ticket)
        try:
            if changes:
                services.do_update_ticket(ticket, request.user, changes)
            saved = True
        except (ValidationError, PermissionDenied) as exc:
            form.add_service_errors(exc)
    if not request.htmx:
        if saved:
            messages.success(request, _("Ticket saved."))
        else:
            messages.error(request, _errors(form))
        return redirect(ticket)
    if saved:
        ticket = _ticket_or_404(request.user, pk)
        context = _panel_context(request, ticket, saved=True)
    else:
        context = _panel_context(request, ticket, properties_form=form)
    response = render(request, "support/partials/properties_done.html", context)
    if saved:
        response["HX-Trigger"] = "ticketChanged"
    return response


def _family(language: str) -> str:
    return (language or "").lower().split("-")[0]


def _template_picker(ticket: Ticket) -> list[dict]:
    """The reply box's templates, titled in the reader's language: first in the customer's
    language (the ticket's), then, when the reader reads another, in the reader's (the
    templates that have a wording in it), so an agent can read what they send."""
    templates = sorted(
        ReplyTemplate.objects.prefetch_related("variants"), key=lambda t: local_name(t).lower()
    )
    reader = language_key()
    customer = (ticket.language or "").lower()
    groups = []
    if customer:
        groups.append({"language": customer, "mine": False, "templates": templates})
    if _family(reader) != _family(customer):
        mine = [
            t
            for t in templates
            if any(_family(v.language) == _family(reader) for v in t.variants.all())
        ]
        if mine or not customer:
            groups.append({"language": reader, "mine": True, "templates": mine or templates})
    return groups


def _variant(template: ReplyTemplate, language: str, market_code: str, tone: str):
    """The wording for the ticket: its language and market, else its language, else English;
    the asked-for tone when there is a choice."""
    variants = list(template.variants.all())
    language = (language or "en").lower()
    family = language.split("-")[0]  # zh-hans → zh

    def code(v) -> str:
        return v.language.lower()

    steps = (
        lambda v: code(v) == language and v.market_code == market_code,
        lambda v: code(v) == language and not v.market_code,
        lambda v: code(v) == language,
        lambda v: code(v).split("-")[0] == family,
        lambda v: code(v) == "en" and not v.market_code,
        lambda v: code(v).startswith("en"),
    )
    for accept in steps:
        found = [v for v in variants if accept(v)]
        if found:
            return next((v for v in found if v.tone == tone), found[0])
    return None


@login_required
@require_GET
def template_text(request: AuthedRequest, pk: int) -> JsonResponse:
    """The text of a reply template for this ticket: the variant for its language, market and
    the asked tone, with {customer} {agent} {ticket} {subject} {company} filled in."""
    ticket = _ticket_or_404(request.user, pk)
    key = (request.GET.get("template") or "").strip()
    template = (
        ReplyTemplate.objects.filter(pk=key).first()
        if key.isdigit()
        else ReplyTemplate.objects.filter(key=key).first()
    )
    if template is None:
        raise Http404
    # The customer's language unless the agent asked for a wording in another (their own).
    language = (request.GET.get("language") or ticket.language or "").strip().lower()[:16]
    variant = _variant(template, language, ticket.market.code, request.GET.get("tone") or "formal")
    if variant is None:
        raise Http404
    text = fill_placeholders(
        variant.body,
        {
            "customer": ticket.requester_label or _("customer"),
            "agent": request.user.display_name,
            "ticket": f"#{ticket.pk}",
            "subject": ticket.subject,
            "company": settings.BEACHHEAD_COMPANY_NAME,
        },
    )
    return JsonResponse(
        {
            "text": text,
            "template": template.key,
            "language": variant.language,
            "market": variant.market_code,
            "tone": variant.tone,
        }
    )


@login_required
@require_GET
def attachment(request: AuthedRequest, pk: int) -> FileResponse:
    """Download a file of a message, for people who may read the message (its ticket in their
    scope; a note's file only for the roles that read notes)."""
    item = readable_attachment(pk, request.user)
    if item is None:
        raise Http404
    if item.rejected or not item.file:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Always a download: a file from a stranger is never rendered inside our pages.
    return FileResponse(
        handle,
        as_attachment=True,
        filename=item.filename,
        content_type=item.content_type or "application/octet-stream",
    )


# --- Logging a ticket --------------------------------------------------------------------------


def _account_options(user: User, query: str = "", selected: Account | None = None) -> list[Account]:
    rows = scoped(Account, user).select_related("market")
    if query:
        rows = rows.filter(
            Q(legal_name__icontains=query)
            | Q(display_name__icontains=query)
            | Q(latin_name__icontains=query)
        )
    found = list(rows.order_by("legal_name", "pk")[:100])
    if selected is not None and selected not in found:
        found.insert(0, selected)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthedRequest) -> HttpResponse:
    """An agent logs a ticket (a phone call, a chat): the customer, who asked, and what."""
    user = request.user
    accounts = scoped(Account, user).select_related("market")
    contacts = scoped(Contact, user)
    if request.htmx and request.method == "GET":
        # The account search and the contacts of the chosen account fill the selects.
        if "account_q" in request.GET:
            options = _account_options(user, request.GET["account_q"].strip())
            return render(request, "support/partials/account_options.html", {"options": options})
        account = accounts.filter(pk=request.GET.get("account") or 0).first()
        people = (
            list(contacts.filter(account=account).order_by("full_name", "pk")[:200])
            if account
            else []
        )
        return render(request, "support/partials/contact_options.html", {"options": people})
    raw_account = request.POST.get("account") or request.GET.get("account") or ""
    chosen = accounts.filter(pk=raw_account).first() if str(raw_account).isdigit() else None
    form = TicketForm(
        request.POST or None,
        accounts=accounts,
        contacts=contacts,
        account_options=_account_options(user, selected=chosen),
        contact_options=list(contacts.filter(account=chosen).order_by("full_name", "pk")[:200])
        if chosen
        else [],
        initial={"account": str(chosen.pk) if chosen else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.do_create_ticket(
                subject=data["subject"],
                body_text=data["body"],
                channel=data["channel"],
                priority=data["priority"],
                account=data.get("account"),
                requester=data.get("requester"),
                requester_email=data.get("requester_email") or "",
                requester_name=data.get("requester_name") or "",
                language=data.get("language") or "",
                actor=user,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Ticket #%(number)s logged.") % {"number": ticket.pk})
            return redirect(ticket)
    return render(request, "support/create.html", {"form": form})


# --- The desk and team health ------------------------------------------------------------------


def _team_rows(user: User, now, alerts_since=None) -> list[dict]:
    """Teams the user may see with breach rate and satisfaction over their window (30 days
    unless the team's threshold says otherwise), their thresholds and recent alerts."""
    teams = list(scoped(Team, user).select_related("manager", "threshold").order_by("kind", "name"))
    if not teams:
        return []
    windows: dict[int, list[Team]] = {}
    for team in teams:
        threshold = getattr(team, "threshold", None)
        windows.setdefault(threshold.window_days if threshold else 30, []).append(team)
    figures = {}
    for days, group in windows.items():
        figures.update(alerts.team_figures(group, now - timedelta(days=days), now))
    since = alerts_since or now - timedelta(days=30)
    recent: dict[int, list[TeamAlert]] = {}
    for row in TeamAlert.objects.filter(team__in=teams, raised_at__gte=since).order_by(
        "team", "-raised_at"
    ):
        recent.setdefault(row.team_id, []).append(row)
    rows = []
    for team in teams:
        threshold = getattr(team, "threshold", None)
        figure = figures[team.pk]
        rate, happy = figure.breach_rate, figure.satisfaction
        rows.append(
            {
                "team": team,
                "figures": figure,
                "threshold": threshold,
                "window": threshold.window_days if threshold else 30,
                "alerts": recent.get(team.pk, []),
                "over": bool(threshold and rate is not None and rate > threshold.max_breach_rate),
                "under": bool(
                    threshold and happy is not None and happy < threshold.min_satisfaction
                ),
            }
        )
    return rows


def _on_shift(now) -> list[dict]:
    agents = routing.agents_on_shift(now)
    loads = desk_numbers.open_loads(a.pk for a in agents)
    rows = [
        {
            "user": agent,
            "languages": list(getattr(agent.agent_profile, "languages", None) or []),
            "load": loads.get(agent.pk, 0),
            "local": timezone.localtime(now, timezone=_zone(agent.timezone)),
            "city": zone_city(agent.timezone),
        }
        for agent in agents
    ]
    return sorted(rows, key=lambda r: (r["load"], r["user"].display_name))


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def _promises_now(user: User, now, *, broken: bool) -> list[Commitment]:
    """Open, running reply and resolution promises on tickets the user may see: past their
    warning time but not yet due (``broken=False``), or past due and still owed. Soonest due
    first, at most ``PAGE_AT_RISK``; two bounded queries on the ledger's state indexes."""
    when = Q(due_at__lte=now) if broken else Q(warn_at__lte=now, due_at__gt=now)
    rows = Commitment.objects.visible_to(user).filter(
        when,
        state=State.OPEN,
        kind__in=SLA_KINDS,
        paused_at__isnull=True,
        subject_type=ContentType.objects.get_for_model(Ticket),
    )
    candidates = list(
        rows.select_related("owner", "team", "market").order_by("due_at", "pk")[: PAGE_AT_RISK * 2]
    )
    ids = {int(c.subject_id) for c in candidates if c.subject_id.isdigit()}
    tickets = {
        t.pk: t
        for t in scoped(Ticket, user).filter(pk__in=ids).select_related("assignee", "account")
    }
    found = []
    for c in candidates:
        c.ticket = tickets.get(int(c.subject_id)) if c.subject_id.isdigit() else None  # type: ignore[attr-defined]  # for the template
        if c.ticket is not None:  # type: ignore[attr-defined]
            c.health_now = c.health(now)
            found.append(c)
    return found[:PAGE_AT_RISK]


@login_required
@require_GET
@operation_required(SupportOperation.VIEW_DESK)
def desk(request: AuthedRequest) -> HttpResponse:
    """The desk at a glance: what is waiting, what is about to break, who is on shift, and
    how each team keeps its promises."""
    user = request.user
    now = timezone.now()
    tickets = scoped(Ticket, user)
    grid = desk_numbers.unsolved_grid(user)
    by_status = dict.fromkeys(UNSOLVED_STATUSES, 0)
    by_priority = dict.fromkeys(Priority.values, 0)
    for row in grid:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        by_priority[row["priority"]] = by_priority.get(row["priority"], 0) + row["n"]
    unsolved = sum(by_status.values())
    has_any = unsolved > 0 or tickets.exists()
    statuses = dict(Status.choices)
    priorities = dict(Priority.choices)
    context = {
        "unsolved": unsolved,
        "status_rows": [
            {"key": s, "label": statuses[s], "count": by_status[s]} for s in UNSOLVED_STATUSES
        ],
        "priority_rows": [
            {
                "key": p,
                "label": priorities[p],
                "count": by_priority.get(p, 0),
                "share": (by_priority.get(p, 0) * 100 / unsolved) if unsolved else 0,
            }
            for p in Priority.values
        ],
        "mine": sum(row["mine"] for row in grid),
        "unassigned": sum(row["unassigned"] for row in grid),
        "at_risk": _promises_now(user, now, broken=False),
        "broken": _promises_now(user, now, broken=True),
        "on_shift": _on_shift(now),
        "teams": _team_rows(user, now),
        "has_any": has_any,
        "imap_configured": bool(settings.BEACHHEAD_IMAP_URL),
        "web_form_url": base_url(request) + reverse("support:web_form"),
        "now": now,
        "can_manage_mail": can(user, SupportOperation.MANAGE_MAIL),
        "rejected_count": InboundMail.objects.filter(status=InboundMail.Status.REJECTED).count()
        if can(user, SupportOperation.MANAGE_MAIL)
        else 0,
    }
    return render(request, "support/desk.html", context)


@login_required
@require_GET
@operation_required(SupportOperation.VIEW_DESK)
def teams(request: AuthedRequest) -> HttpResponse:
    """Team health: in-house and outsourced teams, breach rate and satisfaction against their
    thresholds, and the alerts they raised."""
    user = request.user
    now = timezone.now()
    rows = _team_rows(user, now, alerts_since=now - timedelta(days=90))
    recent = sorted(
        (a for row in rows for a in row["alerts"]), key=lambda a: a.raised_at, reverse=True
    )[:30]
    grouped = [(kind, list(items)) for kind, items in groupby(rows, key=lambda r: r["team"].kind)]
    return render(
        request,
        "support/teams.html",
        {"rows": rows, "grouped": grouped, "recent_alerts": recent, "nav_active": "desk"},
    )


# --- Rejected mail (admins) --------------------------------------------------------------------


@login_required
@require_GET
@operation_required(SupportOperation.MANAGE_MAIL)
def rejected(request: AuthedRequest) -> HttpResponse:
    """E-mail the desk could not turn into a message, kept whole for an admin."""
    show = request.GET.get("show", "rejected")
    rows = InboundMail.objects.visible_to(request.user).select_related("ticket")
    if show != "all":
        rows = rows.filter(status=InboundMail.Status.REJECTED)
    page = Paginator(rows.order_by("-received_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "support/rejected_list.html",
        {"page": page, "show": show, "nav_active": "desk"},
    )


@login_required
@require_GET
@operation_required(SupportOperation.MANAGE_MAIL)
def rejected_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        InboundMail.objects.visible_to(request.user).select_related("ticket"), pk=pk
    )
    raw, missing = b"", False
    try:
        with item.raw.open("rb") as fh:
            raw = fh.read(RAW_PREVIEW_BYTES)
    except (FileNotFoundError, ValueError):
        missing = True
    return render(
        request,
        "support/rejected_detail.html",
        {
            "item": item,
            "raw": raw.decode("utf-8", errors="replace"),
            "truncated": item.size > RAW_PREVIEW_BYTES,
            "preview_bytes": RAW_PREVIEW_BYTES,
            "missing": missing,
            "nav_active": "desk",
        },
    )


@login_required
@require_POST
@operation_required(SupportOperation.MANAGE_MAIL)
def rejected_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    """Run a rejected mail through ingest again; to its ticket when it became one."""
    item = get_object_or_404(InboundMail.objects.visible_to(request.user), pk=pk)
    fingerprint = item.fingerprint
    try:
        result = ingest.retry(item)
    except FileNotFoundError:
        messages.error(request, _("The raw message is missing from storage; it cannot be retried."))
        return redirect("support:rejected_detail", pk=pk)
    if result.result in ("created", "appended", "duplicate") and result.ticket:
        text = {
            "created": _("The e-mail became ticket #%(number)s."),
            "appended": _("The e-mail joined ticket #%(number)s."),
            "duplicate": _("The e-mail was already on ticket #%(number)s."),
        }[result.result] % {"number": result.ticket}
        messages.success(request, text)
        return redirect("support:ticket", pk=result.ticket)
    messages.error(
        request, _("Rejected again: %(error)s") % {"error": result.error or _("unknown error")}
    )
    again = InboundMail.objects.filter(fingerprint=fingerprint).first()
    if again is not None:
        return redirect("support:rejected_detail", pk=again.pk)
    return redirect("support:rejected")
