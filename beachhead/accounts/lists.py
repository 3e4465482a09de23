"""The pillar's lists, as saved-views sources: accounts, contacts, deals and deployments.

Each source gives its rows through the access layer with the joins its columns need (one
query per page), the columns people can show, filter, sort and group by, the kanban lane
(lifecycle for accounts, stage for deals, environment for deployments) and the inline edits,
each done by the pillar's own service.

Money columns read an annotated amount (``…_amount``): a money field reads back as a
``Money`` object, while a list cell wants the number beside its currency column.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from beachhead.accounts import models
from beachhead.accounts.services import accounts as account_services
from beachhead.accounts.services import contacts as contact_services
from beachhead.accounts.services import deployments as deployment_services
from beachhead.accounts.services import opportunities as opportunity_services
from beachhead.accounts.services.contacts import role_q
from beachhead.accounts.services.deployments import deep_user_threshold
from beachhead.commitments.lists import MARKET_CHOICES
from beachhead.core.access import scoped
from beachhead.core.localise import language_label, zone_city
from beachhead.core.money import Money, format_money, reporting_currency
from beachhead.markets.vocabulary import DATA_RESIDENCY_REGIONS
from beachhead.savedviews.filters import Condition
from beachhead.savedviews.params import Choice, Codes, Flag, Id, Person, Search, Text
from beachhead.savedviews.registry import CachedChoices, Column, ListSource

if TYPE_CHECKING:
    from beachhead.core.models import User


def _language(value, row):
    """A language named in the reader's language ("Japanese", 日语), never as a code."""
    label = language_label(value) if value else ""
    return (label or "—"), label


def _zone(value, row):
    """A time zone by its city, in the reader's language (Tokyo, 東京), the zone on hover."""
    return (zone_city(value) or "—"), value or ""


def _stage_choices() -> list[tuple[str, str]]:
    return [(s.key, s.label) for s in models.Stage.objects.order_by("order", "pk")]


STAGE_CHOICES = CachedChoices(_stage_choices, ttl=30)
RESIDENCY_CHOICES = list(DATA_RESIDENCY_REGIONS.items())
#: The market of a contact's, deal's or deployment's account: a column, and a parameter.
ACCOUNT_MARKET = Column(
    "account__market__code", _("Market"), "choice", choices=MARKET_CHOICES, groupable=True
)
#: The account a row belongs to, by its id: a column so that ``?account=12`` filters a page.
ACCOUNT_ID_COLUMN = Column("account_id", _("Account ID"), "number", groupable=False)
#: ``?account=12`` (the API of contacts, deals, deployments and tickets, and their pages).
ACCOUNT_ID = Id(
    "account",
    "account_id",
    message=_("An account id is a number."),
    f=lambda value: [Condition("account_id", "eq", str(value))],
)
CHILD_PARAMS = (ACCOUNT_ID, Codes("market", ACCOUNT_MARKET.path))


def _strategic(yes: bool, user) -> Q:
    """Worth the strategic bar a year or more and not churned (``strategic=false`` narrows
    nothing)."""
    return models.strategic_q() if yes else Q()


def _deep(yes: bool, user) -> Q:
    nodes = Q(production_nodes__gte=deep_user_threshold())
    return nodes if yes else ~nodes


def _flag_conditions(path: str, only_true: bool = False) -> Callable[[bool], list[Condition]]:
    """A flag's condition on a page: the boolean column ``path`` (``only_true``: false
    narrows nothing)."""

    def conditions(yes: bool) -> list[Condition]:
        if only_true and not yes:
            return []
        return [Condition(path, "eq", "true" if yes else "false")]

    return conditions


def _open(yes: bool, user) -> Q:
    closed = Q(stage__is_won=True) | Q(stage__is_lost=True)
    return ~closed if yes else closed


def _as_validation_error(func: Callable[..., Any]) -> Callable[..., Any]:
    """Inline edits report refusals as messages beside the cell."""

    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except PermissionDenied as exc:
            raise ValidationError(str(exc) or _("You may not change this.")) from None

    return wrapper


# --- Accounts --------------------------------------------------------------------------------

ACCOUNT_EDITS = {
    "legal_name": "legal_name",
    "display_name": "display_name",
    "industry": "industry",
    "size": "size",
    "tier": "tier",
    "lifecycle": "lifecycle",
    "health": "health",
    "named": "named",
    "owner": "owner",
    "csm": "csm",
    "growth_rate": "growth_rate",
    "expected_lifetime_years": "expected_lifetime_years",
    "data_volume_tb": "data_volume_tb",
}
ACCOUNT_MONEY_EDITS = {"expected_annual_spend_amount": "expected_annual_spend"}


