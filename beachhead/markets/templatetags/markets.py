"""Template helpers of the markets pages: labels of playbook codes, localised texts, flags."""

from __future__ import annotations

from functools import partial

from django import template
from django.utils.html import format_html

from beachhead.core import localise
from beachhead.markets import services, vocabulary
from beachhead.markets.models import Market

register = template.Library()


@register.filter
def localized(mapping: dict | None, market: Market | None = None) -> str:
    """The text of a ``{en, zh-hans, ja}`` mapping in the active language (English fallback)."""
    if market is None:
        market = Market()
    return market.localized(mapping or {})


@register.simple_tag
def flag(code: str, size: str = "xs") -> str:
    """A country flag from Tabler's flag set; decorative, the name is always beside it."""
    return format_html(
        '<span class="flag flag-{} flag-country-{}" aria-hidden="true"></span>',
        size,
        (code or "").lower(),
    )


# ``{{ code|payment_label }}`` and its kind: the label of a playbook code in its vocabulary.
_VOCABULARIES = {
    "channel_label": vocabulary.SUPPORT_CHANNELS,
    "payment_label": vocabulary.PAYMENT_METHODS,
    "timing_label": vocabulary.PAYMENT_TIMINGS,
    "industry_label": vocabulary.INDUSTRIES,
    "compliance_label": vocabulary.COMPLIANCE,
    "region_label": vocabulary.DATA_RESIDENCY_REGIONS,
}
for _name, _choices in _VOCABULARIES.items():
    register.filter(_name, partial(vocabulary.label, _choices))


@register.filter
def channel_icon(code: str) -> str:
    return vocabulary.CHANNEL_ICONS.get(code, "message")


@register.filter
def zone_city(name: str) -> str:
    """``Asia/Tokyo`` → Tokyo, 東京, 东京: the city a time zone is named after, as the reader
    names it."""
    return localise.zone_city(name)


@register.filter
def calendar_label(key: str) -> str:
    """``{{ c.calendar|calendar_label }}``: "Malaysia business hours", "Around the clock"."""
    return services.calendar_label(key)


@register.filter
def holiday_label(market: Market) -> str:
    """``{{ market|holiday_label }}``: "Japan national holidays + bank holidays (Dec 31 – Jan 3)"."""
    return services.holiday_label(market)


@register.filter
def holiday_category_list(categories) -> str:
    """``["bank"]`` → "bank holidays", 銀行休業日: a playbook's extra holiday categories."""
    return services.holiday_category_list(categories or ())


@register.filter
def market_name(code: str) -> str:
    """``{{ team.market_code|market_name }}``: the market's name in the reader's language."""
    market = services.market_by_code(code or "")
    return market.name if market is not None else localise.country_label(code)
