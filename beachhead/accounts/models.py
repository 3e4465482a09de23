"""Accounts: the companies we sell to, their people, deals and deployments.

- ``Account``: a company in one market, with industry, size, tier, lifecycle, its account
  executive (``owner``) and customer-success manager, and the inputs of the lifetime-value
  model. ``named`` puts it on its market's named-account plan (assigned to ``owner``). The
  model's outputs (``annual_value``, ``ltv``, ``potential_score``) and the production node
  count are kept on the row by the services, so lists filter and sort on them in SQL.
- ``Contact``: a person at the account with functional roles.
- ``Stage`` / ``Opportunity``: the configurable deal pipeline and the deals on it.
- ``Deployment`` / ``DeploymentEvent``: what the customer runs, and its history (deep users
  over time are replayed from the history).

Access: an account is seen by the people of its market and by its owner and CSM; it is
changed by them (owner, CSM) and by regional managers of the market. Contacts, deals and
deployments follow their account.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from beachhead.core.access import AccessPolicy, ScopedQuerySet
from beachhead.core.localise import NamedInLanguages, language_key
from beachhead.core.models import validate_timezone
from beachhead.core.money import Money, convert, money_field, reporting_currency
from beachhead.core.roles import Role
from beachhead.markets.vocabulary import DATA_RESIDENCY_REGIONS


def strategic_bar() -> Money:
    """The strategic bar in the reporting currency."""
    bar = Money(Decimal(settings.BEACHHEAD_STRATEGIC_ANNUAL_USD), "USD")
    return convert(bar, reporting_currency())


def is_strategic_value(annual_value: Money) -> bool:
    """True when a yearly value reaches ``BEACHHEAD_STRATEGIC_ANNUAL_USD``."""
    return convert(annual_value, "USD").amount >= Decimal(settings.BEACHHEAD_STRATEGIC_ANNUAL_USD)


class Industry(models.TextChoices):
    """The playbooks' industry codes (``markets.vocabulary.INDUSTRIES`` without "all")."""

    FINANCE = "finance", _("Finance")
    INSURANCE = "insurance", _("Insurance")
    HEALTHCARE = "healthcare", _("Healthcare")
    PUBLIC_SECTOR = "public_sector", _("Public sector")
    TELECOM = "telecom", _("Telecommunications")
    RETAIL = "retail", _("Retail")
    GAMING = "gaming", _("Gaming")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    TECHNOLOGY = "technology", _("Technology")
    EDUCATION = "education", _("Education")
    ENERGY = "energy", _("Energy")
    LOGISTICS = "logistics", _("Logistics")


class Size(models.TextChoices):
    """Employees, in bands (the order matters: the LTV model reads it as a scale)."""

    UNKNOWN = "unknown", pgettext_lazy("company size", "Unknown")
    MICRO = "1-49", _("1–49 employees")
    SMALL = "50-249", _("50–249 employees")
    MEDIUM = "250-999", _("250–999 employees")
    LARGE = "1000-4999", _("1,000–4,999 employees")
    ENTERPRISE = "5000-49999", _("5,000–49,999 employees")
    GIANT = "50000+", _("50,000 or more employees")


