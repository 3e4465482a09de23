"""Pages of the accounts pillar: the lists (served by saved views), the
customer-360 page of an account, a deal's page, the named-account plan, and the forms that
add accounts, contacts, deals and deployments.

Views are thin: rows come from the access layer, facts from the services; a record the user
may not see answers 404; the affordances to change a record appear only to people who may.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beachhead.accounts import lists
from beachhead.accounts.forms import (
    AccountForm,
    ContactForm,
    DeploymentForm,
    OpportunityForm,
    StageForm,
)
from beachhead.accounts.models import (
    Account,
    Contact,
    Deployment,
    Environment,
    Health,
    Lifecycle,
    Opportunity,
    Stage,
)
from beachhead.accounts.services import accounts as account_services
from beachhead.accounts.services import compliance, ltv, plan
from beachhead.accounts.services import contacts as contact_services
from beachhead.accounts.services import deployments as deployment_services
from beachhead.accounts.services import opportunities as opportunity_services
from beachhead.core import timeline
from beachhead.core.access import Action, may, scoped
from beachhead.core.forms import ServiceForm
from beachhead.core.http import AuthedRequest
from beachhead.core.models import User
from beachhead.core.roles import Role
from beachhead.markets.models import Market
from beachhead.savedviews import params

#: At most this many rows of each kind on an account's page (the lists have them all).
PAGE_CONTACTS = 100
PAGE_DEALS = 50
PAGE_DEPLOYMENTS = 100
PAGE_PROMISES = 20
PAGE_TIMELINE = 30


# --- Lists: served by saved views ------------------------------------------------------------


@login_required
@require_GET
def list_page(request: AuthedRequest, key: str) -> HttpResponse:
    """``/lists/<key>/`` with our query parameters as saved-view filters."""
    source = next(source for source in lists.SOURCES if source.key == key)
    return redirect(params.list_url(source, request.GET))


# --- Customer 360 ----------------------------------------------------------------------------


def _trust(account: Account, user: User) -> dict:
    """Promises made to the account in the last year: kept on time, late, broken; one query."""
    from beachhead.commitments.models import Commitment, State

    content_type = ContentType.objects.get_for_model(Account)
    since = timezone.now() - timedelta(days=365)
    figures = (
        scoped(Commitment, user)
        .filter(customer_type=content_type, customer_id=str(account.pk), due_at__gte=since)
        .aggregate(
            kept=Count("pk", filter=Q(state=State.KEPT)),
            kept_late=Count("pk", filter=Q(state=State.KEPT_LATE)),
            broken=Count("pk", filter=Q(state=State.BROKEN)),
        )
    )
    total = figures["kept"] + figures["kept_late"] + figures["broken"]
    figures["total"] = total
    figures["rate"] = figures["kept"] / total if total else None
    return figures


def _open_promises(account: Account, user: User) -> list:
    from beachhead.commitments.models import Commitment, State

    content_type = ContentType.objects.get_for_model(Account)
    rows = list(
        scoped(Commitment, user)
        .filter(customer_type=content_type, customer_id=str(account.pk), state=State.OPEN)
        .select_related("owner", "team", "market")
        .order_by("due_at", "pk")[:PAGE_PROMISES]
    )
    now = timezone.now()
    for row in rows:
        row.health_now = row.health(now)
    return rows


@login_required
@require_GET
def account_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The customer-360 page: who they are, what they are worth, who we know there, what
    they run, what we promised them, and everything that happened, newest first."""
    user = request.user
    account = get_object_or_404(
        scoped(Account, user).select_related("market", "owner", "csm"), pk=pk
    )
    contacts = list(
        scoped(Contact, user)
        .filter(account_id=account.pk)
        .order_by("full_name", "pk")[: PAGE_CONTACTS + 1]
    )
    deals = list(
        scoped(Opportunity, user)
        .filter(account_id=account.pk)
        .select_related("stage", "owner")
        .order_by("stage__is_won", "stage__is_lost", "close_date", "pk")[: PAGE_DEALS + 1]
    )
    deployments = list(
        scoped(Deployment, user)
        .filter(account_id=account.pk)
        .order_by("environment", "-node_count", "pk")[: PAGE_DEPLOYMENTS + 1]
    )
    valuation = ltv.value_account(account)
    context = {
        "account": account,
        "can_change": may(user, account, Action.CHANGE),
        "valuation": valuation,
        "strategic_bar": ltv.strategic_bar(),
        "deep_user": deployment_services.is_deep_user(account),
        "deep_user_nodes": deployment_services.deep_user_threshold(),
        "contacts": contacts[:PAGE_CONTACTS],
        "contacts_more": len(contacts) > PAGE_CONTACTS,
        "roster": contact_services.contacts_by_role(contacts),
        "warnings": contact_services.counterpart_warnings(account, contacts),
        "deals": deals[:PAGE_DEALS],
        "deals_more": len(deals) > PAGE_DEALS,
        "deployments": deployments[:PAGE_DEPLOYMENTS],
        "deployments_more": len(deployments) > PAGE_DEPLOYMENTS,
        "production_environment": Environment.PRODUCTION,
        "promises": _open_promises(account, user),
        "trust": _trust(account, user),
        "requirements": compliance.requirements(account),
        "timeline": timeline.timeline(account, user, limit=PAGE_TIMELINE),
        "customer_tz": account.market.timezone,
    }
    return render(request, "accounts/detail.html", context)


