"""The edit form of a market's playbook.

Lists are typed one item per line or comma-separated, structured values (weekly hours,
payment methods, compliance) as JSON. The form checks nothing itself: it hands the values to
``services.check_market_changes``, the same checks the API and the file loader use, and shows
their messages beside the fields.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from beachhead.core.forms import style_fields
from beachhead.markets import services, vocabulary
from beachhead.markets.models import Market

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: Playbook texts written once per interface language: model field → form field prefix.
LOCALISED = ("tone", "contract_practice", "hours_note", "data_residency_note")
LANGUAGE_SUFFIX = {"en": "en", "zh-hans": "zh_hans", "ja": "ja"}
LANGUAGE_LABEL = {"en": _("English"), "zh-hans": _("Chinese"), "ja": _("Japanese")}
#: Fields typed as lists of words.
LISTS = ("timezones", "languages", "support_channels", "holiday_categories")
#: Fields typed as JSON.
JSON_FIELDS = ("weekly_hours", "payment_methods", "compliance", "data_residency_by_industry")


def _split(text: str) -> list[str]:
    return [item for item in re.split(r"[\s,;、，]+", text or "") if item]


def format_weekly_hours(hours: dict) -> str:
    """One weekday per line, so the JSON reads like a timetable."""
    lines = [f'  "{day}": {json.dumps(hours.get(day, []))}' for day in vocabulary.WEEKDAYS]
    return "{\n" + ",\n".join(lines) + "\n}"


def format_compact(value: Any) -> str:
    """A list or mapping with one entry per line."""
    if isinstance(value, dict):
        lines = [
            f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(lines) + "\n}" if lines else "{}"
    lines = [f"  {json.dumps(item, ensure_ascii=False)}" for item in value]
    return "[\n" + ",\n".join(lines) + "\n]" if lines else "[]"


def _textarea(rows: int, mono: bool = False) -> forms.Textarea:
    css = "form-control font-monospace" if mono else "form-control"
    return forms.Textarea(
        attrs={"rows": rows, "class": css, "spellcheck": "false" if mono else "true"}
    )


def _code_field(
    label: StrOrPromise, rows: int, help_text: StrOrPromise, **kwargs: Any
) -> forms.CharField:
    """A field written as code (JSON, or one name a line): a monospaced text area."""
    return forms.CharField(
        label=label, widget=_textarea(rows, mono=True), help_text=help_text, **kwargs
    )


class MarketForm(forms.Form):
    """Every editable field of a playbook; valid when the service's checks accept it."""

    name_en = forms.CharField(label=_("Name in English"), max_length=80)
    name_zh_hans = forms.CharField(label=_("Name in Chinese"), max_length=80)
    name_ja = forms.CharField(label=_("Name in Japanese"), max_length=80)
    currency = forms.CharField(
        label=_("Currency"), max_length=3, help_text=_("ISO 4217 code used to invoice, e.g. JPY.")
    )
    timezones = _code_field(
        _("Time zones"),
        3,
        _("IANA names, one per line; the first is the market's own business calendar."),
    )
    languages = forms.CharField(
        label=_("Customer languages"),
        help_text=_("Language tags in order of use, e.g. ja, en."),
    )
    holiday_country = forms.CharField(
        label=_("Holiday calendar"), max_length=3, help_text=_("Country code, e.g. JP.")
    )
    holiday_subdiv = forms.CharField(
        label=_("Subdivision"),
        max_length=10,
        required=False,
        help_text=_("Leave empty for national holidays only."),
    )
    holiday_categories = forms.CharField(
        label=_("Extra holiday categories"),
        required=False,
        help_text=_("Besides public holidays, e.g. bank (Japan's 31 Dec–3 Jan closures)."),
    )
    weekly_hours = _code_field(
        _("Weekly hours"),
        9,
        _(
            "Local time, HH:MM, several intervals a day allowed; 24:00 may end a day; [] is "
            'closed. Example: "mon": [["09:00", "12:00"], ["13:00", "18:00"]].'
        ),
    )
    support_channels = forms.CharField(
        label=_("Support channels"),
        help_text=_("Most preferred first, comma-separated."),
    )
    payment_methods = _code_field(
        _("Payment methods"),
        8,
        _('Most used first: {"code": "konbini", "timing": "cash_voucher", "note": {"en": "…"}}.'),
    )
    compliance = _code_field(
        _("Compliance by industry"),
        8,
        _(
            '“all” applies to every industry; an industry adds to it: {"all": ["gdpr"], "finance": ["dora"]}.'
        ),
    )
    data_residency = forms.ChoiceField(
        label=_("Data residency"),
        choices=lambda: [
            (code, f"{label} ({code})") for code, label in vocabulary.DATA_RESIDENCY_REGIONS.items()
        ],
    )
    data_residency_by_industry = _code_field(
        _("Data residency by industry"),
        3,
        _('Only where an industry differs: {"finance": "id"}.'),
        required=False,
    )

    def __init__(self, *args: Any, market: Market, **kwargs: Any) -> None:
        self.market = market
        kwargs.setdefault("initial", self.initial_for(market))
        super().__init__(*args, **kwargs)
        for prefix in LOCALISED:
            for language, suffix in LANGUAGE_SUFFIX.items():
                required = prefix in ("tone", "contract_practice") and language == "en"
                self.fields[f"{prefix}_{suffix}"] = forms.CharField(
                    label=LANGUAGE_LABEL[language],
                    required=required,
                    widget=_textarea(4),
                )
        style_fields(self)
        self.changes: dict[str, Any] = {}
        #: form fields whose model field was edited locally (badged in the form)
        self.edited_names: set[str] = set()
        for name in market.edited_fields or []:
            if name in LOCALISED:
                self.edited_names |= {f"{name}_{suffix}" for suffix in LANGUAGE_SUFFIX.values()}
            else:
                self.edited_names.add(name)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css:
                    widget.attrs["class"] = f"{css} is-invalid".strip()

    @staticmethod
    def initial_for(market: Market) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name_en": market.name_en,
            "name_zh_hans": market.name_zh_hans,
            "name_ja": market.name_ja,
            "currency": market.currency,
            "timezones": "\n".join(market.timezones),
            "languages": ", ".join(market.languages),
            "holiday_country": market.holiday_country,
            "holiday_subdiv": market.holiday_subdiv,
            "holiday_categories": ", ".join(market.holiday_categories),
            "weekly_hours": format_weekly_hours(market.weekly_hours),
            "support_channels": ", ".join(market.support_channels),
            "payment_methods": format_compact(market.payment_methods),
            "compliance": format_compact(market.compliance),
            "data_residency": market.data_residency,
            "data_residency_by_industry": format_compact(market.data_residency_by_industry or {}),
        }
        for prefix in LOCALISED:
            texts = getattr(market, prefix) or {}
            for language, suffix in LANGUAGE_SUFFIX.items():
                initial[f"{prefix}_{suffix}"] = texts.get(language, "")
        return initial

    def fieldsets(self) -> list[tuple[StrOrPromise, str, list[tuple[Any, list]]]]:
        """The form in cards: (title, icon, [(bound field, code lists to show beside it)])."""
        codes = {
            "support_channels": [(_("Channels"), vocabulary.SUPPORT_CHANNELS)],
            "payment_methods": [
                (_("Timings"), vocabulary.PAYMENT_TIMINGS),
                (_("Methods"), vocabulary.PAYMENT_METHODS),
            ],
            "compliance": [
                (_("Industries"), vocabulary.INDUSTRIES),
                (_("Requirements"), vocabulary.COMPLIANCE),
            ],
            "data_residency_by_industry": [(_("Industries"), vocabulary.INDUSTRIES)],
        }

        def bound(*names: str) -> list:
            return [(self[name], codes.get(name, [])) for name in names]

        def localised(prefix: str) -> list:
            return bound(*(f"{prefix}_{suffix}" for suffix in LANGUAGE_SUFFIX.values()))

        return [
            (
                _("Names and basics"),
                "world",
                bound("name_en", "name_zh_hans", "name_ja", "currency", "languages"),
            ),
            (
                _("Working time"),
                "clock",
                bound(
                    "timezones",
                    "weekly_hours",
                    "holiday_country",
                    "holiday_subdiv",
                    "holiday_categories",
                ),
            ),
            (_("What the weekly hours cannot express"), "info-circle", localised("hours_note")),
            (_("Support"), "headset", bound("support_channels")),
            (_("Tone of replies"), "message-circle", localised("tone")),
            (_("Payments"), "credit-card", bound("payment_methods")),
            (_("Contract practice"), "file-text", localised("contract_practice")),
            (_("Compliance"), "shield-check", bound("compliance")),
            (
                _("Data residency"),
                "database",
                bound("data_residency", "data_residency_by_industry"),
            ),
            (_("Why data resides there"), "info-circle", localised("data_residency_note")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}  # Django's returns cleaned_data
        if self.errors:
            return data
        proposed: dict[str, Any] = {
            "name_en": data["name_en"],
            "name_zh_hans": data["name_zh_hans"],
            "name_ja": data["name_ja"],
            "currency": data["currency"],
            "holiday_country": data["holiday_country"],
            "holiday_subdiv": data["holiday_subdiv"],
            "data_residency": data["data_residency"],
        }
        for name in LISTS:
            proposed[name] = _split(data[name])
        for name in JSON_FIELDS:
            proposed[name] = data[name] or ("{}" if name == "data_residency_by_industry" else "")
        for prefix in LOCALISED:
            proposed[prefix] = {
                language: data.get(f"{prefix}_{suffix}", "")
                for language, suffix in LANGUAGE_SUFFIX.items()
            }
        try:
            self.changes = services.check_market_changes(self.market, proposed)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                target: str | None = f"{name}_en" if name in LOCALISED else name
                if target not in self.fields:
                    target = None
                for message in messages:
                    self.add_error(target, message)
        return data