def account_rows(user: User):
    return (
        scoped(models.Account, user)
        .select_related("market", "owner", "csm")
        .annotate(
            expected_annual_spend_amount=F("expected_annual_spend"),
            annual_value_amount=F("annual_value"),
            ltv_amount=F("ltv"),
            strategic_flag=ExpressionWrapper(_strategic(True, user), output_field=BooleanField()),
            deep_flag=ExpressionWrapper(_deep(True, user), output_field=BooleanField()),
        )
    )


def _money_change(obj, field: str, value: Any) -> Money | None:
    if value is None:
        return Money(Decimal(0), str(getattr(obj, f"{field}_currency")))
    return Money(Decimal(value), str(getattr(obj, f"{field}_currency")))


@_as_validation_error
def update_account(obj: models.Account, path: str, value: Any, user: User) -> models.Account:
    if path in ACCOUNT_MONEY_EDITS:
        field = ACCOUNT_MONEY_EDITS[path]
        changes = {field: _money_change(obj, field, value)}
    elif path in ACCOUNT_EDITS:
        changes = {ACCOUNT_EDITS[path]: value}
    else:
        raise ValidationError(_("This field cannot be edited here."))
    account_services.do_update_account(obj, user, changes)
    return obj


ACCOUNTS = ListSource(
    key="accounts",
    label=_("Accounts"),
    model=models.Account,
    queryset=account_rows,
    columns=(
        Column("legal_name", _("Legal name"), editable=True, width="16rem"),
        Column("display_name", _("Name"), editable=True),
        Column("latin_name", _("Name in Latin script")),
        Column("market__code", _("Market"), "choice", choices=MARKET_CHOICES, groupable=True),
        Column("country", _("Country"), groupable=True),
        Column(
            "industry",
            _("Industry"),
            "choice",
            models.Industry.choices,
            groupable=True,
            editable=True,
        ),
        Column("size", _("Size"), "choice", models.Size.choices, groupable=True, editable=True),
        Column("tier", _("Tier"), "choice", models.Tier.choices, groupable=True, editable=True),
        Column(
            "lifecycle",
            _("Lifecycle"),
            "choice",
            models.Lifecycle.choices,
            groupable=True,
            editable=True,
        ),
        Column(
            "health", _("Health"), "choice", models.Health.choices, groupable=True, editable=True
        ),
        Column("named", _("Named account"), "bool", groupable=True, editable=True),
        Column("owner", _("Account executive"), "user", groupable=True, editable=True),
        Column("csm", _("Customer success"), "user", groupable=True, editable=True),
        Column(
            "data_residency",
            _("Data residency"),
            "choice",
            RESIDENCY_CHOICES,
            groupable=True,
        ),
        Column(
            "expected_annual_spend_amount",
            _("Expected annual spend"),
            "money",
            currency_path="expected_annual_spend_currency",
            editable=True,
        ),
        Column(
            "annual_value_amount",
            _("Annual value"),
            "money",
            currency_path="annual_value_currency",
        ),
        Column("ltv_amount", _("Lifetime value"), "money", currency_path="ltv_currency"),
        Column("potential_score", _("Potential"), "number"),
        Column("strategic_flag", _("Strategic"), "bool", groupable=True),
        Column("production_nodes", _("Production nodes"), "number"),
        Column("deep_flag", _("Deep user"), "bool", groupable=True),
        Column("data_volume_tb", _("Data (TB)"), "number", editable=True),
        Column("growth_rate", _("Growth rate"), "number", editable=True),
        Column("expected_lifetime_years", _("Lifetime (years)"), "number", editable=True),
        Column("website", _("Website")),
        Column("created_at", _("Created"), "datetime"),
        Column("updated_at", _("Updated"), "datetime"),
    ),
    default_columns=(
        "legal_name",
        "market__code",
        "industry",
        "tier",
        "lifecycle",
        "owner",
        "annual_value_amount",
        "production_nodes",
    ),
    default_sort="legal_name",
    kanban_path="lifecycle",
    title_path="legal_name",
    detail_url=lambda obj: obj.get_absolute_url(),
    update=update_account,
    search_paths=("legal_name", "display_name", "latin_name"),
    empty_text=_(
        "Companies you sell to, with their market, tier and lifecycle. Add the targets of "
        "your named-account plan, or load them through the API."
    ),
    create_url=lambda: reverse("accounts:create"),
    icon="building",
    card_columns=("market__code", "owner", "annual_value_amount"),
    params=(
        Codes("market", "market__code"),
        Choice("tier", "tier", models.Tier),
        Choice("lifecycle", "lifecycle", models.Lifecycle),
        Choice("industry", "industry", models.Industry),
        Choice("health", "health", models.Health),
        Person("owner", "owner"),
        Person("csm", "csm"),
        Flag("named", "named"),
        Flag("strategic", q=_strategic, f=_flag_conditions("strategic_flag", only_true=True)),
        Flag("deep", q=_deep, f=_flag_conditions("deep_flag")),
        Search("q"),
    ),
)


