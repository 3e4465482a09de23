"""The support desk's settings pages (under ``/settings/desk/``): SLA policies, agents with
their routing profile, their weekly shifts, and reply templates with their wordings.

Each page needs its operation (``SupportOperation.MANAGE_*``); every row is listed, and the
edit and delete links are on the rows the reader may change (their markets; see the services).
Writes go through ``services/sla_policies``, ``services/agents`` and
``services/reply_templates``, whose errors come back onto the forms."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from beachhead.core.forms import ServiceForm
from beachhead.core.http import AuthedRequest
from beachhead.core.localise import local_name
from beachhead.core.models import User
from beachhead.core.roles import operation_required
from beachhead.support.forms import (
    AgentProfileForm,
    ReplyTemplateForm,
    ReplyVariantForm,
    ShiftForm,
    SlaPolicyForm,
)
from beachhead.support.models import (
    AgentProfile,
    ReplyTemplate,
    ReplyTemplateVariant,
    Shift,
    SlaPolicy,
)
from beachhead.support.roles import SupportOperation
from beachhead.support.services import agents as agent_services
from beachhead.support.services import reply_templates as template_services
from beachhead.support.services import sla_policies as policy_services

SLA = SupportOperation.MANAGE_SLA_POLICIES
SHIFTS = SupportOperation.MANAGE_SHIFTS
TEMPLATES = SupportOperation.MANAGE_REPLY_TEMPLATES


def _manage(operation: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        return login_required(operation_required(operation)(view))

    return decorate


def _save(
    request: AuthedRequest,
    form: ServiceForm,
    save: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str],
    message: str,
) -> HttpResponse | None:
    """Validate a posted form, call the service, and redirect with ``message``; None (render
    the form again, with the errors) when the input or the service refused."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        row = save(form.changes())
    except (ValidationError, PermissionDenied) as exc:
        form.add_service_errors(exc)
        return None
    messages.success(request, message)
    return redirect(done(row))


def _form_page(request: AuthedRequest, form: ServiceForm, **context: Any) -> HttpResponse:
    return render(request, "support/settings/form.html", {"form": form, **context})


# --- SLA policies ------------------------------------------------------------------------------


@_manage(SLA)
def sla_policies(request: AuthedRequest) -> HttpResponse:
    """Every SLA policy in the order they are tried, with its conditions and targets."""
    user = request.user
    policies = list(SlaPolicy.objects.order_by("order", "pk"))
    for policy in policies:
        policy.can_change = policy_services.may_change_policy(user, policy)  # type: ignore[attr-defined]
    return render(request, "support/settings/sla_policies.html", {"policies": policies})


