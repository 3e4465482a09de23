"""The lifetime-value model: what a customer will spend over its life, not its first order.

Inputs (on the account): expected annual spend ``A`` (the first year), the company's data
volume and yearly spend on data ``D``, the growth rate ``g`` of their spend with us, the
expected lifetime ``L`` in years and the company's health (a yearly chance of renewing ``r``).

The spend in year *t* compounds, ``A·(1+g)^(t-1)``, up to a ceiling: a customer never spends
more than ``WALLET_SHARE`` of their yearly data spend with one vendor (or their first year, if
that is already more). Each year counts with the chance the customer is still there,
``r^(t-1)``. The lifetime value is the sum over the lifetime (a partial last year counts
pro rata), in the reporting currency (``BEACHHEAD_REPORTING_CURRENCY``). Compounding is why
real lifetime values come out three to five times the flat guess ``A × L`` that founders make.

Outputs: ``ltv``, ``annual_value`` (the lifetime value spread over the lifetime: what the
customer is worth a year), a ``potential_score`` 0–100, the ``motion`` (sales-led for a long,
large lifetime value; product-led for a short or small one) and the ``strategic`` flag (annual
value ≥ ``BEACHHEAD_STRATEGIC_ANNUAL_USD``). ``qualify_deal`` weighs a proposed deal against the
account: take it, consider it, or decline it, with the reasons in words.

Amounts are ``Money`` with ``Decimal`` amounts throughout; conversion is ``core.money.convert``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beachhead.accounts.models import is_strategic_value as is_strategic_value
from beachhead.accounts.models import strategic_bar
from beachhead.core.money import Money, convert, format_money, reporting_currency, round_money

#: Chance that a customer renews each year, by company health.
RETENTION = {
    "strong": Decimal("0.95"),
    "fair": Decimal("0.88"),
    "unknown": Decimal("0.80"),
    "weak": Decimal("0.70"),
}
#: Company size bands as a scale 0–6 (``Size`` codes).
SIZE_SCALE = {
    "unknown": 0,
    "1-49": 1,
    "50-249": 2,
    "250-999": 3,
    "1000-4999": 4,
    "5000-49999": 5,
    "50000+": 6,
}
LARGE_SIZE = 4  # from 1,000 employees
SMALL_SIZE = 2  # up to 249 employees
#: The most of a customer's yearly data spend one vendor can hope to take.
WALLET_SHARE = Decimal("0.30")
#: A data estate from which expansion is likely (either figure is enough).
DATA_HEAVY_TB = Decimal(500)
DATA_HEAVY_SPEND_USD = Decimal(1_000_000)
#: Sales-led from this lifetime value (USD) over at least this many years: enough to pay for
#: a named account executive, a pilot and a landing team. Below: product-led.
SALES_LED_LTV_USD = Decimal(250_000)
SALES_LED_MIN_YEARS = Decimal(3)
#: A deal is "land and expand" when the lifetime value is at least this multiple of it, and
#: "most of what the customer is worth" from this share of the lifetime value.
EXPAND_MULTIPLE = Decimal(5)
CONCENTRATION_SHARE = Decimal("0.5")


class Verdict:
    TAKE = "take"
    CONSIDER = "consider"
    DECLINE = "decline"

    choices = (
        (TAKE, gettext_lazy("Take it")),
        (CONSIDER, gettext_lazy("Consider it")),
        (DECLINE, gettext_lazy("Decline or reshape it")),
    )


class Motion:
    SALES_LED = "sales_led"
    PRODUCT_LED = "product_led"

    choices = (
        (SALES_LED, gettext_lazy("Sales-led")),
        (PRODUCT_LED, gettext_lazy("Product-led")),
    )


@dataclass(frozen=True)
class Reason:
    """One reason in words. ``sign``: "plus" (for), "minus" (against) or "info"."""

    code: str
    text: str
    sign: str = "info"


@dataclass(frozen=True)
class Valuation:
    """What an account is worth, in the reporting currency, and why."""

    first_year: Money
    ltv: Money
    annual_value: Money
    naive_ltv: Money  # first year × lifetime: the flat guess
    multiple: Decimal  # ltv / naive_ltv
    yearly: tuple[Money, ...]  # expected spend per year, weighted by the chance of renewal
    retention: Decimal
    potential_score: int
    motion: str
    strategic: bool
    reasons: tuple[Reason, ...] = field(default=())

    @property
    def motion_label(self) -> str:
        return str(dict(Motion.choices)[self.motion])


@dataclass(frozen=True)
class Qualification:
    """The verdict on one proposed deal, with the reasons in words."""

    verdict: str
    deal: Money  # the deal in the reporting currency
    valuation: Valuation
    reasons: tuple[Reason, ...]

    @property
    def verdict_label(self) -> str:
        return str(dict(Verdict.choices)[self.verdict])

    @property
    def flagged(self) -> bool:
        return self.verdict != Verdict.TAKE


def format_money_whole(money: Money) -> str:
    return format_money(money, whole=True)


def _usd(money: Money, on: date | None = None) -> Decimal:
    return convert(money, "USD", on).amount


def _percent(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal(1))} %"


def _multiple(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1")))


def _years(value: Decimal) -> str:
    """A count for a sentence, grouped the reader's way: "7", "2.5", "2,000"."""
    places = 0 if value == value.to_integral_value() else 1
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _potential(account, ltv_usd: Decimal, data_spend_usd: Decimal, growth: Decimal) -> int:
    """0–100: value (40), data estate (25), growth (15), health (10), size (10)."""

    def scale(value: float, low: float, high: float, points: float) -> float:
        if value <= low:
            return 0.0
        return min(points, points * (value - low) / (high - low))

    value = scale(math.log10(float(ltv_usd) + 1), 4.0, 7.3, 40)  # USD 10k … 20M
    volume = scale(math.log10(float(account.data_volume_tb) + 1), 0.0, 4.0, 15)  # 1 TB … 10 PB
    spend = scale(math.log10(float(data_spend_usd) + 1), 4.0, 7.0, 10)  # USD 10k … 10M
    grows = scale(float(growth), 0.0, 0.5, 15)
    health = {"strong": 10, "fair": 6, "unknown": 3, "weak": 0}.get(account.health, 3)
    size = 10 * SIZE_SCALE.get(account.size, 0) / 6
    return max(0, min(100, round(value + volume + spend + grows + health + size)))


