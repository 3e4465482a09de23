"""Template helpers of the account pages: money with its currency, phones as people dial
them, verdict and lifecycle badges (colour never alone: an icon and a word go with it)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import pgettext

from beachhead.accounts.services.contacts import format_phone
from beachhead.core.money import Money, format_money
from beachhead.core.templatetags.beachhead import icon_badge

register = template.Library()


@register.filter
def money(value: Money | None) -> str:
    """ "$1,234.50", "￥1,235" in the viewer's language."""
    return format_money(value)


@register.filter
def money_whole(value: Money | None) -> str:
    return format_money(value, whole=True)


@register.filter
def money_compact(value: Money | None) -> str:
    return format_money(value, compact=True)


@register.filter
def phone(value: str, viewer_country: str = "") -> str:
    return format_phone(value, viewer_country)


@register.filter
def number(value: Any, places: int = 0) -> str:
    if value in (None, ""):
        return "—"
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


UNKNOWN = ("bg-secondary-lt", "point")
_VERDICTS = {
    "take": ("bg-green-lt", "circle-check"),
    "consider": ("bg-yellow-lt", "alert-triangle"),
    "decline": ("bg-red-lt", "circle-x"),
}


@register.simple_tag
def verdict_badge(qualification) -> str:
    css, icon = _VERDICTS.get(qualification.verdict, UNKNOWN)
    return icon_badge(css, icon, qualification.verdict_label, "fs-4")


_REASON_ICONS = {
    "plus": ("text-green", "circle-plus", lambda: pgettext("reason", "For")),
    "minus": ("text-red", "circle-minus", lambda: pgettext("reason", "Against")),
    "info": ("text-secondary", "info-circle", lambda: pgettext("reason", "Note")),
}


@register.simple_tag
def reason_icon(reason) -> str:
    css, icon, label = _REASON_ICONS.get(reason.sign, _REASON_ICONS["info"])
    return format_html(
        '<i class="ti ti-{} {} me-2" title="{}" aria-label="{}"></i>', icon, css, label(), label()
    )


_LIFECYCLE = {
    "target": ("bg-secondary-lt", "target"),
    "prospect": ("bg-azure-lt", "search"),
    "pilot": ("bg-purple-lt", "flask"),
    "customer": ("bg-green-lt", "building-store"),
    "churned": ("bg-red-lt", "door-exit"),
}
_TIER = {
    "strategic": ("bg-orange-lt", "star"),
    "enterprise": ("bg-blue-lt", "building-skyscraper"),
    "growth": ("bg-teal-lt", "trending-up"),
}


@register.simple_tag
def lifecycle_badge(account) -> str:
    return icon_badge(*_LIFECYCLE.get(account.lifecycle, UNKNOWN), account.get_lifecycle_display())


@register.simple_tag
def tier_badge(account) -> str:
    return icon_badge(*_TIER.get(account.tier, UNKNOWN), account.get_tier_display())
