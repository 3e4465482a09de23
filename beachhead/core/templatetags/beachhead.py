"""Template helpers shared by every pillar: unambiguous times and state badges."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from beachhead.core import localise
from beachhead.core.localise import local_name, pick, relative_time, zone_city
from beachhead.core.models import initials

register = template.Library()


@register.simple_tag
def when(
    value: datetime | None, customer_tz: str = "", relative: bool = True, beside: bool = False
):
    """A time in the viewer's zone; the customer's local time on hover (and, with ``beside``,
    on a second line when the zones differ), plus a relative hint ("in 12 minutes")."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    shown = formats.date_format(local, "SHORT_DATETIME_FORMAT")
    title = shown
    if customer_tz:
        try:
            there = value.astimezone(zoneinfo.ZoneInfo(customer_tz))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            there = None
        if there is not None and there.utcoffset() != local.utcoffset():
            title = _("%(there)s in %(city)s · %(here)s your time") % {
                "there": formats.date_format(there, "D H:i"),
                "city": zone_city(customer_tz),
                "here": formats.date_format(local, "D H:i"),
            }
    hint = relative_time(value) if relative else ""
    there_line = ""
    if beside and title != shown:
        there_line = format_html('<div class="text-secondary small">{}</div>', title)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>{}{}',
        value.isoformat(),
        title,
        shown,
        format_html(' <span class="text-secondary small">{}</span>', hint) if hint else "",
        there_line,
    )


def icon_badge(css: str, icon: str, label, classes: str = "") -> str:
    """A badge of colour ``css`` with an icon and a word (colour never carries the meaning alone);
    ``classes`` are added after the colour. Shared by every pillar's badge tags."""
    return format_html(
        '<span class="badge {}{}"><i class="ti ti-{} me-1"></i>{}</span>',
        css,
        f" {classes}" if classes else "",
        icon,
        label,
    )


_BADGES = {
    "on_track": ("bg-green-lt", "circle-check", lambda: pgettext("commitment health", "On track")),
    "at_risk": ("bg-yellow-lt", "alert-triangle", lambda: pgettext("commitment health", "At risk")),
    "paused": ("bg-secondary-lt", "player-pause", lambda: pgettext("commitment health", "Paused")),
    "broken": ("bg-red-lt", "circle-x", lambda: pgettext("commitment health", "Broken")),
    "kept": ("bg-green-lt", "circle-check", lambda: pgettext("commitment health", "Kept on time")),
    "kept_late": (
        "bg-orange-lt",
        "clock-exclamation",
        lambda: pgettext("commitment health", "Kept late"),
    ),
    "cancelled": (
        "bg-secondary-lt",
        "circle-minus",
        lambda: pgettext("commitment health", "Cancelled"),
    ),
}


@register.simple_tag
def health_badge(health: str):
    """A badge with an icon and a word: colour never carries the meaning alone."""
    css, icon, label = _BADGES.get(health, ("bg-secondary-lt", "point", lambda: health))
    return icon_badge(css, icon, label(), f"state-{health}")


@register.filter(name="initials")
def initials_filter(name: str) -> str:
    """``{{ person.display_name|initials }}``: an avatar's letters (``core.models.initials``)."""
    return initials(name)


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    return formats.number_format(round(float(value) * 100, 1), decimal_pos=1) + "%"


@register.filter(name="local_name")
def local_name_filter(record) -> str:
    """``{{ team|local_name }}``: the record's name in the reader's language (``core.localise``)."""
    return local_name(record)


@register.filter(name="pick")
def pick_filter(mapping) -> str:
    """``{{ market.tone|pick }}``: a ``{en, zh-hans, ja}`` mapping in the reader's language."""
    return pick(mapping)


# Names Babel knows, in the reader's language (``core.localise``).
register.filter("zone_city", lambda zone: zone_city(str(zone or "")))
register.filter("zone_name", lambda zone: localise.zone_name(str(zone or "")))
register.filter("language_label", lambda code: localise.language_label(code))
register.filter("country_label", lambda code: localise.country_label(code))


@register.filter
def language_list(codes) -> str:
    """``{{ market.languages|language_list }}``: "Japanese, English", 日语和英语, 日本語、英語."""
    return localise.name_list([localise.language_label(code) for code in codes or ()])


@register.filter
def relative(value: datetime | None) -> str:
    """``{{ due_at|relative }}``: "in 2 hours, 3 minutes", "2時間3分後", "3天前"."""
    return relative_time(value) if value else ""


@register.filter
def timespan(value: datetime | None) -> str:
    """``{{ due_at|timespan }}``: how far a moment is from now, unsigned ("2 hours, 3 minutes",
    "2時間3分", "2小时3分钟"): for "overdue by …" and "due in …"."""
    if not value:
        return ""
    return localise.duration_text(value - timezone.now())


@register.filter
def audit_action(entry) -> str:
    """``{{ entry|audit_action }}``: what an audit entry did, in the reader's language."""
    from beachhead.core.audit import action_label

    return action_label(entry.action)


@register.filter
def audit_field(entry, field: str) -> str:
    """``{{ entry|audit_field:name }}``: a changed field as its form names it."""
    from beachhead.core.audit import field_label

    return field_label(entry, field)
