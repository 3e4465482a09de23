"""Contacts: phones validated and formatted per country, roles, counterpart warnings."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from beachhead.accounts.models import Contact
from beachhead.accounts.services import contacts as services
from beachhead.accounts.services.contacts import counterpart_warnings, format_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "country", "e164"),
    [
        ("03-1234-5678", "JP", "+81312345678"),
        ("090 1234 5678", "JP", "+819012345678"),
        ("(212) 555-0123", "US", "+12125550123"),
        ("+49 30 901820", "JP", "+4930901820"),  # its own country code wins
        ("", "JP", ""),
    ],
)
def test_phones_are_stored_in_e164(raw, country, e164):
    assert normalize_phone(raw, country) == e164


@pytest.mark.parametrize("raw", ["123", "hello", "+81 0", "03-1234-56789999"])
def test_impossible_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw, "JP")


def test_phones_are_shown_as_people_dial_them():
    assert format_phone("+81312345678") == "03-1234-5678"
    assert format_phone("+81312345678", viewer_country="US") == "+81 3-1234-5678"
    assert format_phone("") == ""


def test_a_contact_gets_the_account_s_country_language_and_zone(sony, ae):
    # when
    contact = services.do_create_contact(
        sony, ae, full_name="山田 太郎", latin_name="Taro Yamada", phone="03-1234-5678",
        roles=["finance", "procurement", "finance"],
    )  # fmt: skip

    # then
    assert contact.phone == "+81312345678"
    assert contact.roles == ["procurement", "finance"]  # vocabulary order, no repeats
    assert contact.timezone == "Asia/Tokyo"
    assert contact.language == "ja"


def test_a_contact_without_an_account_takes_an_international_phone(make_user):
    # Support creates contacts from mail whose domain no account owns.
    contact = Contact.objects.create(full_name="Someone", email="someone@example.com")
    services.do_update_contact(contact, make_user("admin"), {"phone": "+81 3-1234-5678"})
    contact.refresh_from_db()
    assert contact.phone == "+81312345678"
    with pytest.raises(ValidationError) as info:
        services.do_update_contact(contact, make_user("admin"), {"phone": "03-1234-5678"})
    assert set(info.value.message_dict) == {"phone"}


def test_bad_contact_input_is_refused_by_field(sony, ae):
    with pytest.raises(ValidationError) as info:
        services.do_create_contact(
            sony, ae, full_name="", phone="12", roles=["cook"], email="x@", language="??"
        )
    assert set(info.value.message_dict) == {"full_name", "phone", "roles", "email", "language"}


def test_roles_filter_on_every_database(sony, ae):
    services.do_create_contact(sony, ae, full_name="A", roles=["finance"])
    services.do_create_contact(sony, ae, full_name="B", roles=["technical_lead", "champion"])
    services.do_create_contact(sony, ae, full_name="C", roles=["executive_sponsor"])
    found = services.with_role(Contact.objects.all(), "champion")
    assert [c.full_name for c in found] == ["B"]


def test_a_customer_without_counterparts_for_contract_roles_is_warned(sony, ae):
    # given: a customer with one contact, in procurement
    only = services.do_create_contact(sony, ae, full_name="A", roles=["procurement"])

    # when
    warnings = counterpart_warnings(sony, [only])

    # then: finance, technical lead and executive sponsor are missing; one thread only
    assert [w.role for w in warnings if w.code == "missing_role"] == [
        "finance",
        "technical_lead",
        "executive_sponsor",
    ]
    assert any(w.code == "single_thread" for w in warnings)


def test_a_full_roster_has_no_warning(sony, ae):
    people = [
        services.do_create_contact(sony, ae, full_name="A", roles=["procurement", "finance"]),
        services.do_create_contact(
            sony, ae, full_name="B", roles=["technical_lead", "executive_sponsor"]
        ),
    ]
    assert counterpart_warnings(sony, people) == []


def test_targets_are_not_warned(make_account, ae):
    target = make_account(owner=ae, lifecycle="target")
    assert counterpart_warnings(target, []) == []