@_manage(SLA)
@require_http_methods(["GET", "POST"])
def sla_policy_form(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Create a policy, or change one the reader may change."""
    user = request.user
    policy = get_object_or_404(SlaPolicy, pk=pk) if pk else None
    if policy is not None and not policy_services.may_change_policy(user, policy):
        raise PermissionDenied
    form = SlaPolicyForm(request.POST or None, user=user, instance=policy)

    def save(changes: dict[str, Any]) -> SlaPolicy:
        if policy is None:
            return policy_services.do_create_sla_policy(user, **changes)
        return policy_services.do_update_sla_policy(policy, user, changes)

    done = _save(
        request, form, save, lambda _row: reverse("desk_settings:sla_policies"), _("Policy saved.")
    )
    return done or _form_page(
        request,
        form,
        title=local_name(policy) if policy else _("New SLA policy"),
        section=_("SLA policies"),
        section_url=reverse("desk_settings:sla_policies"),
        delete_url=reverse("desk_settings:sla_policy_delete", args=[policy.pk]) if policy else "",
        delete_label=pgettext("desk settings", "Deactivate")
        if policy and policy_services.is_referenced(policy)
        else pgettext("desk settings", "Delete"),
        intro=_(
            "Tickets take the first active policy, by order, whose tiers, priorities and "
            "markets all match. Each target becomes a promise on the chosen calendar; "
            "changes apply to new tickets."
        ),
    )


@_manage(SLA)
@require_POST
def sla_policy_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy, pk=pk)
    try:
        deleted = policy_services.do_delete_sla_policy(policy, request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(
        request,
        _("Policy deleted.")
        if deleted
        else _("Tickets follow this policy, so it was deactivated instead of deleted."),
    )
    return redirect("desk_settings:sla_policies")


# --- Agents and shifts -------------------------------------------------------------------------


def _days(weekdays: list[int]) -> str:
    """Weekdays as short names, runs of three or more as a range ("Mon–Fri", "Sat · Sun")."""
    runs: list[list[int]] = []
    for day in sorted(weekdays):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{WEEKDAYS_ABBR[run[0]]}–{WEEKDAYS_ABBR[run[-1]]}")
        else:
            parts.extend(str(WEEKDAYS_ABBR[day]) for day in run)
    return " · ".join(parts)


def _week(shifts: list[Shift]) -> list[dict[str, Any]]:
    """Shifts grouped by hours, one line each: ``[{"days": "Mon–Fri", "start": …, "end": …}]``."""
    rows = sorted(shifts, key=lambda s: (s.start, s.end, s.weekday))
    week = []
    for (start, end), group in groupby(rows, key=lambda s: (s.start, s.end)):
        days = _days([s.weekday for s in group])
        week.append({"days": days, "start": start, "end": end, "overnight": end <= start})
    return week


@_manage(SHIFTS)
def agents(request: AuthedRequest) -> HttpResponse:
    """The desk's agents: languages, skills, whether they take tickets and their week."""
    people = list(
        agent_services.desk_agents(request.user)
        .select_related("agent_profile")
        .prefetch_related(Prefetch("shifts", queryset=Shift.objects.order_by("weekday", "start")))
    )
    for person in people:
        person.week = _week(list(person.shifts.all()))  # type: ignore[attr-defined]
        person.profile = getattr(person, "agent_profile", None)  # type: ignore[attr-defined]
    return render(request, "support/settings/agents.html", {"people": people})


def _agent_or_404(user: Any, pk: int) -> User:
    agent = agent_services.desk_agents(user).filter(pk=pk).first()
    if agent is None or not agent_services.may_manage_agent(user, agent):
        raise Http404
    return agent


@_manage(SHIFTS)
@require_http_methods(["GET", "POST"])
def agent_form(request: AuthedRequest, pk: int) -> HttpResponse:
    """An agent's routing profile, with their shifts listed below it."""
    user = request.user
    agent = _agent_or_404(user, pk)
    profile = AgentProfile.objects.filter(user=agent).first()
    initial = {"languages": [], "skills": "", "accepts_tickets": True}
    if profile is not None:
        initial = {
            "languages": profile.languages,
            "skills": ", ".join(profile.skills),
            "accepts_tickets": profile.accepts_tickets,
        }
    form = AgentProfileForm(request.POST or None, initial=initial)
    done = _save(
        request,
        form,
        lambda changes: agent_services.do_save_agent_profile(agent, user, changes),
        lambda _row: reverse("desk_settings:agents"),
        _("Agent saved."),
    )
    return done or _form_page(
        request,
        form,
        title=agent.display_name,
        section=pgettext("desk settings", "Agents"),
        section_url=reverse("desk_settings:agents"),
        agent=agent,
        week=_week(list(agent.shifts.order_by("weekday", "start"))),
        shifts=list(agent.shifts.order_by("weekday", "start")),
        intro=_(
            "Routing gives a new ticket to an agent on shift who speaks its language and has "
            "its skill; an agent who takes no new tickets keeps the ones they have."
        ),
    )


@_manage(SHIFTS)
def shifts(request: AuthedRequest) -> HttpResponse:
    """The desk's week: a row per agent, a column per day, each shift in its day."""
    people = list(
        agent_services.desk_agents(request.user).prefetch_related(
            Prefetch("shifts", queryset=Shift.objects.order_by("start"))
        )
    )
    rows = []
    for person in people:
        days: list[list[Shift]] = [[] for _day in range(7)]
        for shift in person.shifts.all():
            days[shift.weekday].append(shift)
        rows.append({"agent": person, "days": days})
    return render(
        request,
        "support/settings/shifts.html",
        {
            "rows": rows,
            "weekdays": [WEEKDAYS_ABBR[d] for d in range(7)],
            "has_shifts": any(person.shifts.all() for person in people),
        },
    )


@_manage(SHIFTS)
@require_http_methods(["GET", "POST"])
def shift_form(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Add a shift (``?agent=`` picks the agent) or change one."""
    user = request.user
    shift = get_object_or_404(Shift.objects.select_related("user"), pk=pk) if pk else None
    if shift is not None and not agent_services.may_manage_agent(user, shift.user):
        raise Http404
    initial: dict[str, Any] = {"start": "09:00", "end": "18:00", "agent": request.GET.get("agent")}
    if shift is not None:
        initial = {
            "agent": shift.user_id,
            "weekday": shift.weekday,
            "start": shift.start,
            "end": shift.end,
        }
    people = [
        a for a in agent_services.desk_agents(user) if agent_services.may_manage_agent(user, a)
    ]
    form = ShiftForm(request.POST or None, initial=initial, agents=people)

    def save(changes: dict[str, Any]) -> Shift:
        if shift is None:
            return agent_services.do_create_shift(user, **changes)
        return agent_services.do_update_shift(shift, user, changes)

    back = request.GET.get("back") == "agent"
    done = _save(
        request,
        form,
        save,
        lambda row: (
            reverse("desk_settings:agent", args=[row.user_id])
            if back
            else reverse("desk_settings:shifts")
        ),
        _("Shift saved."),
    )
    return done or _form_page(
        request,
        form,
        title=_("Change shift") if shift else _("New shift"),
        section=pgettext("desk settings", "Shifts"),
        section_url=reverse("desk_settings:shifts"),
        delete_url=reverse("desk_settings:shift_delete", args=[shift.pk]) if shift else "",
        delete_label=pgettext("desk settings", "Delete"),
        intro=_(
            "Hours are in the agent's own time zone. An end before the start runs past "
            "midnight, so a night shift is one row."
        ),
    )


@_manage(SHIFTS)
@require_POST
def shift_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(Shift.objects.select_related("user"), pk=pk)
    try:
        agent_services.do_delete_shift(shift, request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("Shift deleted."))
    return redirect("desk_settings:shifts")


# --- Reply templates ---------------------------------------------------------------------------


@_manage(TEMPLATES)
def reply_templates(request: AuthedRequest) -> HttpResponse:
    """Every template by title, with the languages, markets and tones of its wordings."""
    user = request.user
    rows = list(ReplyTemplate.objects.prefetch_related("variants"))
    rows.sort(key=lambda t: local_name(t).lower())
    for row in rows:
        variants = list(row.variants.all())
        row.languages = sorted({v.language for v in variants})  # type: ignore[attr-defined]
        row.markets = sorted({v.market_code for v in variants if v.market_code})  # type: ignore[attr-defined]
        row.for_all = any(not v.market_code for v in variants)  # type: ignore[attr-defined]
        row.tones = sorted({v.get_tone_display() for v in variants})  # type: ignore[attr-defined]
        row.count = len(variants)  # type: ignore[attr-defined]
        row.can_change = template_services.may_change_template(user, row)  # type: ignore[attr-defined]
    return render(request, "support/settings/templates.html", {"templates": rows})


@_manage(TEMPLATES)
@require_http_methods(["GET", "POST"])
def reply_template_form(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """A template's title and key, and (once it exists) its wordings."""
    user = request.user
    template = get_object_or_404(ReplyTemplate, pk=pk) if pk else None
    can_change = template is None or template_services.may_change_template(user, template)
    form = ReplyTemplateForm(request.POST or None, instance=template)
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
        if request.method == "POST":
            raise PermissionDenied

    def save(changes: dict[str, Any]) -> ReplyTemplate:
        if template is None:
            return template_services.do_create_reply_template(user, **changes)
        return template_services.do_update_reply_template(template, user, changes)

    done = _save(
        request,
        form,
        save,
        lambda row: reverse("desk_settings:template", args=[row.pk]),
        _("Template saved."),
    )
    variants = []
    if template is not None:
        variants = list(template.variants.all())
        for v in variants:
            v.can_change = template_services.may_change_variant(user, v)  # type: ignore[attr-defined]
    return done or _form_page(
        request,
        form,
        title=local_name(template) if template else _("New reply template"),
        section=_("Reply templates"),
        section_url=reverse("desk_settings:templates"),
        template_row=template,
        variants=variants,
        locked=not can_change,
        delete_url=reverse("desk_settings:template_delete", args=[template.pk])
        if template and can_change
        else "",
        delete_label=pgettext("desk settings", "Delete"),
        intro=_(
            "Agents insert a template from the reply box; the desk picks the wording in the "
            "ticket's language and market, in the tone asked for."
        ),
    )


@_manage(TEMPLATES)
@require_POST
def reply_template_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(ReplyTemplate, pk=pk)
    try:
        template_services.do_delete_reply_template(template, request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("Template deleted."))
    return redirect("desk_settings:templates")


@_manage(TEMPLATES)
@require_http_methods(["GET", "POST"])
def reply_variant_form(
    request: AuthedRequest, template_pk: int, pk: int | None = None
) -> HttpResponse:
    """Add a wording to a template, or change one of the reader's markets."""
    user = request.user
    template = get_object_or_404(ReplyTemplate, pk=template_pk)
    variant = get_object_or_404(ReplyTemplateVariant, pk=pk, template=template) if pk else None
    if variant is not None and not template_services.may_change_variant(user, variant):
        raise Http404
    initial: dict[str, Any] = {"language": "en", "tone": "formal"}
    if variant is not None:
        initial = {
            name: getattr(variant, name) for name in ("language", "market_code", "tone", "body")
        }
    form = ReplyVariantForm(request.POST or None, initial=initial, user=user)

    def save(changes: dict[str, Any]) -> ReplyTemplateVariant:
        if variant is None:
            return template_services.do_create_reply_variant(template, user, **changes)
        return template_services.do_update_reply_variant(variant, user, changes)

    done = _save(
        request,
        form,
        save,
        lambda _row: reverse("desk_settings:template", args=[template.pk]),
        _("Wording saved."),
    )
    return done or _form_page(
        request,
        form,
        title=_("Change wording") if variant else _("New wording"),
        section=local_name(template),
        section_url=reverse("desk_settings:template", args=[template.pk]),
        delete_url=reverse("desk_settings:variant_delete", args=[template.pk, variant.pk])
        if variant
        else "",
        delete_label=pgettext("desk settings", "Delete"),
        wide_fields=("body",),
    )


@_manage(TEMPLATES)
@require_POST
def reply_variant_delete(request: AuthedRequest, template_pk: int, pk: int) -> HttpResponse:
    variant = get_object_or_404(ReplyTemplateVariant, pk=pk, template_id=template_pk)
    try:
        template_services.do_delete_reply_variant(variant, request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("Wording deleted."))
    return redirect("desk_settings:template", template_pk)