# --- Contacts --------------------------------------------------------------------------------

CONTACT_EDITS = ("full_name", "latin_name", "job_title", "email", "phone", "language", "timezone")


def contact_rows(user: User):
    return scoped(models.Contact, user).select_related("account", "account__market")


@_as_validation_error
def update_contact(obj: models.Contact, path: str, value: Any, user: User) -> models.Contact:
    if path not in CONTACT_EDITS:
        raise ValidationError(_("This field cannot be edited here."))
    contact_services.do_update_contact(obj, user, {path: value or ""})
    return obj


CONTACTS = ListSource(
    key="contacts",
    label=_("Contacts"),
    model=models.Contact,
    queryset=contact_rows,
    columns=(
        Column("full_name", _("Name"), editable=True, width="14rem"),
        Column("latin_name", _("Name in Latin script"), editable=True),
        Column("job_title", _("Job title"), editable=True),
        Column("account__legal_name", _("Account")),
        ACCOUNT_ID_COLUMN,
        ACCOUNT_MARKET,
        Column(
            "account__lifecycle", _("Lifecycle"), "choice", models.Lifecycle.choices, groupable=True
        ),
        Column("roles_text", _("Roles"), sortable=False, filterable=False),
        Column("email", _("E-mail"), editable=True),
        Column("phone", _("Phone"), editable=True),
        Column("language", _("Language"), groupable=True, editable=True, render=_language),
        Column("timezone", _("Time zone"), groupable=True, editable=True, render=_zone),
        Column("created_at", _("Created"), "datetime"),
    ),
    default_columns=(
        "full_name",
        "job_title",
        "account__legal_name",
        "account__market__code",
        "roles_text",
        "email",
        "phone",
    ),
    default_sort="full_name",
    title_path="full_name",
    detail_url=lambda obj: obj.get_absolute_url(),
    update=update_contact,
    search_paths=("full_name", "latin_name", "email", "account__legal_name"),
    empty_text=_(
        "People at your accounts with their roles: procurement, finance, technical lead, "
        "executive sponsor, champion. Add them from an account's page."
    ),
    icon="address-book",
    params=(
        *CHILD_PARAMS,
        Choice(
            "role", choices=models.ContactRole, many=False, q=lambda role, user: role_q(role[0])
        ),
        Search("q"),
    ),
)


# --- Deals -----------------------------------------------------------------------------------


def opportunity_rows(user: User):
    return (
        scoped(models.Opportunity, user)
        .select_related("account", "account__market", "stage", "owner")
        .annotate(
            amount_value=F("amount"),
            is_open=ExpressionWrapper(_open(True, user), output_field=BooleanField()),
        )
    )


def deal_lane_totals(rows: QuerySet, user: User) -> dict[str, tuple[str, str]]:
    """Each stage's total in the reporting currency for the board's lane headers; "≈" marks a
    total with amounts converted from other currencies."""
    currency = reporting_currency()
    result = {}
    for key, total in opportunity_services.totals_by_stage(rows).items():
        text = format_money(total.amount, compact=True)
        if total.converted:
            text = f"≈ {text}"
            title = gettext(
                "Total in %(currency)s; amounts in other currencies converted at the app's rates"
            ) % {"currency": currency}
        else:
            title = gettext("Total in %(currency)s") % {"currency": currency}
        result[key] = (text, title)
    return result


@_as_validation_error
def update_opportunity(
    obj: models.Opportunity, path: str, value: Any, user: User
) -> models.Opportunity:
    if path == "stage__key":
        changes = {"stage": value}
    elif path == "amount_value":
        changes = {"amount": _money_change(obj, "amount", value)}
    elif path in ("name", "close_date", "owner"):
        changes = {path: value}
    else:
        raise ValidationError(_("This field cannot be edited here."))
    opportunity_services.do_update_opportunity(obj, user, changes)
    return obj