# --- A deal ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A deal: amount, stage, close date, the qualification verdict with its reasons, and the
    compliance proofs its market and industry ask for that we do not hold."""
    user = request.user
    deal = get_object_or_404(
        scoped(Opportunity, user).select_related(
            "account", "account__market", "account__owner", "stage", "owner"
        ),
        pk=pk,
    )
    can_change = may(user, deal, Action.CHANGE)
    # A deactivated stage is offered only to the deals still in it.
    stages = list(
        Stage.objects.filter(Q(is_active=True) | Q(pk=deal.stage_id)).order_by("order", "pk")
    )
    form = StageForm(request.POST or None, stages=stages, initial={"stage": deal.stage.key})
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                opportunity_services.do_update_opportunity(
                    deal, user, {"stage": form.cleaned_data["stage"]}
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("The deal moved to %(stage)s.") % {"stage": deal.stage.label}
                )
            return redirect(deal)
    account = deal.account
    requirements = compliance.requirements(account)
    context = {
        "deal": deal,
        "account": account,
        "can_change": can_change,
        "qualification": ltv.qualify_deal(account, deal.amount),
        "requirements": requirements,
        "gaps": [r for r in requirements if not r.held],
        "stage_form": form,
        "stages": stages,
        "strategic_bar": ltv.strategic_bar(),
    }
    return render(request, "accounts/opportunity.html", context)


# --- The named-account plan ------------------------------------------------------------------


@login_required
@require_GET
def plan_page(request: AuthedRequest) -> HttpResponse:
    """Coverage of the named-account plan per market and per account executive, and deep
    users month by month."""
    user = request.user
    by_market = plan.coverage_by_market(user)
    by_person = plan.coverage_by_person(user)
    total = plan.total(by_market)
    series = deployment_services.deep_users_by_month(user, months=13)
    growth = deployment_services.yearly_growth(series)
    weakest = min(
        (row for row in by_market if row.named >= 3), key=lambda r: r.contacted_rate, default=None
    )
    unassigned = list(
        plan.plan_accounts(user)
        .filter(owner__isnull=True)
        .select_related("market")
        .order_by("market__code", "legal_name")[:20]
    )
    context = {
        "by_market": by_market,
        "by_person": by_person,
        "total": total,
        "weakest": weakest,
        "unassigned": unassigned,
        "deep_series": series,
        "deep_now": series[-1].count if series else 0,
        "deep_growth": growth,
        "deep_user_nodes": deployment_services.deep_user_threshold(),
        "chart_market": [
            {
                "code": row.key,
                "named": row.named,
                "assigned": row.assigned,
                "contacted": row.contacted,
                "pilot": row.pilot,
                "won": row.won,
            }
            for row in by_market
        ],
        "chart_deep": [{"month": m.month.isoformat()[:7], "count": m.count} for m in series],
        "chart_labels": {
            "assigned": _("Assigned"),
            "contacted": _("Contacted"),
            "pilot": _("In pilot"),
            "won": _("Won"),
            "deep": _("Deep users"),
        },
        "accounts_url": reverse("accounts:list"),
    }
    return render(request, "accounts/plan.html", context)


# --- Forms -----------------------------------------------------------------------------------


def _creatable_markets(user: User):
    markets = scoped(Market, user).order_by("code")
    codes = [m.code for m in markets if account_services.may_create_account(user, m.code)]
    return markets.filter(code__in=codes)


def _people(user: User):
    return (
        scoped(User, user)
        .filter(
            is_active=True,
            role__in=[
                Role.ACCOUNT_EXECUTIVE,
                Role.REGIONAL_MANAGER,
                Role.CUSTOMER_SUCCESS,
                Role.EXECUTIVE,
            ],
        )
        .order_by("first_name", "last_name", "username")
    )


def _account_initial(account: Account) -> dict:
    initial = {
        name: getattr(account, name)
        for name in (
            "legal_name", "display_name", "latin_name", "industry", "size", "website", "tier",
            "lifecycle", "health", "named", "data_residency", "data_volume_tb", "growth_rate",
            "expected_lifetime_years",
        )
    }  # fmt: skip
    initial.update(
        market=account.market.code,
        country=str(account.country or ""),
        owner=str(account.owner_id or ""),
        csm=str(account.csm_id or ""),
        expected_annual_spend_amount=account.expected_annual_spend.amount,
        expected_annual_spend_currency=str(account.expected_annual_spend.currency),
        yearly_data_spend_amount=account.yearly_data_spend.amount,
        yearly_data_spend_currency=str(account.yearly_data_spend.currency),
    )
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    markets = list(_creatable_markets(user))
    if not markets:
        raise PermissionDenied
    manager = any(account_services.is_manager_of(user, m.code) for m in markets)
    form = AccountForm(
        request.POST or None,
        markets=markets,
        people=_people(user),
        manager=manager,
        initial={
            "market": markets[0].code,
            "lifecycle": Lifecycle.TARGET,
            "health": Health.UNKNOWN,
        },
    )
    return _form_page(
        request,
        form,
        lambda: account_services.do_create_account(user, **form.changes()),
        _("Account created."),
        {"title": _("New account"), "back": reverse("accounts:list")},
        refused=(ValidationError, PermissionDenied),
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    account = get_object_or_404(
        scoped(Account, user, Action.CHANGE).select_related("market"), pk=pk
    )
    markets = list(_creatable_markets(user)) or [account.market]
    if account.market not in markets:
        markets.insert(0, account.market)
    form = AccountForm(
        request.POST or None,
        markets=markets,
        people=_people(user),
        manager=account_services.is_manager_of(user, account.market.code),
        initial=_account_initial(account),
    )

    def save() -> Account:
        account_services.do_update_account(account, user, form.changes())
        return account

    return _form_page(
        request,
        form,
        save,
        _("Account saved."),
        {"title": account.name, "back": account.get_absolute_url()},
        refused=(ValidationError, PermissionDenied),
    )


def _form_page(
    request: AuthedRequest,
    form: ServiceForm,
    save: Callable[[], Any],
    success: str,
    context: dict[str, Any],
    refused: tuple[type[Exception], ...] = (ValidationError,),
) -> HttpResponse:
    """The accounts form page: a valid POST is ``save``d through the services and goes to what
    ``save`` returns; a refusal of the services (``refused``) shows on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except refused as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, success)
            return redirect(saved)
    return render(request, "accounts/form.html", {"form": form, **context})


