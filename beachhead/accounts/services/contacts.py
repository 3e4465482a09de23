"""People at an account: names in any script, phones per country, functional roles.

Phones are validated with ``phonenumbers`` for the contact's country (the account's, unless
the number carries its own +country code), stored in E.164 and shown in the national format.
``counterpart_warnings`` says what a customer account lacks: a named counterpart for each role
its contracts need, and more than one thread into the company.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers
from babel import Locale, UnknownLocaleError
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from beachhead.accounts.models import Account, Contact, ContactRole, Lifecycle
from beachhead.core.access import Action, require
from beachhead.core.audit import audit_actor
from beachhead.core.changes import assign, changed, check_name, clean_changes
from beachhead.core.models import User, validate_timezone

#: The roles every customer's contracts need a named counterpart for (contracts will name
#: their own later; until then this list).
REQUIRED_ROLES = (
    ContactRole.PROCUREMENT,
    ContactRole.FINANCE,
    ContactRole.TECHNICAL_LEAD,
    ContactRole.EXECUTIVE_SPONSOR,
)
#: Lifecycles in which an account has contracts, so its roster matters.
ROSTER_LIFECYCLES = (Lifecycle.PILOT, Lifecycle.CUSTOMER)
EDITABLE_FIELDS = (
    "full_name",
    "latin_name",
    "job_title",
    "email",
    "phone",
    "language",
    "timezone",
    "roles",
)


@dataclass(frozen=True)
class CounterpartWarning:
    code: str
    text: str
    role: str = ""


# --- Phones ----------------------------------------------------------------------------------


def normalize_phone(raw: str, country: str = "") -> str:
    """``raw`` as E.164 ("+81312345678"), read in ``country`` unless it starts with +.

    Raises ``ValidationError`` for numbers that cannot exist.
    """
    text = str(raw or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _(
                "“%(phone)s” is not a phone number; give it with its country code, e.g. +81 3 1234 5678."
            )
            % {"phone": text},
            code="bad_phone",
        ) from None
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(phone)s” cannot be a phone number in %(country)s.")
            % {
                "phone": text,
                "country": phonenumbers.region_code_for_number(number) or country or "?",
            },
            code="bad_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)  # parsing is slow and an account's page shows up to 100 numbers
def format_phone(e164: str, viewer_country: str = "") -> str:
    """A stored number as people dial it: national format in its own country, international
    format for a viewer elsewhere (``viewer_country``), the raw value if it does not parse."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    if viewer_country and viewer_country.upper() != region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


# --- Checks ----------------------------------------------------------------------------------


def check_roles(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",") if part.strip()]
    if not isinstance(value, list | tuple | set):
        raise ValidationError(_('Give the roles as a list, e.g. ["procurement", "finance"].'))
    roles = []
    for item in value:
        code = str(item).strip().lower()
        if code not in ContactRole.values:
            raise ValidationError(
                _("“%(role)s” is not a role; use: %(roles)s.")
                % {"role": item, "roles": ", ".join(ContactRole.values)}
            )
        if code not in roles:
            roles.append(code)
    # Stored in the vocabulary's order, so the same set is always the same list.
    return [code for code in ContactRole.values if code in roles]


def check_language(value: Any) -> str:
    code = str(value or "").strip()
    if not code:
        return ""
    try:
        Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        raise ValidationError(
            _("“%(code)s” is not a language code such as ja, zh-Hans or de.") % {"code": value}
        ) from None
    return code


def check_contact_changes(
    changes: dict[str, Any], account: Account | None, contact: Contact | None = None
) -> dict[str, Any]:
    """Validate and normalise; raises ``ValidationError`` keyed by field."""
    cleaned = clean_changes(
        changes,
        {
            "full_name": lambda v: check_name(v, required=True),
            "latin_name": check_name,
            "job_title": check_name,
            "email": _email,
            "phone": lambda v: normalize_phone(
                v, str(account.country or "") if account is not None else ""
            ),
            "language": check_language,
            "timezone": _timezone,
            "roles": check_roles,
        },
        editable=EDITABLE_FIELDS,
        required=() if contact is not None else ("full_name",),
    )
    return changed(contact, cleaned)