OPPORTUNITIES = ListSource(
    key="opportunities",
    label=_("Deals"),
    model=models.Opportunity,
    queryset=opportunity_rows,
    columns=(
        Column("name", _("Deal"), editable=True, width="16rem"),
        Column("account__legal_name", _("Account")),
        ACCOUNT_ID_COLUMN,
        ACCOUNT_MARKET,
        Column(
            "account__industry", _("Industry"), "choice", models.Industry.choices, groupable=True
        ),
        Column("account__tier", _("Tier"), "choice", models.Tier.choices, groupable=True),
        Column(
            "stage__key",
            _("Stage"),
            "choice",
            choices=STAGE_CHOICES,
            groupable=True,
            editable=True,
        ),
        Column("stage__probability", _("Probability (%)"), "number"),
        Column("is_open", pgettext_lazy("deal", "Open"), "bool", groupable=True),
        Column(
            "amount_value", _("Amount"), "money", currency_path="amount_currency", editable=True
        ),
        Column("close_date", _("Close date"), "date", editable=True),
        Column("owner", _("Owner"), "user", groupable=True, editable=True),
        Column("created_at", _("Created"), "datetime"),
        Column("closed_at", _("Closed"), "datetime"),
    ),
    default_columns=(
        "name",
        "account__legal_name",
        "account__market__code",
        "stage__key",
        "amount_value",
        "close_date",
        "owner",
    ),
    default_sort="close_date",
    # Deals open a board of the open ones, soonest to close first.
    default_filters=(Condition("is_open", "eq", "true"),),
    default_layout="kanban",
    lane_totals=deal_lane_totals,
    kanban_path="stage__key",
    title_path="name",
    detail_url=lambda obj: obj.get_absolute_url(),
    update=update_opportunity,
    search_paths=("name", "account__legal_name"),
    empty_text=_(
        "Deals on the pipeline, from qualification to won or lost, with amount, currency and "
        "close date. Open one from an account's page."
    ),
    icon="briefcase",
    card_columns=("account__legal_name", "amount_value", "close_date"),
    params=(
        *CHILD_PARAMS,
        Person("owner", "owner"),
        Choice("stage", "stage__key"),
        Flag("open", "is_open", q=_open),
        Search("q"),
    ),
)


# --- Deployments -----------------------------------------------------------------------------


def deployment_rows(user: User):
    return scoped(models.Deployment, user).select_related("account", "account__market")


@_as_validation_error
def update_deployment(
    obj: models.Deployment, path: str, value: Any, user: User
) -> models.Deployment:
    if path not in deployment_services.EDITABLE_FIELDS:
        raise ValidationError(_("This field cannot be edited here."))
    deployment_services.do_update_deployment(obj, user, {path: value})
    return obj


DEPLOYMENTS = ListSource(
    key="deployments",
    label=_("Deployments"),
    model=models.Deployment,
    queryset=deployment_rows,
    columns=(
        Column("account__legal_name", _("Account"), width="14rem"),
        ACCOUNT_ID_COLUMN,
        ACCOUNT_MARKET,
        Column("product", _("Product"), groupable=True, editable=True),
        Column("version", _("Version"), groupable=True, editable=True),
        Column("node_count", _("Nodes"), "number", editable=True),
        Column(
            "environment",
            _("Environment"),
            "choice",
            models.Environment.choices,
            groupable=True,
            editable=True,
        ),
        Column("cloud_region", _("Cloud region"), groupable=True, editable=True),
        Column("account__production_nodes", _("Account's production nodes"), "number"),
        Column("created_at", _("Created"), "datetime"),
        Column("updated_at", _("Updated"), "datetime"),
    ),
    default_columns=(
        "account__legal_name",
        "account__market__code",
        "product",
        "version",
        "node_count",
        "environment",
        "cloud_region",
    ),
    default_sort="account__legal_name",
    kanban_path="environment",
    title_path="account__legal_name",
    detail_url=lambda obj: obj.get_absolute_url(),
    update=update_deployment,
    search_paths=("account__legal_name", "product", "version", "cloud_region"),
    empty_text=_(
        "What your customers run: product, version, nodes, cloud region and environment. "
        "An account with 50 production nodes or more is a deep user."
    ),
    icon="server",
    card_columns=("version", "node_count", "cloud_region"),
    params=(
        *CHILD_PARAMS,
        Choice("environment", "environment", models.Environment),
        Text("product", "product"),
        Text("version", "version"),
        Text("cloud_region", "cloud_region"),
    ),
)

SOURCES = (ACCOUNTS, CONTACTS, OPPORTUNITIES, DEPLOYMENTS)
