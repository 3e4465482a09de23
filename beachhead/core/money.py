"""Money across currencies: ``convert(money, "USD", on=date)`` and rounding by the currency;
reading amounts people type (``parse_money``, ``parse_decimal``) and the money column every
model uses (``money_field``).

Amounts are ``Money`` (amount as ``Decimal`` + currency, from django-money / py-moneyed), never
floats. Conversions read a small, read-only table of approximate rates shipped as a data file,
``beachhead/core/data/rates.toml`` (units of each currency for one US dollar, dated), loaded
into memory once per process. The billing pillar will import real rates from files into the
database later and this module will read them; callers keep calling ``convert``.

A conversion "on" a date uses the newest table dated on or before it (the oldest table for
earlier dates), so a report about last year does not move when a new table is added.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.numbers import get_currency_precision
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from djmoney.models.fields import MoneyField
from djmoney.money import Money

RATES_FILE = Path(__file__).resolve().parent / "data" / "rates.toml"

__all__ = [
    "Money",
    "RateTable",
    "check_currency",
    "convert",
    "currencies",
    "currency_choices",
    "format_money",
    "money_field",
    "parse_decimal",
    "parse_money",
    "rate_tables",
    "reporting_currency",
    "round_money",
    "to_reporting",
]

if TYPE_CHECKING:
    from babel import Locale
    from babel.numbers import NumberPattern


@dataclass(frozen=True)
class RateTable:
    """Units of each currency for one unit of ``base``, valid from ``date``."""

    date: date
    base: str
    per_base: dict[str, Decimal]


@lru_cache(maxsize=1)
def rate_tables() -> tuple[RateTable, ...]:
    """Every table of the rates file, oldest first."""
    with RATES_FILE.open("rb") as handle:
        document = tomllib.load(handle)
    base = document.get("base", "USD")
    tables = []
    for table in document.get("table", []):
        rates = {code: Decimal(str(value)) for code, value in table["rates"].items()}
        rates[base] = Decimal(1)
        tables.append(RateTable(date=table["date"], base=base, per_base=rates))
    if not tables:
        raise ValueError(f"{RATES_FILE} holds no rate table.")
    return tuple(sorted(tables, key=lambda t: t.date))


def _table_on(on: date | None) -> RateTable:
    tables = rate_tables()
    if on is None:
        return tables[-1]
    chosen = tables[0]
    for table in tables:
        if table.date <= on:
            chosen = table
    return chosen


def currencies() -> tuple[str, ...]:
    """The currency codes a conversion knows, sorted."""
    return tuple(sorted(rate_tables()[-1].per_base))


def currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in currencies()]


def reporting_currency() -> str:
    return str(settings.BEACHHEAD_REPORTING_CURRENCY)


def check_currency(code: object) -> str:
    """A known ISO 4217 code in capitals, or ``ValidationError`` naming the bad value."""
    value = str(code or "").strip().upper()
    if value not in rate_tables()[-1].per_base:
        raise ValidationError(
            _("“%(code)s” is not a currency Beachhead knows; use an ISO code such as USD or JPY.")
            % {"code": code},
            code="bad_currency",
        )
    return value


def parse_decimal(
    value: Any, *, minimum: Decimal | int | None = None, maximum: Decimal | int | None = None
) -> Decimal:
    """A finite number from what a person typed ("1,234.5" too), within the bounds given."""
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value})
    if minimum is not None and number < minimum:
        raise ValidationError(_("At least %(min)s.") % {"min": minimum})
    if maximum is not None and number > Decimal(maximum):
        raise ValidationError(_("At most %(max)s.") % {"max": maximum})
    return number


def parse_money(value: Any, default_currency: str) -> Money:
    """A ``Money`` from a Money, ``{"amount": …, "currency": …}``, ``(amount, currency)``,
    "1000 USD" or a bare number (in ``default_currency``). Never negative."""
    amount: Any
    if isinstance(value, Money):
        amount, currency = value.amount, str(value.currency)
    elif isinstance(value, dict):
        if "amount" not in value:
            raise ValidationError(_("Give an amount and a currency, e.g. 1000 USD."))
        amount, currency = value["amount"], value.get("currency") or default_currency
    elif isinstance(value, list | tuple) and len(value) == 2:
        amount, currency = value
    elif isinstance(value, str) and " " in value.strip():
        amount, _sep, currency = value.strip().rpartition(" ")
    else:
        amount, currency = value, default_currency
    number = parse_decimal(amount, minimum=Decimal(0), maximum=Decimal("1e16"))
    return Money(number.quantize(Decimal("0.01")), check_currency(currency))


def money_field(verbose_name: Any, **options: Any) -> MoneyField:  # type: ignore[type-arg]
    """A django-money column as every model keeps money: 19 digits, 2 decimal places, the
    currencies of the rates file, 0 USD unless ``default`` / ``default_currency`` say
    otherwise."""
    options.setdefault("default", Decimal(0))
    options.setdefault("default_currency", "USD")
    return MoneyField(  # type: ignore[no-untyped-call]  # django-money ships no types
        verbose_name,
        max_digits=19,
        decimal_places=2,
        currency_choices=currency_choices(),
        **options,
    )


def round_money(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded to the currency's minor unit (0 places for JPY, 2 for USD)."""
    places = get_currency_precision(currency)
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def convert(money: Money, to_currency: str, on: date | None = None) -> Money:
    """``money`` in ``to_currency`` at the rates valid ``on`` (default: the newest table)."""
    target = check_currency(to_currency)
    source = str(money.currency)
    if source == target:
        return Money(money.amount, target)
    table = _table_on(on)
    try:
        from_rate = table.per_base[source]
        to_rate = table.per_base[target]
    except KeyError as exc:
        raise ValidationError(
            _("No exchange rate for %(code)s.") % {"code": exc.args[0]}, code="bad_currency"
        ) from None
    amount = Decimal(money.amount) / from_rate * to_rate
    return Money(round_money(amount, target), target)


