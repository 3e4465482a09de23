"""Pages of the core: home, preferences, people, teams, the audit log, the outbox and
/healthz."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from beachhead.core import audit, events, services
from beachhead.core.access import scoped
from beachhead.core.api import errors as api_errors
from beachhead.core.dashboard import panels_for
from beachhead.core.forms import PreferencesForm
from beachhead.core.http import AuthedRequest
from beachhead.core.models import Delivery, Team, User
from beachhead.core.roles import Operation, Role, can, operation_required


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": panels_for(request.user)})


@login_required
def preferences(request: AuthedRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        translation.activate(form.instance.language)
        messages.success(request, _("Your preferences are saved."))
        response = redirect("core:preferences")
        response.set_cookie("django_language", form.instance.language, samesite="Lax")
        return response
    return render(request, "core/preferences.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in user's choice is kept on their profile."""
    from django.conf import settings
    from django.utils.http import url_has_allowed_host_and_scheme

    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = redirect(next_url)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", max_age=31536000)
    return response


@login_required
def people(request: AuthedRequest) -> HttpResponse:
    # Only the teams the viewer may open: the page links each one.
    teams = Prefetch("teams", queryset=scoped(Team, request.user).order_by("name"))
    qs = scoped(User, request.user).filter(is_active=True).prefetch_related(teams)
    role = request.GET.get("role", "")
    if role in Role.values:
        qs = qs.filter(role=role)
    page = Paginator(qs.order_by("username"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/people.html",
        {
            "page": page,
            "roles": Role.choices,
            "role": role,
            "manages_people": can(request.user, Operation.MANAGE_USERS),
        },
    )


@login_required
def teams(request: AuthedRequest) -> HttpResponse:
    qs = (
        scoped(Team, request.user)
        .select_related("manager")
        .prefetch_related("members")
        .order_by("name")
    )
    return render(
        request,
        "core/teams.html",
        {"teams": qs, "manages_people": can(request.user, Operation.MANAGE_USERS)},
    )


@login_required
def team_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(
        scoped(Team, request.user).select_related("manager").prefetch_related("members"), pk=pk
    )
    return render(
        request,
        "core/team_detail.html",
        {"team": team, "manages_people": can(request.user, Operation.MANAGE_USERS)},
    )


@login_required
@operation_required(Operation.VIEW_AUDIT_LOG)
def audit_log(request: AuthedRequest) -> HttpResponse:
    model = request.GET.get("model", "")
    actor = request.GET.get("actor", "")
    action = request.GET.get("action", "")
    if action and action not in {str(a) for a, _label in LogEntry.Action.choices}:
        action = ""
    qs = audit.entries(model=model or None, actor=actor or None, action=action or None)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    types = ContentType.objects.filter(
        pk__in=LogEntry.objects.values("content_type").distinct()
    ).order_by("app_label", "model")
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "model": model,
            "actor": actor,
            "action": action,
            "actions": [
                (value, audit.action_label(value)) for value, _label in LogEntry.Action.choices
            ],
            "types": types,
        },
    )


class SignOutView(auth_views.LogoutView):
    """Django's sign-out, and the browser is told to drop what it cached and stored of the
    signed-in pages (ASVS 14.3.1): the next person at a shared computer finds nothing with Back."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    result = services.health()
    return JsonResponse(result, status=200 if result["status"] == "ok" else 503)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: JSON under /api/ (API clients parse errors), the 404 page elsewhere."""
    if request.path.startswith("/api/"):
        return api_errors.not_found(request, exception)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: JSON under /api/, the 400 page elsewhere."""
    if request.path.startswith("/api/"):
        return api_errors.bad_request(request, exception)
    return defaults.bad_request(request, exception or ValueError())


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: JSON under /api/, the 403 page elsewhere."""
    if request.path.startswith("/api/"):
        return api_errors.permission_denied(request, exception)
    return defaults.permission_denied(request, exception or PermissionError())


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON under /api/, the 500 page elsewhere (the error is logged before)."""
    if request.path.startswith("/api/"):
        return api_errors.server_error(request)
    return defaults.server_error(request)


@login_required
@operation_required(Operation.VIEW_OUTBOX)
def outbox(request: AuthedRequest) -> HttpResponse:
    """Admins: deliveries of events to e-mail (and next webhooks and chat) that are waiting,
    retrying or failed for good, with the error, and a way to try them again."""
    show = request.GET.get("state", "")
    if show not in Delivery.State.values:
        show = ""
    qs = Delivery.objects.exclude(state=Delivery.State.DONE).select_related("event")
    if show:
        qs = qs.filter(state=show)
    if request.method == "POST":
        if request.POST.get("retry") == "dead":
            chosen = Delivery.objects.filter(state=Delivery.State.DEAD)
        else:
            ids = [v for v in request.POST.getlist("delivery") if v.isascii() and v.isdigit()]
            chosen = qs.filter(pk__in=[int(v) for v in ids[:1000] if len(v) < 19])
        count = events.do_retry(chosen, actor=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)s delivery will be tried again.",
                "%(count)s deliveries will be tried again.",
                count,
            )
            % {"count": count},
        )
        return redirect(request.get_full_path())
    page = Paginator(qs.order_by("-pk"), 50).get_page(request.GET.get("page"))
    labels = {k.code: k.label for k in events.kinds()}
    rows = [(d, labels.get(d.event.kind, d.event.kind)) for d in page]
    counts = events.outbox_counts()
    tabs = [
        (v, label, counts[v]) for v, label in Delivery.State.choices if v != Delivery.State.DONE
    ]
    return render(
        request, "core/outbox.html", {"page": page, "rows": rows, "show": show, "tabs": tabs}
    )
