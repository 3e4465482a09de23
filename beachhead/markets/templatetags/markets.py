"""Template helpers of the markets pages: labels of playbook codes, localised texts, flags."""

from __future__ import annotations

from functools import partial

from django import template
from django.utils.html import format_html

from beachhead.markets import vocabulary
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
    """``Asia/Tokyo`` → ``Tokyo``: how people name a time zone."""
    return (name or "").rsplit("/", 1)[-1].replace("_", " ")
