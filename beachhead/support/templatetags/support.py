"""Template helpers of the support desk: status and priority badges (an icon and a word with
every colour), file sizes, and the label of a language code."""

from __future__ import annotations

import zoneinfo

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from beachhead.core.localise import language_label, zone_city
from beachhead.core.models import initials as core_initials
from beachhead.core.templatetags.beachhead import icon_badge
from beachhead.support.models import Priority, Status

register = template.Library()

# Status and priority colours stay clear of the commitment-health colours (green, amber, red,
# grey mean kept, at risk, broken, paused everywhere), and each badge carries an icon and a word.
_STATUS: dict[str, tuple[str, str]] = {
    Status.NEW: ("bg-azure text-azure-fg", "sparkles"),
    Status.OPEN: ("bg-blue-lt", "mail-opened"),
    Status.PENDING: ("bg-purple-lt", "hourglass"),
    Status.ON_HOLD: ("bg-indigo-lt", "hand-stop"),
    Status.SOLVED: ("bg-teal-lt", "checks"),
    Status.CLOSED: ("bg-dark-lt", "archive"),
}
_PRIORITY: dict[str, tuple[str, str]] = {
    Priority.URGENT: ("bg-pink text-pink-fg", "urgent"),
    Priority.HIGH: ("bg-orange-lt", "chevrons-up"),
    Priority.NORMAL: ("bg-blue-lt", "equal"),
    Priority.LOW: ("bg-cyan-lt", "chevron-down"),
}
_BADGES = {
    "status": (_STATUS, dict(Status.choices)),
    "priority": (_PRIORITY, dict(Priority.choices)),
}


def _ticket_badge(what: str, value: str) -> str:
    """The badge of a ticket's ``what`` ("status" or "priority"), classed for the page's CSS."""
    styles, labels = _BADGES[what]
    css, icon = styles.get(value, ("bg-secondary-lt", "point"))
    return icon_badge(css, icon, labels.get(value, value), f"ticket-{what} {what}-{value}")


@register.simple_tag
def status_badge(status: str):
    return _ticket_badge("status", status)


@register.simple_tag
def status_icon(status: str):
    _css, icon = _STATUS.get(status, ("", "point"))
    return format_html('<i class="ti ti-{} me-1" aria-hidden="true"></i>', icon)


@register.simple_tag
def priority_badge(priority: str):
    return _ticket_badge("priority", priority)


@register.filter
def language_name(code: str) -> str:
    """``ja`` → Japanese, 日语, 日本語: the language's name in the reader's language."""
    return language_label(code) if code else "—"


@register.filter
def initials(name: str) -> str:
    """山田 太郎 → 山田; Lena Hoffmann → LH; yamada@example.jp → YA (for avatars)."""
    return core_initials(name)


@register.simple_tag
def author_of(message, ticket=None) -> str:
    """Who wrote a message: the sender for customer messages, the agent for ours."""
    if message.kind == "inbound":
        contact = message.contact if message.contact_id else None
        return (
            message.from_name
            or (contact.full_name if contact else "")
            or message.from_address
            or (ticket.requester_label if ticket else "")
        )
    author = message.author if message.author_id else None
    return (author.display_name if author else "") or message.from_name


@register.simple_tag
def local_clock(now, tz_name: str):
    """The customer's wall clock now ("Sun 11:15 · Tokyo") and how far it is from the viewer's."""
    try:
        zone = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "—"
    there = now.astimezone(zone)
    here = timezone.localtime(now)
    diff = (there.utcoffset() - here.utcoffset()).total_seconds() / 3600
    hours = formats.number_format(abs(diff), decimal_pos=0 if diff.is_integer() else 1)
    if diff > 0:
        gap = _("%(hours)s h ahead of you") % {"hours": hours}
    elif diff < 0:
        gap = _("%(hours)s h behind you") % {"hours": hours}
    else:
        gap = _("same time as you")
    return format_html(
        '<span class="fw-medium">{}</span> · {} <span class="text-secondary small">({})</span>',
        formats.date_format(there, "D H:i"),
        zone_city(tz_name),
        gap,
    )


@register.filter
def target(minutes: int | None) -> str:
    """An SLA target in the largest whole unit that reads naturally (90 → 1 h 30 min)."""
    if not minutes:
        return "—"
    days, rest = divmod(int(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)s d") % {"n": days})
    if hours:
        parts.append(_("%(n)s h") % {"n": hours})
    if mins:
        parts.append(_("%(n)s min") % {"n": mins})
    return " ".join(parts)


# The core's localised names, for templates that load only this library.
register.filter("language_label", lambda code: language_label(code) if code else "—")
register.filter("zone_city", lambda zone: zone_city(str(zone or "")))


@register.filter
def market_name(code: str) -> str:
    """A market code as the market's name in the reader's language (JP → Japan, 日本)."""
    from beachhead.markets.services import market_by_code

    market = market_by_code(code) if code else None
    return market.name if market is not None else code


@register.filter
def tier_label(code: str) -> str:
    """An account tier's label (strategic → Strategic, 战略)."""
    from beachhead.accounts.models import Tier

    return str(dict(Tier.choices).get(code, code))
