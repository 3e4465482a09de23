"""Changing reply templates and their wordings from the desk's settings.

A template is a title (``name``, with ``names`` by language) and its wordings, each in a
language, optionally for one market, in a tone. Admins change everything; a regional manager
changes the wordings for their markets, adds templates, and changes a template's title only
while every wording of it is for their markets (a wording for every market is the admin's).
A wording's placeholders must be ones the desk fills in, with balanced braces. Every change is
in the audit log."""

from __future__ import annotations

import re
import string
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from beachhead.core.audit import audit_actor
from beachhead.core.changes import assign, changed, check_choice, check_name, clean_changes
from beachhead.core.roles import can
from beachhead.core.services import check_market_codes
from beachhead.support.models import ReplyTemplate, ReplyTemplateVariant, Tone
from beachhead.support.roles import SupportOperation
from beachhead.support.services.desk_scope import covers_all, parse_names, require_operation

#: What the desk fills in when an agent inserts a wording (``views.template_text``).
PLACEHOLDERS = ("customer", "agent", "ticket", "subject", "company")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


def may_change_variant(user: Any, variant: ReplyTemplateVariant) -> bool:
    return can(user, SupportOperation.MANAGE_REPLY_TEMPLATES) and covers_all(
        user, [variant.market_code] if variant.market_code else []
    )


def may_change_template(user: Any, template: ReplyTemplate) -> bool:
    """An admin, or a regional manager when every wording is for one of their markets."""
    if not can(user, SupportOperation.MANAGE_REPLY_TEMPLATES):
        return False
    return user.is_global or all(may_change_variant(user, v) for v in template.variants.all())


def _denied() -> PermissionDenied:
    return PermissionDenied(_("You may change only the reply templates of your markets."))


# Templates -----------------------------------------------------------------------------------


def _key(value: Any) -> str:
    key = slugify(str(value or "").strip())[:60]
    if not key:
        raise ValidationError(_("Give a short key of Latin letters, digits and dashes."))
    return key


def _unique_key(template: ReplyTemplate | None) -> Any:
    def then(cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
        key = cleaned.get("key")
        others = ReplyTemplate.objects.filter(key=key)
        if template is not None:
            others = others.exclude(pk=template.pk)
        if key and others.exists():
            errors["key"] = [_("Another template already has this key.")]

    return then


TEMPLATE_PARSERS = {
    "name": lambda value: check_name(value, required=True),
    "names": parse_names,
    "key": _key,
}


def _free_key(name: str) -> str:
    base = slugify(name)[:50] or "template"
    key, n = base, 2
    while ReplyTemplate.objects.filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    return key


def do_create_reply_template(user: Any, **changes: Any) -> ReplyTemplate:
    """Create a template: its ``name`` (and ``names``); ``key`` defaults to one from the name."""
    require_operation(user, SupportOperation.MANAGE_REPLY_TEMPLATES)
    cleaned = clean_changes(changes, TEMPLATE_PARSERS, required=("name",), then=_unique_key(None))
    cleaned.setdefault("key", _free_key(cleaned["name"]))
    with transaction.atomic(), audit_actor(user):
        return ReplyTemplate.objects.create(**cleaned)


def do_update_reply_template(
    template: ReplyTemplate, user: Any, changes: dict[str, Any]
) -> ReplyTemplate:
    if not may_change_template(user, template):
        raise _denied()
    cleaned = changed(
        template, clean_changes(changes, TEMPLATE_PARSERS, then=_unique_key(template))
    )
    if cleaned:
        with transaction.atomic(), audit_actor(user):
            template.save(update_fields=assign(template, cleaned))
    return template


def do_delete_reply_template(template: ReplyTemplate, user: Any) -> None:
    """Delete a template and its wordings (replies already sent keep their text)."""
    if not may_change_template(user, template):
        raise _denied()
    with transaction.atomic(), audit_actor(user):
        template.delete()


# Wordings ------------------------------------------------------------------------------------


def check_placeholders(body: str) -> str:
    """The wording, once its ``{placeholders}`` are ones the desk fills in."""
    body = str(body or "").strip()
    if not body:
        raise ValidationError(_("Write the text of the reply."))
    try:
        parts = [(name, spec, conv) for _t, name, spec, conv in string.Formatter().parse(body)]
    except ValueError:
        raise ValidationError(
            _(
                "A brace is not closed: write placeholders as {customer}, a brace itself as {{ or }}."
            )
        ) from None
    if any(spec or conv for name, spec, conv in parts if name is not None):
        # {customer:>999999999} would have the server build a string of a gigabyte.
        raise ValidationError(
            _("Write placeholders without a format: {customer}, not {customer:…} or {customer!r}.")
        )
    unknown = sorted(
        {name for name, _s, _c in parts if name is not None and name not in PLACEHOLDERS}
    )
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(names)s: use %(known)s.")
            % {
                "names": ", ".join("{" + n + "}" for n in unknown),
                "known": ", ".join("{" + n + "}" for n in PLACEHOLDERS),
            }
        )
    return body


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([a-z_]+)\}")