def value_account(
    account, *, first_year: Money | None = None, on: date | None = None, explain: bool = True
) -> Valuation:
    """The lifetime value of ``account`` (optionally with another first-year spend); without
    ``explain``, no reasons in words (for bulk recomputation)."""
    currency = reporting_currency()
    first = convert(first_year or account.expected_annual_spend, currency, on).amount
    data_spend = convert(account.yearly_data_spend, currency, on).amount
    growth = Decimal(account.growth_rate)
    lifetime = Decimal(account.expected_lifetime_years)
    retention = RETENTION.get(account.health, RETENTION["unknown"])
    ceiling = max(first, WALLET_SHARE * data_spend) if data_spend > 0 else None

    yearly, capped = _yearly_values(first, growth, lifetime, retention, ceiling)
    ltv = sum(yearly, Decimal(0))
    naive = first * lifetime
    annual = ltv / lifetime if lifetime else Decimal(0)
    multiple = (ltv / naive) if naive else Decimal(0)
    ltv_usd = convert(Money(ltv, currency), "USD").amount
    annual_usd = convert(Money(annual, currency), "USD").amount
    strategic = annual_usd >= Decimal(settings.BEACHHEAD_STRATEGIC_ANNUAL_USD)
    sales_led = ltv_usd >= SALES_LED_LTV_USD and lifetime >= SALES_LED_MIN_YEARS
    motion = Motion.SALES_LED if sales_led else Motion.PRODUCT_LED

    def money(amount: Decimal) -> Money:
        return Money(round_money(amount, currency), currency)

    reasons = explain and _valuation_reasons(
        account,
        ltv=money(ltv),
        annual=money(annual),
        multiple=multiple,
        growth=growth,
        lifetime=lifetime,
        retention=retention,
        ceiling=money(ceiling) if capped and ceiling is not None else None,
        ceiling_is_first_year=ceiling == first,
        strategic=strategic,
        motion=motion,
    )
    return Valuation(
        first_year=money(first),
        ltv=money(ltv),
        annual_value=money(annual),
        naive_ltv=money(naive),
        multiple=multiple.quantize(Decimal("0.01")),
        yearly=tuple(money(v) for v in yearly),
        retention=retention,
        potential_score=_potential(
            account, ltv_usd, convert(Money(data_spend, currency), "USD").amount, growth
        ),
        motion=motion,
        strategic=strategic,
        reasons=tuple(reasons or ()),
    )


