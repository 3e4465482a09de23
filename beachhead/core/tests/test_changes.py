"""Checking proposed changes (beachhead.core.changes): one table of field → parser, one
ValidationError with every field's messages, and only the values that really change."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from djmoney.models.fields import MoneyField

from beachhead.core import changes
from beachhead.core.changes import clean_changes, using_cleaned


def positive(value):
    number = int(value)
    if number <= 0:
        raise ValidationError("Give a positive number.")
    return number


TABLE = {"name": lambda v: changes.check_name(v, required=True), "nodes": positive}


def test_the_cleaned_values_of_the_fields_the_change_names():
    assert clean_changes({"name": "  Sony   Group ", "nodes": "3"}, TABLE) == {
        "name": "Sony Group",
        "nodes": 3,
    }
    assert clean_changes({"nodes": "3"}, TABLE) == {"nodes": 3}


def test_every_field_s_messages_in_one_error_in_the_table_s_order():
    # given: two bad values and a required field the change leaves out
    table = {"nodes": positive, "name": lambda v: changes.check_name(v, required=True), "size": str}

    # when
    with pytest.raises(ValidationError) as caught:
        clean_changes({"name": " ", "nodes": "0"}, table, required=("size", "name"))

    # then: the required field a parser already refused keeps the parser's message
    assert caught.value.message_dict == {
        "nodes": ["Give a positive number."],
        "name": ["A name is required."],
        "size": ["This field is required."],
    }
    assert list(caught.value.message_dict) == ["nodes", "name", "size"]


def test_fields_that_cannot_be_set_are_refused_before_any_parser_runs():
    calls = []

    def spy(value):
        calls.append(value)
        return value

    with pytest.raises(ValidationError) as caught:
        clean_changes({"name": "x", "password": "p", "id": 3}, {"name": spy})

    assert caught.value.message_dict == {
        "id": ["This field cannot be set."],
        "password": ["This field cannot be set."],
    }
    assert calls == []


def test_editable_fields_and_the_message_for_the_others_can_be_given():
    # given: "holiday_country" is editable but checked with others in ``then``
    with pytest.raises(ValidationError) as caught:
        clean_changes(
            {"countries": ["JP"]},
            {"name": str},
            editable=("name", "holiday_country"),
            unknown_message="Only in the playbook file.",
        )
    assert caught.value.message_dict == {"countries": ["Only in the playbook file."]}
    assert (
        clean_changes(
            {"holiday_country": "JP"}, {"name": str}, editable=("name", "holiday_country")
        )
        == {}
    )


def test_a_parser_using_cleaned_sees_the_values_cleaned_before_it():
    currencies = {"JP": "JPY", "DE": "EUR"}
    table = {
        "market": lambda v: v.upper(),
        "amount": using_cleaned(lambda v, cleaned: f"{v} {currencies[cleaned['market']]}"),
    }
    assert clean_changes({"amount": "100", "market": "de"}, table) == {
        "market": "DE",
        "amount": "100 EUR",
    }


def test_then_checks_across_fields_and_its_errors_join_the_others():
    def then(cleaned, errors):
        if cleaned.get("nodes", 0) > 10:
            errors["nodes"] = ["Too many for one name."]
        cleaned["label"] = cleaned.get("name", "").lower()

    assert clean_changes({"name": "Sony"}, TABLE, then=then) == {"name": "Sony", "label": "sony"}
    with pytest.raises(ValidationError) as caught:
        clean_changes({"name": "", "nodes": "11"}, TABLE, then=then)
    assert caught.value.message_dict == {
        "name": ["A name is required."],
        "nodes": ["Too many for one name."],
    }


def test_changed_keeps_only_what_differs_from_the_row():
    row = SimpleNamespace(name="Sony", nodes=3)
    assert changes.changed(row, {"name": "Sony", "nodes": 4}) == {"nodes": 4}
    assert changes.changed(None, {"name": "Sony"}) == {"name": "Sony"}


def test_assign_puts_the_values_on_the_row_and_names_a_money_field_s_currency_column():
    # given: a row whose model has a text field and a money field
    fields = {"name": models.CharField(max_length=20), "amount": MoneyField(max_digits=19)}
    row = SimpleNamespace(_meta=SimpleNamespace(get_field=fields.__getitem__))

    # when
    columns = changes.assign(row, {"name": "Renewal", "amount": Decimal(5)})

    # then
    assert columns == ["name", "amount", "amount_currency"]
    assert (row.name, row.amount) == ("Renewal", Decimal(5))


def test_check_name_folds_white_space_and_refuses_long_or_missing_names():
    assert changes.check_name(" Mei   Ling\n") == "Mei Ling"
    assert changes.check_name(None) == ""
    with pytest.raises(ValidationError, match="A name is required"):
        changes.check_name("  ", required=True)
    with pytest.raises(ValidationError, match="At most 200 characters"):
        changes.check_name("x" * 201)


def test_check_choice_reads_a_code_in_any_case():
    class Size(models.TextChoices):
        SMALL = "small", "Small"
        LARGE = "large", "Large"

    assert changes.check_choice(Size, " Large ") == "large"
    with pytest.raises(ValidationError) as caught:
        changes.check_choice(Size, "huge")
    assert caught.value.messages == ["“huge” is not one of: small, large."]