def _child_form(request, pk, form_class, create, title, success, **form_kwargs):
    """Add a contact, deal or deployment to an account the user may change (else 404)."""
    account = get_object_or_404(
        scoped(Account, request.user, Action.CHANGE).select_related("market"), pk=pk
    )
    kwargs = {
        key: value(account) if callable(value) else value for key, value in form_kwargs.items()
    }
    form = form_class(request.POST or None, **kwargs)

    def save() -> Account:
        create(account, request.user, **form.changes())
        return account

    return _form_page(
        request,
        form,
        save,
        success,
        {"title": title, "account": account, "back": account.get_absolute_url()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: AuthedRequest, pk: int) -> HttpResponse:
    return _child_form(
        request,
        pk,
        ContactForm,
        contact_services.do_create_contact,
        _("New contact"),
        _("Contact added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request: AuthedRequest, pk: int) -> HttpResponse:
    return _child_form(
        request,
        pk,
        OpportunityForm,
        opportunity_services.do_create_opportunity,
        _("New deal"),
        _("Deal opened."),
        stages=lambda account: list(Stage.objects.filter(is_active=True).order_by("order", "pk")),
        currency=lambda account: account.market.currency,
    )


@login_required
@require_http_methods(["GET", "POST"])
def deployment_create(request: AuthedRequest, pk: int) -> HttpResponse:
    return _child_form(
        request,
        pk,
        DeploymentForm,
        deployment_services.do_create_deployment,
        _("New deployment"),
        _("Deployment recorded."),
    )


@login_required
@require_POST
def contact_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(scoped(Contact, request.user, Action.DELETE), pk=pk)
    account_url = reverse("accounts:detail", args=[contact.account_id])
    contact_services.do_delete_contact(contact, request.user)
    messages.info(request, _("Contact removed."))
    return redirect(account_url)