def fill_placeholders(body: str, values: dict[str, str]) -> str:
    """The wording with its ``{placeholders}`` filled in and ``{{``/``}}`` made single braces.
    Only plain names are replaced: no format specs, attributes or indexes are ever evaluated,
    so a wording stored before :func:`check_placeholders` refused them stays harmless, and an
    unknown or stray one is left as written."""

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return values.get(match.group(1), token)

    return _PLACEHOLDER.sub(one, body)


def _language(value: Any) -> str:
    code = str(value or "").strip().lower().replace("_", "-")
    if not _LANGUAGE.match(code):
        raise ValidationError(
            _("“%(code)s” is not a language code such as ja or zh-hans.") % {"code": code}
        )
    return code


def _variant_parsers(user: Any) -> dict[str, Any]:
    def market(value: Any) -> str:
        codes = check_market_codes([str(value)]) if str(value or "").strip() else []
        if not covers_all(user, codes):
            raise ValidationError(
                _("Choose a market you manage; only an admin writes wordings for every market.")
            )
        return codes[0] if codes else ""

    return {
        "language": _language,
        "market_code": market,
        "tone": lambda value: check_choice(Tone, value),
        "body": check_placeholders,
    }


def _once(template: ReplyTemplate, variant: ReplyTemplateVariant | None) -> Any:
    def then(cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
        if errors:
            return
        key = {
            name: cleaned.get(name, getattr(variant, name, default))
            for name, default in (("language", None), ("market_code", ""), ("tone", Tone.FORMAL))
        }
        twins = template.variants.filter(**key)
        if variant is not None:
            twins = twins.exclude(pk=variant.pk)
        if key["language"] and twins.exists():
            errors["language"] = [
                _("This template already has a wording in this language, market and tone.")
            ]

    return then


def do_create_reply_variant(
    template: ReplyTemplate, user: Any, **changes: Any
) -> ReplyTemplateVariant:
    """Add a wording: ``language``, ``body``, optionally ``market_code`` and ``tone``."""
    require_operation(user, SupportOperation.MANAGE_REPLY_TEMPLATES)
    cleaned = clean_changes(
        changes,
        _variant_parsers(user),
        required=("language", "body") + (() if user.is_global else ("market_code",)),
        then=_once(template, None),
    )
    with transaction.atomic(), audit_actor(user):
        return ReplyTemplateVariant.objects.create(template=template, **cleaned)


def do_update_reply_variant(
    variant: ReplyTemplateVariant, user: Any, changes: dict[str, Any]
) -> ReplyTemplateVariant:
    if not may_change_variant(user, variant):
        raise _denied()
    cleaned = clean_changes(changes, _variant_parsers(user), then=_once(variant.template, variant))
    cleaned = changed(variant, cleaned)
    if cleaned:
        with transaction.atomic(), audit_actor(user):
            variant.save(update_fields=assign(variant, cleaned))
    return variant


def do_delete_reply_variant(variant: ReplyTemplateVariant, user: Any) -> None:
    if not may_change_variant(user, variant):
        raise _denied()
    with transaction.atomic(), audit_actor(user):
        variant.delete()