def _yearly_values(
    first: Decimal,
    growth: Decimal,
    lifetime: Decimal,
    retention: Decimal,
    ceiling: Decimal | None,
) -> tuple[list[Decimal], bool]:
    """Each year's expected value (spend grown, capped at ``ceiling``, times the chance it is
    still renewing), and whether the cap was reached."""
    yearly: list[Decimal] = []
    capped = False
    years = int(lifetime.to_integral_value(rounding=ROUND_CEILING))
    for t in range(years):
        spend = first * (1 + growth) ** t
        if ceiling is not None and spend > ceiling:
            spend, capped = ceiling, True
        weight = min(Decimal(1), lifetime - t)  # a partial last year counts pro rata
        yearly.append(spend * retention**t * weight)
    return yearly, capped


def _valuation_reasons(
    account,
    *,
    ltv,
    annual,
    multiple,
    growth,
    lifetime,
    retention,
    ceiling,
    ceiling_is_first_year,
    strategic,
    motion,
) -> list[Reason]:
    reasons = [
        Reason(
            "compounding",
            _(
                "Spend grows %(growth)s a year over %(years)s years, renewing with a "
                "%(retention)s chance each year: the lifetime value is %(multiple)s× the flat "
                "estimate (first year × lifetime)."
            )
            % {
                "growth": _percent(growth),
                "years": _years(lifetime),
                "retention": _percent(retention),
                "multiple": _multiple(multiple),
            },
        )
    ]
    ceiling_reason = _ceiling_reason(ceiling, ceiling_is_first_year)
    if ceiling_reason is not None:
        reasons.append(ceiling_reason)
    if strategic:
        reasons.append(
            Reason(
                "strategic",
                _("Strategic: worth %(value)s a year, at or above the bar of %(bar)s.")
                % {"value": format_money_whole(annual), "bar": format_money_whole(strategic_bar())},
                "plus",
            )
        )
    reasons.append(_motion_reason(motion, ltv, lifetime))
    return reasons


def _ceiling_reason(ceiling: Money | None, ceiling_is_first_year: bool) -> Reason | None:
    """Why growth stops: at the first year already, or at the wallet share of the data spend."""
    if ceiling is None:
        return None
    if ceiling_is_first_year:
        return Reason(
            "no_room",
            _(
                "The first year already takes more than %(share)s of what they spend on "
                "data a year: there is no room to grow."
            )
            % {"share": _percent(WALLET_SHARE)},
            "minus",
        )
    return Reason(
        "wallet_ceiling",
        _(
            "Growth stops at %(share)s of their yearly data spend (%(ceiling)s a year): "
            "no customer gives one vendor everything."
        )
        % {"share": _percent(WALLET_SHARE), "ceiling": format_money_whole(ceiling)},
    )


def _motion_reason(motion: str, ltv: Money, lifetime: Decimal) -> Reason:
    if motion == Motion.SALES_LED:
        return Reason(
            "sales_led",
            _(
                "Sales-led: %(ltv)s over %(years)s years pays for a named account team, a "
                "pilot and a landing period."
            )
            % {"ltv": format_money_whole(ltv), "years": _years(lifetime)},
        )
    return Reason(
        "product_led",
        _(
            "Product-led: %(ltv)s over %(years)s years is too small or too short for a "
            "named account team; self-service, partners and the community fit better."
        )
        % {"ltv": format_money_whole(ltv), "years": _years(lifetime)},
    )


def qualify_deal(account, amount: Money, on: date | None = None) -> Qualification:
    """Take, consider or decline a deal of ``amount`` with ``account``, with the reasons.

    The deal is the first year's spend when it is larger than the account's expected annual
    spend. For: a healthy, large company; a data estate with room to expand; a lifetime value
    many times the deal. Against: weak or unknown health; a small or unknown company; a deal
    larger than the company's whole yearly data spend; a deal that is most of what the
    customer will ever be worth. Two or more points against and none for, or three against,
    decline; none against and two for, take; otherwise consider.
    """
    currency = reporting_currency()
    deal = convert(amount, currency, on)
    expected = convert(account.expected_annual_spend, currency, on)
    first_year = deal if deal.amount > expected.amount else expected
    valuation = value_account(account, first_year=first_year, on=on)
    deal_usd = _usd(deal)
    data_spend_usd = _usd(account.yearly_data_spend, on)
    found = [
        _health_reason(account),
        _size_reason(account),
        *_data_estate_reasons(account, deal_usd, data_spend_usd),
        _lifetime_reason(valuation, deal),
    ]
    plus = [r for r in found if r is not None and r.sign == "plus"]
    minus = [r for r in found if r is not None and r.sign == "minus"]
    if valuation.strategic:
        plus.extend(r for r in valuation.reasons if r.code == "strategic")
    verdict = _verdict(plus, minus)
    # The motion only matters for a deal worth doing.
    motion = (
        []
        if verdict == Verdict.DECLINE
        else [r for r in valuation.reasons if r.code in ("sales_led", "product_led")]
    )
    return Qualification(
        verdict=verdict,
        deal=deal,
        valuation=valuation,
        reasons=tuple(plus + minus + motion),
    )


