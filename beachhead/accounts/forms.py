"""Forms of the account pages. They only shape input for the services, which validate it
(``ValidationError`` by field comes back onto the form) and perform the change."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from beachhead.accounts.models import (
    ContactRole,
    Environment,
    Health,
    Industry,
    Lifecycle,
    Size,
    Tier,
)
from beachhead.core.forms import ServiceForm, style_fields
from beachhead.core.money import currency_choices
from beachhead.markets.vocabulary import DATA_RESIDENCY_REGIONS


def _blank(choices, label="—"):
    return [("", label), *choices]


class AccountForm(ServiceForm):
    money_fields = ("expected_annual_spend", "yearly_data_spend")

    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    display_name = forms.CharField(label=_("Name people use"), max_length=200, required=False)
    latin_name = forms.CharField(label=_("Name in Latin script"), max_length=200, required=False)
    market = forms.ChoiceField(label=_("Market"))
    country = forms.ChoiceField(label=_("Country"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    size = forms.ChoiceField(label=_("Size"), choices=Size.choices)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices, initial=Tier.GROWTH)
    lifecycle = forms.ChoiceField(label=_("Lifecycle"), choices=Lifecycle.choices)
    health = forms.ChoiceField(label=_("Company health"), choices=Health.choices)
    named = forms.BooleanField(label=_("On the named-account plan"), required=False)
    owner = forms.ChoiceField(label=_("Account executive"), required=False)
    csm = forms.ChoiceField(label=_("Customer-success manager"), required=False)
    data_residency = forms.ChoiceField(
        label=_("Data residency"),
        required=False,
        help_text=_("Empty: what the market's playbook requires for the industry."),
    )
    expected_annual_spend_amount = forms.DecimalField(
        label=_("Expected annual spend"), min_value=0, decimal_places=2, initial=0
    )
    expected_annual_spend_currency = forms.ChoiceField(label=_("Currency"))
    data_volume_tb = forms.DecimalField(
        label=_("Data volume (TB)"), min_value=0, decimal_places=1, initial=0
    )
    yearly_data_spend_amount = forms.DecimalField(
        label=_("Yearly spend on data"), min_value=0, decimal_places=2, initial=0
    )
    yearly_data_spend_currency = forms.ChoiceField(label=_("Currency"))
    growth_rate = forms.DecimalField(
        label=_("Growth rate"),
        decimal_places=3,
        initial=Decimal("0.1"),
        help_text=_("Expected yearly growth of their spend, e.g. 0.35 for 35 %."),
    )
    expected_lifetime_years = forms.DecimalField(
        label=_("Expected lifetime (years)"), decimal_places=1, initial=5
    )

    def __init__(self, *args, markets=(), people=(), manager=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["market"].choices = [(m.code, f"{m.code} · {m.name}") for m in markets]
        self.fields["country"].choices = _blank(list(countries))
        people_choices = _blank([(str(p.pk), str(p)) for p in people], _("Nobody"))
        self.fields["owner"].choices = people_choices
        self.fields["csm"].choices = people_choices
        self.fields["data_residency"].choices = _blank(list(DATA_RESIDENCY_REGIONS.items()))
        for name in ("expected_annual_spend_currency", "yearly_data_spend_currency"):
            self.fields[name].choices = currency_choices()
            self.fields[name].initial = "USD"
        if not manager:
            # Who owns an account and what is on the plan is the manager's call.
            del self.fields["owner"]
            del self.fields["named"]


class ContactForm(ServiceForm):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    latin_name = forms.CharField(label=_("Name in Latin script"), max_length=200, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=ContactRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        help_text=_(
            "As the contact gives it; numbers without +country are read in the account's country."
        ),
    )
    language = forms.CharField(label=_("Language"), max_length=16, required=False)
    timezone = forms.CharField(label=_("Time zone"), max_length=64, required=False)


class OpportunityForm(ServiceForm):
    money_fields = ("amount",)

    name = forms.CharField(label=_("Deal"), max_length=200)
    stage = forms.ChoiceField(label=_("Stage"))
    amount_amount = forms.DecimalField(label=_("Amount"), min_value=0, decimal_places=2)
    amount_currency = forms.ChoiceField(label=_("Currency"))
    close_date = forms.DateField(
        label=_("Close date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, stages=(), currency="USD", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s.key, s.label) for s in stages]
        self.fields["amount_currency"].choices = currency_choices()
        self.fields["amount_currency"].initial = currency


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"))

    def __init__(self, *args, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s.key, s.label) for s in stages]
        style_fields(self)


class DeploymentForm(ServiceForm):
    product = forms.CharField(label=_("Product"), max_length=80)
    version = forms.CharField(label=_("Version"), max_length=40)
    node_count = forms.IntegerField(label=_("Nodes"), min_value=0)
    environment = forms.ChoiceField(label=_("Environment"), choices=Environment.choices)
    cloud_region = forms.CharField(
        label=_("Cloud region"),
        max_length=80,
        required=False,
        help_text=_("e.g. aws:ap-northeast-1"),
    )