class Tier(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic")
    ENTERPRISE = "enterprise", _("Enterprise")
    GROWTH = "growth", _("Growth")


class Lifecycle(models.TextChoices):
    """Target → prospect → pilot → customer → churned (the kanban lanes, in order)."""

    TARGET = "target", _("Target")
    PROSPECT = "prospect", _("Prospect")
    PILOT = "pilot", _("Pilot")
    CUSTOMER = "customer", _("Customer")
    CHURNED = "churned", _("Churned")


def strategic_q() -> Q:
    """The strategic accounts: worth the strategic bar a year or more, and still with us (a
    churned account's estimated value is no longer earned)."""
    bar = strategic_bar()
    return Q(annual_value__gte=bar.amount, annual_value_currency=str(bar.currency)) & ~Q(
        lifecycle=Lifecycle.CHURNED
    )


class Health(models.TextChoices):
    UNKNOWN = "unknown", pgettext_lazy("company health", "Unknown")
    WEAK = "weak", _("Weak")
    FAIR = "fair", _("Fair")
    STRONG = "strong", _("Strong")


class ContactRole(models.TextChoices):
    PROCUREMENT = "procurement", _("Procurement")
    OPERATIONS = "operations", _("Operations")
    LOGISTICS = "logistics", pgettext_lazy("contact role", "Logistics")
    FINANCE = "finance", pgettext_lazy("contact role", "Finance")
    TECHNICAL_LEAD = "technical_lead", _("Technical lead")
    EXECUTIVE_SPONSOR = "executive_sponsor", _("Executive sponsor")
    CHAMPION = "champion", _("Champion (coach)")


class Environment(models.TextChoices):
    PRODUCTION = "production", _("Production")
    STAGING = "staging", _("Staging")
    TEST = "test", _("Test")


RESIDENCY_CHOICES = [(code, label) for code, label in DATA_RESIDENCY_REGIONS.items()]


class Account(models.Model):
    """A company we sell to, in one market, with the inputs of its lifetime value."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    display_name = models.CharField(_("name"), max_length=200, blank=True)
    latin_name = models.CharField(
        _("name in Latin script"),
        max_length=200,
        blank=True,
        help_text=_("A transliteration, for people who cannot read the local script."),
    )
    # PROTECT: a market playbook is never deleted while an account lives in it.
    market = models.ForeignKey(
        "markets.Market", verbose_name=_("market"), on_delete=models.PROTECT, related_name="+"
    )
    country = CountryField(_("country"), blank=True)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    size = models.CharField(_("size"), max_length=12, choices=Size.choices, default=Size.UNKNOWN)
    website = models.URLField(_("website"), blank=True)
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices, default=Tier.GROWTH)
    lifecycle = models.CharField(
        _("lifecycle"), max_length=12, choices=Lifecycle.choices, default=Lifecycle.TARGET
    )
    named = models.BooleanField(
        _("on the named-account plan"),
        default=False,
        help_text=_("A target of its market's plan, assigned to one account executive."),
    )
    # PROTECT: an account never loses its account executive silently; reassign first.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account executive"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_accounts",
    )
    csm = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer-success manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="success_accounts",
    )
    data_residency = models.CharField(
        _("data residency"), max_length=8, choices=RESIDENCY_CHOICES, blank=True
    )

    # Inputs of the lifetime-value model (services/ltv.py).
    expected_annual_spend = money_field(_("expected annual spend"))
    data_volume_tb = models.DecimalField(
        _("data volume (TB)"),
        max_digits=12,
        decimal_places=1,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    yearly_data_spend = money_field(_("yearly spend on data"))
    growth_rate = models.DecimalField(
        _("growth rate"),
        max_digits=5,
        decimal_places=3,
        default=Decimal("0.100"),
        validators=[MinValueValidator(Decimal("-0.9")), MaxValueValidator(Decimal("5"))],
        help_text=_("Expected yearly growth of their spend, e.g. 0.35 for 35 %."),
    )
    expected_lifetime_years = models.DecimalField(
        _("expected lifetime (years)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(5),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal(30))],
    )
    health = models.CharField(
        _("company health"), max_length=8, choices=Health.choices, default=Health.UNKNOWN
    )

    # Outputs, kept in step by the services (in the reporting currency).
    annual_value = money_field(_("annual value"))
    ltv = money_field(_("lifetime value"))
    potential_score = models.PositiveSmallIntegerField(_("potential"), default=0)
    production_nodes = models.PositiveIntegerField(_("production nodes"), default=0)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    access = AccessPolicy(
        market_path="market__code",
        owner_paths=("owner", "csm"),
        editor_roles=frozenset({Role.REGIONAL_MANAGER}),
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["legal_name", "pk"]
        indexes = [
            # The list filters (market first: every scoped query narrows by market).
            models.Index(fields=["market", "lifecycle"], name="account_market_lifecycle"),
            models.Index(fields=["market", "tier"], name="account_market_tier"),
            models.Index(fields=["market", "industry"], name="account_market_industry"),
            models.Index(fields=["market", "named", "owner"], name="account_plan"),
            models.Index(fields=["owner", "lifecycle"], name="account_owner_lifecycle"),
            models.Index(fields=["tier"], name="account_tier"),
            models.Index(fields=["industry"], name="account_industry"),
            models.Index(fields=["lifecycle"], name="account_lifecycle"),
            models.Index(fields=["legal_name"], name="account_legal_name"),
            models.Index(fields=["annual_value"], name="account_annual_value"),
            models.Index(fields=["production_nodes"], name="account_production_nodes"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_annual_spend__gte=0) & Q(yearly_data_spend__gte=0),
                name="account_spend_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(potential_score__lte=100), name="account_potential_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:detail", args=[self.pk])

    @property
    def name(self) -> str:
        """The name people use (the display name, else the legal name)."""
        return self.display_name or self.legal_name

    @property
    def is_strategic(self) -> bool:
        """Worth at least ``BEACHHEAD_STRATEGIC_ANNUAL_USD`` a year (see services.ltv)."""
        return is_strategic_value(self.annual_value)

    @property
    def is_deep_user(self) -> bool:
        """Runs at least ``BEACHHEAD_DEEP_USER_NODES`` nodes in production."""
        return self.production_nodes >= settings.BEACHHEAD_DEEP_USER_NODES


class Contact(models.Model):
    """A person at an account, with the functional roles they hold for us."""

    # Empty for people who wrote to support from a domain no account owns (yet).
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    full_name = models.CharField(_("name"), max_length=200)
    latin_name = models.CharField(
        _("name in Latin script"), max_length=200, blank=True, help_text=_("Optional.")
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # E.164 (+81312345678); pages show it in the national format of its country.
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )
    # A small set of ContactRole codes: a list is enough (filters use services.contacts).
    roles = models.JSONField(_("roles"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    access = AccessPolicy(
        market_path="account__market__code",
        owner_paths=("account__owner", "account__csm"),
        editor_roles=frozenset({Role.REGIONAL_MANAGER}),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["full_name", "pk"]
        indexes = [
            models.Index(fields=["account", "full_name"], name="contact_account"),
            models.Index(fields=["email"], name="contact_email"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        if self.account_id is None:
            return ""
        return reverse("accounts:detail", args=[self.account_id]) + f"#contact-{self.pk}"

    @property
    def role_labels(self) -> list[str]:
        labels = dict(ContactRole.choices)
        return [str(labels.get(code, code)) for code in self.roles or []]

    @property
    def roles_text(self) -> str:
        """The roles as a reader sees them ("Procurement, Finance")."""
        return ", ".join(self.role_labels)


#: The seeded stages' names, translated (a stage someone adds keeps the name they typed).
SEEDED_STAGES = {
    "qualification": _("Qualification"),
    "discovery": _("Discovery"),
    "pilot": _("Pilot"),
    "proposal": _("Proposal"),
    "negotiation": _("Negotiation"),
    "won": _("Won"),
    "lost": _("Lost"),
}
#: Their English names as seeded: a stage renamed since shows its new name.
SEEDED_STAGE_NAMES = {
    "qualification": "Qualification",
    "discovery": "Discovery",
    "pilot": "Pilot",
    "proposal": "Proposal",
    "negotiation": "Negotiation",
    "won": "Won",
    "lost": "Lost",
}


class Stage(NamedInLanguages):
    """A step of the deal pipeline. Seeded by a data migration; edited on the Settings page
    "Deal stages". A stage deals have been in is deactivated, never deleted: new deals and
    moves no longer offer it, the deals in it keep it."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    is_won = models.BooleanField(_("won"), default=False)
    is_lost = models.BooleanField(_("lost"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    access = AccessPolicy(market_path=None, editor_roles=frozenset())

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(is_won=True) & Q(is_lost=True)), name="stage_not_won_and_lost"
            ),
            models.CheckConstraint(condition=Q(probability__lte=100), name="stage_probability"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language: a variant someone gave (``names``), else the
        seeded stages' translated names (while their English name is the seeded one), else the
        name as typed."""
        variant = self.names.get(language_key()) if self.names else None
        if variant:
            return str(variant)
        seeded = SEEDED_STAGES.get(self.key)
        if seeded is not None and self.name == SEEDED_STAGE_NAMES.get(self.key):
            return str(seeded)
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost


class Opportunity(models.Model):
    """A deal: an amount in a currency, a stage, a close date and an owner."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="opportunities"
    )
    name = models.CharField(_("name"), max_length=200)
    # PROTECT: a stage in use cannot vanish from under its deals.
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities"
    )
    amount = money_field(_("amount"))
    close_date = models.DateField(_("close date"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    access = AccessPolicy(
        market_path="account__market__code",
        owner_paths=("owner", "account__owner"),
        editor_roles=frozenset({Role.REGIONAL_MANAGER}),
    )

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["close_date", "pk"]
        indexes = [
            models.Index(fields=["account", "-created_at"], name="opportunity_account"),
            models.Index(fields=["stage", "close_date"], name="opportunity_stage"),
            models.Index(fields=["owner", "stage"], name="opportunity_owner"),
            models.Index(fields=["close_date"], name="opportunity_close_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="opportunity_amount_positive")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:opportunity", args=[self.pk])


class Deployment(models.Model):
    """What a customer runs: a product version on some nodes in a cloud region."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="deployments"
    )
    product = models.CharField(_("product"), max_length=80)
    version = models.CharField(_("version"), max_length=40)
    node_count = models.PositiveIntegerField(_("nodes"), default=1)
    cloud_region = models.CharField(
        _("cloud region"), max_length=80, blank=True, help_text=_("e.g. aws:ap-northeast-1")
    )
    environment = models.CharField(
        _("environment"),
        max_length=12,
        choices=Environment.choices,
        default=Environment.PRODUCTION,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    access = AccessPolicy(
        market_path="account__market__code",
        owner_paths=("account__owner", "account__csm"),
        editor_roles=frozenset({Role.REGIONAL_MANAGER}),
    )

    class Meta:
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        ordering = ["account", "environment", "pk"]
        indexes = [
            models.Index(fields=["account", "environment"], name="deployment_account"),
            models.Index(fields=["product", "version"], name="deployment_version"),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.version} · {self.get_environment_display()}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:detail", args=[self.account_id]) + f"#deployment-{self.pk}"


class DeploymentEvent(models.Model):
    """One change of a deployment (created, resized, moved, retired), as a row to read back.

    Deep-user counts over time replay these rows: an account's production nodes at any moment
    are the node counts its production deployments had then.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Deployed")
        CHANGED = "changed", _("Changed")
        RETIRED = "retired", _("Retired")

    # SET_NULL: the history outlives a deleted deployment (the account keeps its curve).
    deployment = models.ForeignKey(
        Deployment, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="deployment_events")
    deployment_key = models.PositiveBigIntegerField(
        help_text="The deployment's id, kept after it is deleted."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(db_index=True)
    environment = models.CharField(max_length=12, choices=Environment.choices)
    node_count = models.PositiveIntegerField(help_text="Nodes after the change (0 when retired).")
    version = models.CharField(max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    access = AccessPolicy(
        market_path="account__market__code",
        owner_paths=("account__owner", "account__csm"),
        editor_roles=frozenset(),
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["account", "-at"], name="deployment_event_account")]

    def __str__(self) -> str:
        return f"{self.deployment_key} {self.kind} {self.node_count} @ {self.at:%Y-%m-%d}"