def _health_reason(account) -> Reason | None:
    if account.health == "strong":
        return Reason("healthy", _("The company is in strong health."), "plus")
    if account.health == "weak":
        return Reason("weak", _("The company is in weak health: it may not pay or renew."), "minus")
    if account.health == "unknown":
        return Reason(
            "unknown_health",
            _("We know nothing about the company's health yet."),
            "minus",
        )
    return None


def _size_reason(account) -> Reason | None:
    size = SIZE_SCALE.get(account.size, 0)
    if size >= LARGE_SIZE:
        return Reason(
            "large",
            _("A large company (%(size)s).") % {"size": account.get_size_display()},
            "plus",
        )
    if size == 0:
        return Reason("unknown_size", _("The company's size is unknown."), "minus")
    if size <= SMALL_SIZE:
        return Reason(
            "small",
            _("A small company (%(size)s).") % {"size": account.get_size_display()},
            "minus",
        )
    return None


def _data_estate_reasons(account, deal_usd: Decimal, data_spend_usd: Decimal) -> list[Reason]:
    """For a large data estate; against no known data spend or a deal larger than it."""
    reasons = []
    heavy = account.data_volume_tb >= DATA_HEAVY_TB or data_spend_usd >= DATA_HEAVY_SPEND_USD
    if heavy:
        reasons.append(
            Reason(
                "data_heavy",
                _(
                    "A large data estate (%(volume)s TB, %(spend)s a year on data): room to "
                    "expand well beyond this deal."
                )
                % {
                    "volume": _years(Decimal(account.data_volume_tb)),
                    "spend": format_money_whole(account.yearly_data_spend),
                },
                "plus",
            )
        )
    if data_spend_usd <= 0:
        reasons.append(
            Reason(
                "no_data_spend",
                _("Nothing we know shows the company spends on data at this scale."),
                "minus",
            )
        )
    elif deal_usd > data_spend_usd:
        reasons.append(
            Reason(
                "over_budget",
                _(
                    "The deal is %(ratio)s× what the company spends on data in a whole year: "
                    "it is unlikely to renew at this level."
                )
                % {"ratio": _multiple(deal_usd / data_spend_usd)},
                "minus",
            )
        )
    return reasons


def _lifetime_reason(valuation: Valuation, deal: Money) -> Reason | None:
    """For a lifetime value many times the deal; against a deal that is most of it."""
    ltv = valuation.ltv.amount
    if ltv and deal.amount and ltv >= EXPAND_MULTIPLE * deal.amount:
        return Reason(
            "land_and_expand",
            _("Its lifetime value, %(ltv)s, is %(ratio)s× this deal: land and expand.")
            % {"ltv": format_money_whole(valuation.ltv), "ratio": _multiple(ltv / deal.amount)},
            "plus",
        )
    if ltv and deal.amount >= CONCENTRATION_SHARE * ltv:
        return Reason(
            "concentration",
            _(
                "This deal is %(share)s of all the customer is likely to be worth "
                "(%(ltv)s): there is little beyond it."
            )
            % {"share": _percent(deal.amount / ltv), "ltv": format_money_whole(valuation.ltv)},
            "minus",
        )
    return None


def _verdict(plus: list[Reason], minus: list[Reason]) -> str:
    """Two or more against and none for, or three against: decline; none against and two for:
    take; otherwise consider."""
    if len(minus) >= 3 or (len(minus) >= 2 and not plus):
        return Verdict.DECLINE
    if not minus and len(plus) >= 2:
        return Verdict.TAKE
    return Verdict.CONSIDER