def _email(value: Any) -> str:
    text = str(value or "").strip()
    if text:
        validate_email(text)
    return text.lower()


def _timezone(value: Any) -> str:
    text = str(value or "").strip()
    if text:
        validate_timezone(text)
    return text


# --- Performing ------------------------------------------------------------------------------


def do_create_contact(account: Account, user: User, **fields: Any) -> Contact:
    """Add a person to ``account`` (whoever may change the account may add its people)."""
    require(user, account, Action.CHANGE, _("You may not change this account."))
    cleaned = check_contact_changes(fields, account)
    if not cleaned.get("timezone") and account.market.timezones:
        cleaned["timezone"] = account.market.timezone
    if not cleaned.get("language") and account.market.languages:
        cleaned["language"] = account.market.languages[0]
    contact = Contact(account=account, **cleaned)
    with transaction.atomic(), audit_actor(user):
        contact.save()
    return contact


def do_update_contact(contact: Contact, user: User, changes: dict[str, Any]) -> list[str]:
    require(user, contact, Action.CHANGE, _("You may not change this contact."))
    cleaned = check_contact_changes(changes, contact.account, contact)
    if not cleaned:
        return []
    with transaction.atomic(), audit_actor(user):
        contact.save(update_fields=[*assign(contact, cleaned), "updated_at"])
    return sorted(cleaned)


def do_delete_contact(contact: Contact, user: User) -> None:
    require(user, contact, Action.DELETE, _("You may not change this contact."))
    with transaction.atomic(), audit_actor(user):
        contact.delete()


# --- Reading ---------------------------------------------------------------------------------


def with_role(queryset: QuerySet, role: str, path: str = "roles") -> QuerySet:
    """Contacts (or rows reaching them through ``path``) who hold ``role``.

    JSON containment where the database has it (PostgreSQL, MySQL); on SQLite the stored list
    is matched as text, which is exact for our quoted codes.
    """
    if connection.features.supports_json_field_contains:
        return queryset.filter(**{f"{path}__contains": [role]})
    return queryset.filter(**{f"{path}__icontains": f'"{role}"'})


def role_q(role: str, path: str = "roles") -> Q:
    if connection.features.supports_json_field_contains:
        return Q(**{f"{path}__contains": [role]})
    return Q(**{f"{path}__icontains": f'"{role}"'})


def contacts_by_role(contacts: list[Contact]) -> list[tuple[str, str, list[Contact]]]:
    """(role, label, contacts) for every role, in the vocabulary's order, empty ones too."""
    return [
        (code, str(label), [c for c in contacts if code in (c.roles or [])])
        for code, label in ContactRole.choices
    ]


def counterpart_warnings(account: Account, contacts: list[Contact]) -> list[CounterpartWarning]:
    """What the roster of a customer (or pilot) account lacks, in words; [] when nothing."""
    if account.lifecycle not in ROSTER_LIFECYCLES:
        return []
    warnings = []
    held = {role for contact in contacts for role in (contact.roles or [])}
    labels = dict(ContactRole.choices)
    for role in REQUIRED_ROLES:
        if role not in held:
            warnings.append(
                CounterpartWarning(
                    "missing_role",
                    _("No named counterpart for %(role)s: contracts need one.")
                    % {"role": str(labels[role]).lower()},
                    role,
                )
            )
    if len(contacts) <= 1:
        warnings.append(
            CounterpartWarning(
                "single_thread",
                _(
                    "Only one contact in total: the whole relationship hangs on a single "
                    "person. Name several counterparts."
                )
                if contacts
                else _("No contact at all: nobody at the customer is named."),
            )
        )
    return warnings