def to_reporting(money: Money, on: date | None = None) -> Money:
    """``money`` in the reporting currency (``BEACHHEAD_REPORTING_CURRENCY``, USD by default)."""
    return convert(money, reporting_currency(), on)


def format_money(money: Money | None, compact: bool = False, whole: bool = False) -> str:
    """``money`` for people, in the active language, always with its currency:
    "$1,234,567.50", "￥1,234,568"; ``whole`` drops the minor unit ("$1,234,568"); ``compact``
    abbreviates ("$1.2M", "US$123.5万")."""
    from babel.numbers import format_compact_currency, format_currency
    from django.utils import translation

    if money is None:
        return "—"
    currency = str(money.currency)
    try:
        locale = _locale(translation.to_locale(translation.get_language() or "en"))
        if compact:
            return str(
                format_compact_currency(money.amount, currency, locale=locale, fraction_digits=1)
            )
        if whole:
            pattern = _whole_currency_pattern(locale)
            return str(
                pattern.apply(
                    round_money(Decimal(money.amount), "JPY"),
                    locale,
                    currency=currency,
                    currency_digits=False,
                )
            )
        return str(format_currency(money.amount, currency, locale=locale))
    except (ValueError, LookupError):
        return f"{currency} {money.amount}"


@lru_cache(maxsize=32)
def _locale(name: str) -> Locale:
    """A parsed Babel locale: Babel parses a locale given by name again for every symbol it
    looks up, which made each amount on a page cost twice as much."""
    from babel import Locale

    return Locale.parse(name)


@lru_cache(maxsize=32)
def _whole_currency_pattern(locale: Locale) -> NumberPattern:
    """The locale's standard currency pattern without the minor unit (parsed once: pages
    format dozens of amounts)."""
    import copy

    pattern: NumberPattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (0, 0)
    return pattern
