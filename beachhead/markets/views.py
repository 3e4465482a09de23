"""Pages of the markets pillar: the list, a market's playbook, and its edit form.

Views are thin: rows come from the access layer (``scoped``), facts from ``services``; what is
left here is the arrangement for the templates (rows of the list, the week grid).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from beachhead.core.access import Action, may, scoped
from beachhead.core.http import AuthedRequest
from beachhead.markets import services, vocabulary
from beachhead.markets.forms import MarketForm
from beachhead.markets.models import Market

DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class MarketRow:
    """One line of the markets list."""

    market: Market
    status: services.MarketStatus
    #: today's working hours in the market, local time ([] when closed all day)
    today: list[list[str]]

    @property
    def first_channel(self) -> str:
        channels = self.market.support_channels or []
        return channels[0] if channels else ""


def _market_row(market: Market, now: datetime) -> MarketRow:
    status = services.market_status(market, now)
    day = vocabulary.WEEKDAYS[status.local_time.weekday()]
    today = [] if status.holiday else list(market.weekly_hours.get(day, []))
    return MarketRow(market, status, today)


def _matches(market: Market, query: str) -> bool:
    query = query.casefold()
    haystack = [
        market.code,
        market.name_en,
        market.name_zh_hans,
        market.name_ja,
        market.currency,
        *market.countries,
        *market.timezones,
    ]
    return any(query in text.casefold() for text in haystack)


@login_required
@require_GET
def market_list(request: AuthedRequest) -> HttpResponse:
    """The markets the user may see, with their local time and whether they are at work."""
    markets = list(scoped(Market, request.user).order_by("code"))
    now = timezone.now()
    query = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    if state not in ("open", "closed"):
        state = ""
    all_rows = [_market_row(market, now) for market in markets]
    # By name in the viewer's language: people look for "Japan", not for "JP".
    all_rows.sort(key=lambda row: row.market.name.casefold())
    rows = [
        row
        for row in all_rows
        if (not query or _matches(row.market, query))
        and (not state or row.status.is_open == (state == "open"))
    ]
    context = {
        "rows": rows,
        "total": len(all_rows),
        "open_count": sum(row.status.is_open for row in all_rows),
        "query": query,
        "state": state,
        "now": now,
    }
    template = "markets/_rows.html" if getattr(request, "htmx", False) else "markets/list.html"
    return render(request, template, context)


@dataclass(frozen=True)
class WeekDay:
    key: str
    label: str
    intervals: list[list[str]]
    #: (left %, width %) of each interval on a 24-hour bar
    segments: list[tuple[float, float]]
    minutes: int
    is_today: bool

    @property
    def hours(self) -> str:
        hours, minutes = divmod(self.minutes, 60)
        return f"{hours}:{minutes:02d}"


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def week_grid(market: Market, today_key: str) -> list[WeekDay]:
    """The weekly hours as rows of a timetable, Monday first."""
    days = []
    for key in vocabulary.WEEKDAYS:
        intervals = market.weekly_hours.get(key, [])
        segments, total = [], 0
        for start, end in intervals:
            a, b = _minutes(start), _minutes(end)
            total += b - a
            segments.append(
                (round(a * 100 / DAY_MINUTES, 3), round((b - a) * 100 / DAY_MINUTES, 3))
            )
        days.append(
            WeekDay(
                key,
                str(vocabulary.WEEKDAY_LABELS[key]),
                intervals,
                segments,
                total,
                key == today_key,
            )
        )
    return days


def _holiday_context(market: Market, year: int, today: date) -> dict:
    """The holidays of ``year``; in the current year the coming ones come first."""
    days = services.market_holidays(market, year)
    coming = [(day, name) for day, name in days if day >= today]
    past = [(day, name) for day, name in days if day < today]
    return {
        "market": market,
        "year": year,
        "holidays": days,
        "coming_holidays": coming,
        "past_holidays": past,
        "today": today,
        "upcoming": coming[0][0] if coming else None,
        "previous_year": year - 1,
        "next_year": year + 1,
    }


@login_required
@require_GET
def market_detail(request: AuthedRequest, code: str) -> HttpResponse:
    """The whole playbook of one market."""
    market = get_object_or_404(scoped(Market, request.user), code=code.upper())
    now = timezone.now()
    status = services.market_status(market, now)
    local = status.local_time
    context = {
        "market": market,
        "status": status,
        "now": now,
        "week": week_grid(market, vocabulary.WEEKDAYS[local.weekday()]),
        "now_percent": round((local.hour * 60 + local.minute) * 100 / DAY_MINUTES, 3),
        "weekly_minutes": sum(
            _minutes(end) - _minutes(start)
            for intervals in market.weekly_hours.values()
            for start, end in intervals
        ),
        "can_edit": may(request.user, market, Action.CHANGE),
        "edited_labels": [_field_label(name) for name in market.edited_fields or []],
        "compliance_rows": _compliance_rows(market),
        **_holiday_context(market, local.year, local.date()),
    }
    context["weekly_hours_text"] = "{}:{:02d}".format(*divmod(context["weekly_minutes"], 60))
    return render(request, "markets/detail.html", context)


@login_required
@require_GET
def market_now(request: AuthedRequest, code: str) -> HttpResponse:
    """The "now" card of a market, refreshed by htmx every minute."""
    market = get_object_or_404(scoped(Market, request.user), code=code.upper())
    now = timezone.now()
    return render(
        request,
        "markets/_now.html",
        {"market": market, "status": services.market_status(market, now), "now": now},
    )


@login_required
@require_GET
def market_holidays(request: AuthedRequest, code: str) -> HttpResponse:
    """The holidays card for another year (htmx), or the detail page without htmx."""
    market = get_object_or_404(scoped(Market, request.user), code=code.upper())
    status = services.market_status(market)
    try:
        year = int(request.GET.get("year", status.local_time.year))
        context = _holiday_context(market, year, status.local_time.date())
    except (ValueError, ValidationError):
        context = _holiday_context(market, status.local_time.year, status.local_time.date())
    if not getattr(request, "htmx", False):
        return redirect(market)
    return render(request, "markets/_holidays.html", context)


@login_required
def market_edit(request: AuthedRequest, code: str) -> HttpResponse:
    """Edit a playbook: regional managers of the market and admins; others get 404."""
    market = get_object_or_404(scoped(Market, request.user, Action.CHANGE), code=code.upper())
    form = MarketForm(request.POST or None, market=market)
    if request.method == "POST" and form.is_valid():
        changed = services.do_edit_market(market, request.user, form.changes)
        if changed:
            messages.success(
                request,
                ngettext(
                    "Saved. %(count)d field is now marked as edited here; syncing the playbook "
                    "files will leave it alone.",
                    "Saved. %(count)d fields are now marked as edited here; syncing the "
                    "playbook files will leave them alone.",
                    len(changed),
                )
                % {"count": len(changed)},
            )
        else:
            messages.info(request, _("Nothing changed."))
        return redirect(market)
    return render(
        request,
        "markets/edit.html",
        {
            "market": market,
            "form": form,
            "edited": set(market.edited_fields or []),
            "edited_labels": [_field_label(name) for name in market.edited_fields or []],
        },
    )


@login_required
@require_POST
def market_reset(request: AuthedRequest, code: str) -> HttpResponse:
    """Discard the local edits of a market and reload it from its playbook file."""
    market = get_object_or_404(scoped(Market, request.user, Action.CHANGE), code=code.upper())
    try:
        services.do_reset_market(market, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Local edits discarded: the playbook file applies again."))
    return redirect(market)


def _field_label(name: str) -> str:
    try:
        return str(getattr(Market._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:  # a field renamed since it was recorded as edited
        return name


def _compliance_rows(market: Market) -> list[tuple[str, list[str]]]:
    """``all`` first, then the industries in the playbook's order."""
    compliance = market.compliance or {}
    rows = [("all", compliance["all"])] if "all" in compliance else []
    rows += [(industry, codes) for industry, codes in compliance.items() if industry != "all"]
    return rows
