"""The in-app Settings: the hub that lists every settings page the user may open (registered
by each pillar in ``core.settings_pages``), and the core's own pages, people and teams. Pages
are thin: they check the operation, call one service and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beachhead.core import mfa, services, settings_pages
from beachhead.core.forms import PersonForm, TeamForm
from beachhead.core.http import AuthedRequest
from beachhead.core.models import Team, User
from beachhead.core.roles import Operation, Role, operation_required

STATUSES = ("active", "inactive", "all")


@login_required
def hub(request: AuthedRequest) -> HttpResponse:
    """Every settings page the user may open, by group; none: 403 (the sidebar hides it)."""
    groups = settings_pages.groups_for(request.user)
    if not groups:
        raise PermissionDenied
    rows = [(group, [(page, reverse(page.url_name)) for page in pages]) for group, pages in groups]
    return render(request, "core/settings/hub.html", {"groups": rows})


@login_required
@operation_required(Operation.MANAGE_USERS)
def people(request: AuthedRequest) -> HttpResponse:
    """Everyone, active or not, with role, markets, teams, language, time zone and last
    sign-in; filtered by status, role and a search."""
    status = request.GET.get("status", "active")
    status = status if status in STATUSES else "active"
    role = request.GET.get("role", "")
    query = request.GET.get("q", "").strip()[:100]
    qs = User.objects.prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))
    if status != "all":
        qs = qs.filter(is_active=status == "active")
    if role in Role.values:
        qs = qs.filter(role=role)
    if query:
        qs = qs.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    page = Paginator(qs.order_by("-is_active", "first_name", "last_name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    counts = User.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
    )
    return render(
        request,
        "core/settings/people.html",
        {
            "page": page,
            "roles": Role.choices,
            "role": role,
            "status": status,
            "q": query,
            "counts": counts,
        },
    )


@login_required
@operation_required(Operation.MANAGE_USERS)
def person_new(request: AuthedRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.do_invite_person(request.user, **form.changes())
        except (ValidationError, PermissionDenied) as exc:
            form.add_service_errors(exc)
        else:
            invited = form.cleaned_data.get("send_invitation") and services.do_send_invitation(
                person, request
            )
            if invited:
                text = _("%(name)s is added and has an e-mail to choose a password.")
            else:
                text = _("%(name)s is added. They sign in once they have a password.")
            messages.success(request, text % {"name": person.display_name})
            return redirect("core:settings_people")
    return _person_form(request, form, None)


@login_required
@operation_required(Operation.MANAGE_USERS)
def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    form = PersonForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.do_update_person(person, request.user, form.changes())
        except (ValidationError, PermissionDenied) as exc:
            form.add_service_errors(exc)
        else:
            if changed:
                messages.success(request, _("Saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("core:settings_people")
    return _person_form(request, form, person)


def _person_form(request: AuthedRequest, form: PersonForm, person: User | None) -> HttpResponse:
    return render(
        request,
        "core/settings/person_form.html",
        {
            "form": form,
            "person": person,
            "global_roles": [str(r) for r in (Role.ADMIN, Role.EXECUTIVE)],
            "person_mfa": mfa.status(person) if person else None,
        },
    )


@login_required
@operation_required(Operation.MANAGE_USERS)
@require_POST
def person_active(request: AuthedRequest, pk: int) -> HttpResponse:
    """Deactivate (``active=0``) or reactivate (``active=1``) a colleague."""
    person = get_object_or_404(User, pk=pk)
    try:
        if request.POST.get("active") == "1":
            services.do_reactivate_person(person, request.user)
            messages.success(request, _("%(name)s can sign in again.") % {"name": person})
        else:
            services.do_deactivate_person(person, request.user)
            messages.success(
                request,
                _("%(name)s can no longer sign in. Their promises and history stay.")
                % {"name": person},
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("core:settings_person", pk=person.pk)


@login_required
@operation_required(Operation.MANAGE_USERS)
def teams(request: AuthedRequest) -> HttpResponse:
    qs = (
        Team.objects.select_related("manager")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name")
    )
    return render(request, "core/settings/teams.html", {"teams": qs})


@login_required
@operation_required(Operation.MANAGE_USERS)
def team_new(request: AuthedRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.do_add_team(request.user, **form.changes())
        except (ValidationError, PermissionDenied) as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Team %(name)s is created.") % {"name": team.local_name})
            return redirect("core:settings_teams")
    return render(request, "core/settings/team_form.html", {"form": form, "team": None})


@login_required
@operation_required(Operation.MANAGE_USERS)
def team_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.prefetch_related("members"), pk=pk)
    form = TeamForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_team(team, request.user, form.changes())
        except (ValidationError, PermissionDenied) as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("core:settings_teams")
    return render(request, "core/settings/team_form.html", {"form": form, "team": team})
