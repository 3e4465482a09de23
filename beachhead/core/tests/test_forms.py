"""The forms every pillar builds on (beachhead.core.forms): Tabler's classes on the widgets, a
service's input from a form and its errors back onto it."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from beachhead.core.forms import ServiceForm, StyledForm, style_fields


class Everything(forms.Form):
    text = forms.CharField()
    choice = forms.ChoiceField(choices=[("a", "A")])
    flag = forms.BooleanField(required=False)
    many = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
    one = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)
    hidden = forms.CharField(widget=forms.HiddenInput)
    mono = forms.CharField(widget=forms.Textarea(attrs={"class": "form-control font-monospace"}))


def test_style_fields_gives_each_kind_of_widget_tabler_s_class():
    form = Everything()
    style_fields(form)
    classes = {name: field.widget.attrs.get("class") for name, field in form.fields.items()}
    assert classes == {
        "text": "form-control",
        "choice": "form-select",
        "flag": "form-check-input",
        "many": "form-check-input",
        "one": "form-check-input",
        "hidden": None,
        "mono": "form-control font-monospace",
    }


class SignUp(StyledForm):
    autocomplete = {"email": "email"}
    email = forms.EmailField()
    stamp = forms.CharField(widget=forms.HiddenInput)


def test_a_styled_form_is_styled_and_carries_its_autocomplete_hints():
    form = SignUp()
    attrs = form.fields["email"].widget.attrs
    assert (attrs["class"], attrs["autocomplete"]) == ("form-control", "email")
    assert form.fields["stamp"].widget.attrs == {}


class DealForm(ServiceForm):
    money_fields = ("amount",)
    name = forms.CharField()
    amount_amount = forms.DecimalField()
    amount_currency = forms.ChoiceField(choices=[("USD", "USD"), ("JPY", "JPY")])


def test_changes_hand_a_money_field_over_as_amount_and_currency():
    form = DealForm({"name": "Renewal", "amount_amount": "1200", "amount_currency": "JPY"})
    assert form.is_valid(), form.errors
    assert form.changes() == {
        "name": "Renewal",
        "amount": {"amount": Decimal(1200), "currency": "JPY"},
    }


def test_a_service_s_errors_come_back_onto_the_form():
    # given
    form = DealForm({"name": "Renewal", "amount_amount": "1", "amount_currency": "USD"})
    assert form.is_valid()

    # when: errors by field (a money field's go to its amount), and one for the form
    form.add_service_errors(
        ValidationError({"name": ["Taken."], "amount": ["Too small."], "stage": ["Closed."]})
    )

    # then
    assert form.errors["name"] == ["Taken."]
    assert form.errors["amount_amount"] == ["Too small."]
    assert form.non_field_errors() == ["Closed."]


def test_a_refusal_is_an_error_of_the_whole_form():
    form = DealForm({"name": "Renewal", "amount_amount": "1", "amount_currency": "USD"})
    assert form.is_valid()
    form.add_service_errors(PermissionDenied("You may not change this deal."))
    form.add_service_errors(PermissionDenied())
    assert form.non_field_errors() == ["You may not change this deal.", "You may not change this."]
