"""Pages of the ledger: the list, one commitment, and the Trust page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beachhead.commitments import customers, lists, panels, services
from beachhead.commitments.forms import CancelForm, CommitmentForm
from beachhead.commitments.models import Commitment, State
from beachhead.commitments.roles import CommitmentOperation
from beachhead.core import dashboard
from beachhead.core.access import Action, may, scoped
from beachhead.core.http import AuthedRequest
from beachhead.core.roles import operation_required
from beachhead.markets.models import Market
from beachhead.savedviews import params

PERIODS = {"30": 30, "90": 90, "365": 365}


@login_required
def commitment_list(request: AuthedRequest) -> HttpResponse:
    """``/lists/commitments/`` with our query parameters as saved-view filters (the open
    promises when none is given)."""
    return redirect(params.list_url(lists.COMMITMENTS, request.GET or {"state": State.OPEN}))


@login_required
def commitment_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    commitment = get_object_or_404(
        scoped(Commitment, request.user).select_related("owner", "team__manager", "market"), pk=pk
    )
    now = timezone.now()
    return render(
        request,
        "commitments/detail.html",
        {
            "c": commitment,
            "health": commitment.health(now),
            "events": commitment.events.select_related("actor").order_by("at", "pk"),
            "can_change": commitment.state == State.OPEN
            and may(request.user, commitment, Action.CHANGE),
            "cancel_form": CancelForm(),
            "customer_tz": commitment.market.timezone if commitment.market else "",
        },
    )


@login_required
@require_POST
def commitment_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    commitment = get_object_or_404(scoped(Commitment, request.user, Action.CHANGE), pk=pk)
    try:
        if action == "keep":
            services.do_keep(commitment, actor=request.user)
            messages.success(request, _("Marked as kept."))
        elif action == "pause":
            services.do_pause(commitment, actor=request.user)
            messages.info(request, _("The clock is paused."))
        elif action == "resume":
            services.do_resume(commitment, actor=request.user)
            messages.info(
                request, _("The clock runs again; the due time moved by the paused time.")
            )
        elif action == "cancel":
            form = CancelForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.do_cancel(commitment, actor=request.user, reason=reason)
            messages.info(request, _("Cancelled."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("commitments:detail", pk=pk)


@login_required
@operation_required(CommitmentOperation.MANAGE_COMMITMENTS)
def commitment_create(request: AuthedRequest) -> HttpResponse:
    markets = scoped(Market, request.user).order_by("code")
    form = CommitmentForm(request.POST or None, markets=markets, user=request.user)
    if request.method == "POST" and form.is_valid():
        market = markets.filter(code=form.cleaned_data["market"]).first()
        if market is None:
            raise Http404
        calendar = "24x7" if form.cleaned_data["calendar"] == "24x7" else f"market:{market.code}"
        picked = form.cleaned_data["picked"]
        try:
            commitment = services.do_create_commitment(
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                calendar=calendar,
                target=timedelta(hours=float(form.cleaned_data["hours"])),
                owner=request.user,
                market=market,
                customer=picked.customer,
                customer_label=picked.customer_label,
                subject=picked.subject,
                subject_label=picked.subject_label,
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The promise is on the ledger."))
            return redirect(commitment)
    return render(
        request,
        "commitments/create.html",
        {
            "form": form,
            "customer_label": form.picked_label("customer"),
            "subject_label": form.picked_label("subject"),
        },
    )


@login_required
@require_GET
@operation_required(CommitmentOperation.MANAGE_COMMITMENTS)
def customer_options(request: AuthedRequest, role: str) -> HttpResponse:
    """The search field's list box (htmx): at most ten accounts, or contacts and tickets of the
    chosen account, among the records the user may see."""
    if role not in ("customer", "subject"):
        raise Http404
    # The subject field sends the chosen customer as the form holds it ("account:12").
    within = request.GET.get("within") or request.GET.get("customer", "").partition(":")[2]
    options = customers.search(request.user, role, request.GET.get("q", ""), within)
    return render(
        request,
        "commitments/partials/customer_options.html",
        {"options": options, "role": role, "q": request.GET.get("q", "")},
    )


@login_required
@operation_required(CommitmentOperation.VIEW_TRUST)
def trust(request: AuthedRequest) -> HttpResponse:
    days_key = request.GET.get("days", "90")
    days = PERIODS.get(days_key, 90)
    group = request.GET.get("group", "market")
    if group not in services.GROUPS:
        group = "market"
    period = services.Period.last_days(days)
    summary = services.trust_summary(request.user, period)
    return render(
        request,
        "commitments/trust.html",
        {
            "summary": summary,
            "weekly": services.trust_weekly(request.user, period),
            "groups": services.trust_by(request.user, period, group),
            "by_market": services.trust_by(request.user, period, "market", limit=30),
            "group": group,
            "group_choices": [
                ("market", _("Market")),
                ("team", _("Team")),
                ("owner", _("Owner")),
                ("kind", _("Kind")),
                ("customer", _("Customer")),
            ],
            "days": str(days),
            "periods": [("30", _("30 days")), ("90", _("90 days")), ("365", _("12 months"))],
            "broken": services.broken_list(request.user, period, limit=20),
            "links": {
                str(state): panels.decided_url(period.start, (state,))
                for state in (State.KEPT, State.KEPT_LATE, State.BROKEN)
            },
            # Cards higher pillars add to this page (support's 15-minute promise).
            "panels": dashboard.panels_for(request.user, "trust"),
        },
    )
