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
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from beachhead.accounts.models import Account, Contact, ContactRole, Lifecycle
from beachhead.accounts.services._common import audit_actor
from beachhead.core.access import Action, may
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
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, _("This field cannot be set.")))
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def check(name, func):
        if name in changes:
            try:
                cleaned[name] = func(changes[name])
            except ValidationError as exc:
                errors[name] = exc.messages

    def name(value, required=False):
        text = " ".join(str(value or "").split())
        if required and not text:
            raise ValidationError(_("A name is required."))
        if len(text) > 200:
            raise ValidationError(_("At most 200 characters."))
        return text

    def email(value):
        text = str(value or "").strip()
        if text:
            validate_email(text)
        return text.lower()

    def tz(value):
        text = str(value or "").strip()
        if text:
            validate_timezone(text)
        return text

    check("full_name", lambda v: name(v, required=True))
    check("latin_name", name)
    check("job_title", name)
    check("email", email)
    country = str(account.country or "") if account is not None else ""
    check("phone", lambda v: normalize_phone(v, country))
    check("language", check_language)
    check("timezone", tz)
    check("roles", check_roles)
    if contact is None and "full_name" not in changes:
        errors["full_name"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    if contact is not None:
        cleaned = {k: v for k, v in cleaned.items() if getattr(contact, k) != v}
    return cleaned


# --- Performing ------------------------------------------------------------------------------


def do_create_contact(account: Account, user: User, **fields: Any) -> Contact:
    """Add a person to ``account`` (whoever may change the account may add its people)."""
    if not may(user, account, Action.CHANGE):
        raise PermissionDenied(_("You may not change this account."))
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
    if not may(user, contact, Action.CHANGE):
        raise PermissionDenied(_("You may not change this contact."))
    cleaned = check_contact_changes(changes, contact.account, contact)
    if not cleaned:
        return []
    with transaction.atomic(), audit_actor(user):
        for name, value in cleaned.items():
            setattr(contact, name, value)
        contact.save(update_fields=[*cleaned, "updated_at"])
    return sorted(cleaned)


def do_delete_contact(contact: Contact, user: User) -> None:
    if not may(user, contact, Action.DELETE):
        raise PermissionDenied(_("You may not change this contact."))
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
