"""Create, change and delete accounts.

``check_account_changes`` validates and normalises (keyed by field, all problems at once);
``do_create_account`` / ``do_update_account`` / ``do_delete_account`` perform, inside a
transaction, with the acting user named in the audit log. The lifetime-value outputs on the
row (``annual_value``, ``ltv``, ``potential_score``) are recomputed whenever an input changes.

Who may do what: the access layer decides which accounts a user may change (their own as
account executive or CSM; every account of their markets as regional manager; all for admins
and executives). Creating needs a market the user works in; an account executive creates
accounts they own. Putting an account on the named-account plan or giving it to another
account executive is a manager's decision (regional manager of the market, admin, executive).
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from beachhead.accounts.models import Account, Health, Industry, Lifecycle, Size, Tier
from beachhead.accounts.services import ltv as ltv_model
from beachhead.core.access import Action, may_in_market, require, scoped
from beachhead.core.audit import audit_actor
from beachhead.core.changes import (
    assign,
    changed,
    check_choice,
    check_name,
    clean_changes,
    using_cleaned,
)
from beachhead.core.models import User
from beachhead.core.money import Money, parse_decimal, parse_money
from beachhead.core.roles import Role
from beachhead.core.services import covers_market, parse_user
from beachhead.markets.models import Market
from beachhead.markets.vocabulary import DATA_RESIDENCY_REGIONS

#: The lifetime-value model's own inputs (with the account's size, below).
_LTV_FIELDS = (
    "expected_annual_spend",
    "data_volume_tb",
    "yearly_data_spend",
    "growth_rate",
    "expected_lifetime_years",
    "health",
)
#: Fields a person may set on an account (the outputs of the model are not among them).
EDITABLE_FIELDS = (
    "legal_name",
    "display_name",
    "latin_name",
    "market",
    "country",
    "industry",
    "size",
    "website",
    "tier",
    "lifecycle",
    "named",
    "owner",
    "csm",
    "data_residency",
    *_LTV_FIELDS,
)
#: Inputs of the lifetime-value model: changing one recomputes the outputs.
LTV_INPUTS = frozenset({*_LTV_FIELDS, "size"})
#: Only a manager of the market decides who owns an account and what is on the plan.
MANAGER_FIELDS = frozenset({"owner", "named"})
OUTPUT_FIELDS = (
    "annual_value",
    "annual_value_currency",
    "ltv",
    "ltv_currency",
    "potential_score",
)

_CHOICES = {
    "industry": Industry,
    "size": Size,
    "tier": Tier,
    "lifecycle": Lifecycle,
    "health": Health,
}


def is_manager_of(user: User, market_code: str) -> bool:
    """True when ``user`` manages accounts of the market (assigns them, plans them)."""
    return may_in_market(user, Account, market_code)


def may_create_account(user: User, market_code: str) -> bool:
    """Managers of the market, and account executives and CSMs who work in it."""
    if is_manager_of(user, market_code):
        return True
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.role in (Role.ACCOUNT_EXECUTIVE, Role.CUSTOMER_SUCCESS)
        and market_code in (user.market_codes or [])
    )


def _whole(money: Money) -> Money:
    return Money(Decimal(money.amount).quantize(Decimal(1)), str(money.currency))


def apply_valuation(account: Account) -> ltv_model.Valuation:
    """Recompute the lifetime-value outputs on ``account`` (not saved)."""
    valuation = ltv_model.value_account(account, explain=False)
    # Estimates: kept in whole units of the reporting currency (no false precision).
    account.annual_value = _whole(valuation.annual_value)
    account.ltv = _whole(valuation.ltv)
    account.potential_score = valuation.potential_score
    return valuation


def _market(value: Any, user: User) -> Market:
    code = value.code if isinstance(value, Market) else str(value or "").strip().upper()
    market = scoped(Market, user).filter(code=code).first() if code else None
    if market is None:
        raise ValidationError(
            _("“%(code)s” is not a market code you work in; use an ISO code such as JP.")
            % {"code": value}
        )
    return market


def check_account_changes(
    changes: dict[str, Any], user: User, account: Account | None = None
) -> dict[str, Any]:
    """Validate and normalise ``changes`` to ``account`` (None: a new account).

    Returns the cleaned values of the fields that change. Raises ``ValidationError`` keyed by
    field name; ``PermissionDenied`` when a field needs a manager.
    """

    def currency(cleaned: dict[str, Any]) -> str:
        market = cleaned.get("market") or (account.market if account else None)
        return market.currency if market else "USD"

    cleaned = clean_changes(
        changes,
        {
            "legal_name": lambda v: check_name(v, required=True),
            "display_name": check_name,
            "latin_name": check_name,
            "market": lambda v: _market(v, user),
            **{name: partial(check_choice, choices) for name, choices in _CHOICES.items()},
            "named": lambda v: v in (True, "true", "True", "1", 1, "on", "yes"),
            "website": _website,
            "country": _country,
            "data_residency": _residency,
            "owner": lambda v: parse_user(v, _("account executive")),
            "csm": lambda v: parse_user(v, _("customer-success manager")),
            "data_volume_tb": lambda v: parse_decimal(v, minimum=Decimal(0), maximum=10**10),
            "growth_rate": lambda v: parse_decimal(v, minimum=Decimal("-0.9"), maximum=5),
            "expected_lifetime_years": lambda v: parse_decimal(
                v, minimum=Decimal("0.5"), maximum=30
            ),
            "expected_annual_spend": using_cleaned(lambda v, c: parse_money(v, currency(c))),
            "yearly_data_spend": using_cleaned(lambda v, c: parse_money(v, currency(c))),
        },
        editable=EDITABLE_FIELDS,
        required=() if account is not None else ("legal_name", "market", "industry"),
    )
    market = cleaned.get("market") or (account.market if account else None)
    code = market.code if market else ""
    errors = {
        role_field: [_("%(person)s does not work in %(market)s.") % {"person": p, "market": code}]
        for role_field in ("owner", "csm")
        if (p := cleaned.get(role_field)) is not None and not covers_market(p, code)
    }
    if errors:
        raise ValidationError(errors)
    cleaned = changed(account, cleaned)
    manager = bool(code) and is_manager_of(user, code)
    if not manager:
        denied = sorted(MANAGER_FIELDS & set(cleaned))
        if account is None and cleaned.get("owner") in (None, user):
            denied = [d for d in denied if d != "owner"]
        if denied:
            raise PermissionDenied(
                _("Only a manager of the market assigns accounts and plans them: %(fields)s.")
                % {"fields": ", ".join(denied)}
            )
    return cleaned


def _website(value: Any) -> str:
    from django.core.validators import URLValidator

    text = str(value or "").strip()
    if text and "://" not in text:
        text = f"https://{text}"
    if text:
        URLValidator(schemes=["http", "https"])(text)
    return text


def _country(value: Any) -> str:
    code = str(value or "").strip().upper()
    if code and code not in dict(countries):
        raise ValidationError(_("“%(code)s” is not an ISO country code.") % {"code": value})
    return code


def _residency(value: Any) -> str:
    code = str(value or "").strip().lower()
    if code and code not in DATA_RESIDENCY_REGIONS:
        raise ValidationError(
            _("“%(code)s” is not a data-residency region; use one of: %(regions)s.")
            % {"code": value, "regions": ", ".join(DATA_RESIDENCY_REGIONS)}
        )
    return code


def do_create_account(user: User, **fields: Any) -> Account:
    """Create an account on behalf of ``user``.

    Defaults: the owner is the creating account executive; the country is the market's
    first; the data residency is what the market's playbook requires for the industry.
    """
    market_value = fields.get("market")
    code = market_value.code if isinstance(market_value, Market) else str(market_value or "")
    if code and not may_create_account(user, code.upper()):
        # Say nothing about markets the user does not see: the same answer as a typo.
        if not scoped(Market, user).filter(code=code.upper()).exists():
            raise ValidationError(
                {
                    "market": [
                        _(
                            "“%(code)s” is not a market code you work in; use an ISO code such as JP."
                        )
                        % {"code": code}
                    ]
                }
            )
        raise PermissionDenied(_("You may not create accounts in %(market)s.") % {"market": code})
    cleaned = check_account_changes(fields, user)
    market = cleaned["market"]
    if "owner" not in cleaned and user.role == Role.ACCOUNT_EXECUTIVE:
        cleaned["owner"] = user
    if "csm" not in cleaned and user.role == Role.CUSTOMER_SUCCESS:
        cleaned["csm"] = user
    if not cleaned.get("country"):
        cleaned["country"] = (market.countries or [""])[0]
    for money_field in ("expected_annual_spend", "yearly_data_spend"):
        cleaned.setdefault(money_field, Money(Decimal(0), market.currency))
    if not cleaned.get("data_residency"):
        by_industry = market.data_residency_by_industry or {}
        cleaned["data_residency"] = by_industry.get(cleaned["industry"], market.data_residency)
    account = Account(**cleaned)
    apply_valuation(account)
    with transaction.atomic(), audit_actor(user):
        account.full_clean()
        account.save()
    return account


def do_update_account(account: Account, user: User, changes: dict[str, Any]) -> list[str]:
    """Change ``account``; returns the names of the fields that changed."""
    require(user, account, Action.CHANGE, _("You may not change this account."))
    if "market" in changes:
        target = changes["market"]
        code = target.code if isinstance(target, Market) else str(target or "").upper()
        if code != account.market.code and not may_create_account(user, code):
            raise ValidationError(
                {
                    "market": [
                        _(
                            "“%(code)s” is not a market code you work in; use an ISO code such as JP."
                        )
                        % {"code": target}
                    ]
                }
            )
    cleaned = check_account_changes(changes, user, account)
    if not cleaned:
        return []
    with transaction.atomic(), audit_actor(user):
        locked = Account.objects.select_for_update().get(pk=account.pk)
        update = assign(locked, cleaned)
        if LTV_INPUTS & set(cleaned):
            apply_valuation(locked)
            update += OUTPUT_FIELDS
        locked.full_clean()
        locked.save(update_fields=[*update, "updated_at"])
    for name in [*update, "updated_at"]:
        setattr(account, name, getattr(locked, name))
    if "market" in cleaned:
        account.market = locked.market
    return sorted(cleaned)


def do_delete_account(account: Account, user: User) -> None:
    """Delete an account with its contacts, deals and deployments (the audit log keeps it)."""
    require(user, account, Action.DELETE, _("You may not delete this account."))
    with transaction.atomic(), audit_actor(user):
        account.delete()


def do_refresh_valuations(queryset=None, batch: int = 2000) -> int:
    """Recompute the stored lifetime values (after new exchange rates or settings)."""
    queryset = queryset if queryset is not None else Account.objects.all()
    changed = 0
    for start in range(0, queryset.count(), batch):
        rows = list(queryset.order_by("pk")[start : start + batch])
        for account in rows:
            apply_valuation(account)
        Account.objects.bulk_update(rows, OUTPUT_FIELDS)
        changed += len(rows)
    return changed
