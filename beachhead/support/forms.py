"""Forms of the agent pages. They only shape input for the services (``services/tickets.py``),
which validate it again and perform the change; the services' errors come back onto the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from beachhead.core.forms import ServiceForm
from beachhead.core.localise import language_label
from beachhead.support.models import Channel, Priority, Status, Ticket

#: What happens to the ticket's status when the reply is sent ("" keeps it).
STATUS_AFTER = [
    ("", pgettext_lazy("status after reply", "Keep the status")),
    (Status.PENDING, _("Pending on customer")),
    (Status.ON_HOLD, _("On hold")),
    (Status.SOLVED, _("Solved")),
]

#: Languages a ticket is commonly written in (the desk answers in the ticket's language).
TICKET_LANGUAGES = [
    ("", _("From the contact or the market")),
    ("en", "English"),
    ("ja", "日本語"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("ko", "한국어"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("pt", "Português"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
    ("th", "ไทย"),
    ("vi", "Tiếng Việt"),
    ("id", "Bahasa Indonesia"),
]


class TicketServiceForm(ServiceForm):
    """The services' errors about a ticket come back onto the form."""

    denied_message = _("You may not change this ticket.")


class ReplyForm(TicketServiceForm):
    """A public reply or an internal note, the status after it, and an optional follow-up."""

    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=100_000,
        error_messages={"required": _("Write something first.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("reply", _("Public reply")), ("note", _("Internal note"))],
        initial="reply",
        widget=forms.RadioSelect,
    )
    status_after = forms.ChoiceField(
        label=_("Then set status"), choices=STATUS_AFTER, required=False
    )
    follow_up_at = forms.DateTimeField(
        label=_("I will follow up by"),
        required=False,
        # A datetime-local input: read in the viewer's time zone (the active one) → aware.
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )

    @property
    def public(self) -> bool:
        return self.cleaned_data.get("kind", "reply") != "note"


class PropertiesForm(TicketServiceForm):
    """The ticket's editable fields. ``assignees`` are the agents who may work its market."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Words separated by spaces or commas."),
    )
    product_version = forms.CharField(label=_("Product version"), required=False, max_length=40)

    def __init__(self, *args, assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assignees = {str(u.pk): u for u in assignees}
        self.fields["assignee"].choices = [
            ("", _("Unassigned (the team holds it)")),
            *((key, user.display_name) for key, user in self.assignees.items()),
        ]

    def clean_assignee(self):
        value = self.cleaned_data.get("assignee") or ""
        return self.assignees.get(value)

    def changes(self, ticket: Ticket) -> dict[str, Any]:  # type: ignore[override]  # needs the ticket
        """Only what differs from the ticket (an unchanged priority must not re-make SLAs)."""
        data = self.cleaned_data
        changes = {}
        for name in ("priority", "tags", "product_version"):
            if (data.get(name) or "") != (getattr(ticket, name) or ""):
                changes[name] = data.get(name) or ""
        assignee = data.get("assignee")
        if (assignee.pk if assignee else None) != ticket.assignee_id:
            changes["assignee"] = assignee
        if data.get("status") and data["status"] != ticket.status:
            changes["status"] = data["status"]
        return changes


class TicketForm(TicketServiceForm):
    """An agent logs a ticket for a customer (a phone call, a chat).

    ``accounts`` and ``contacts`` are the scoped querysets a choice must come from; the selects
    show only their first rows (``account_options``, ``contact_options``), the account search
    fills them in."""

    account = forms.CharField(label=_("Account"), required=False, widget=forms.Select)
    requester = forms.CharField(label=_("Contact"), required=False, widget=forms.Select)
    requester_email = forms.EmailField(label=_("Or an e-mail address"), required=False)
    requester_name = forms.CharField(label=_("Name"), required=False, max_length=200)
    subject = forms.CharField(label=pgettext_lazy("ticket", "Subject"), max_length=300)
    body = forms.CharField(
        label=_("What the customer asked"), widget=forms.Textarea(attrs={"rows": 7})
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    language = forms.ChoiceField(label=_("Language"), choices=TICKET_LANGUAGES, required=False)

    def __init__(self, *args, accounts, contacts, account_options=(), contact_options=(), **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("priority", Priority.NORMAL)
        kwargs["initial"].setdefault("channel", Channel.PHONE)
        super().__init__(*args, **kwargs)
        self.accounts, self.contacts = accounts, contacts
        self.fields["account"].widget.choices = [
            ("", _("No account (a new customer)")),
            *((str(a.pk), account_label(a)) for a in account_options),
        ]
        self.fields["requester"].widget.choices = [
            ("", _("Choose a contact")),
            *((str(c.pk), contact_label(c)) for c in contact_options),
        ]
        # support/create.js reloads the requester choices when the account changes.
        self.fields["account"].widget.attrs.update(
            {
                "data-requesters-url": reverse("support:create"),
                "data-requesters-target": f"#{self['requester'].id_for_label}",
            }
        )

    def _choice(self, name: str, rows, message):
        """The row of ``rows`` the select ``name`` names (None when empty), else ``message``."""
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            return None
        row = rows.filter(pk=value).first() if value.isdigit() else None
        if row is None:
            raise forms.ValidationError(message)
        return row

    def clean_account(self):
        return self._choice("account", self.accounts, _("Choose one of your accounts."))

    def clean_requester(self):
        return self._choice("requester", self.contacts, _("Choose a contact of this account."))

    def clean(self):
        data = super().clean()
        account, contact = data.get("account"), data.get("requester")
        if contact is not None and account is not None and contact.account_id != account.pk:
            self.add_error("requester", _("Choose a contact of this account."))
        if not account and not contact and not data.get("requester_email"):
            self.add_error(
                "requester_email",
                _("Choose the customer's account, or give the requester's e-mail address."),
            )
        return data


def account_label(account) -> str:
    return f"{account.name} · {account.market.code}"


def contact_label(contact) -> str:
    return f"{contact.full_name} <{contact.email}>" if contact.email else contact.full_name


# The desk's settings ------------------------------------------------------------------------


def _set_choices(field: Any, choices: Any) -> None:
    field.choices = choices


def language_choices() -> list[tuple[str, str]]:
    return [(code, language_label(code)) for code, _label in TICKET_LANGUAGES if code]


def market_choices(user: Any) -> list[tuple[str, Any]]:
    """The markets ``user`` may set desk settings for (every market for a global role)."""
    from beachhead.markets.services import all_markets

    mine = set(user.market_codes or [])
    return [(m.code, m.name) for m in all_markets() if user.is_global or m.code in mine]


class NamesForm(ServiceForm):
    """A form with a ``name`` and its Chinese and Japanese variants (``names``)."""

    name_zh_hans = forms.CharField(label=_("Name in Chinese"), required=False, max_length=200)
    name_ja = forms.CharField(label=_("Name in Japanese"), required=False, max_length=200)

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)

    def initial_from(self, instance: Any) -> dict[str, Any]:
        names = instance.names or {}
        initial = {name: getattr(instance, name, None) for name in self.base_fields}
        initial.update(name_zh_hans=names.get("zh-hans", ""), name_ja=names.get("ja", ""))
        return {k: v for k, v in initial.items() if v is not None}

    def changes(self) -> dict[str, Any]:
        data = super().changes()
        names = {"zh-hans": data.pop("name_zh_hans", ""), "ja": data.pop("name_ja", "")}
        data["names"] = {k: v for k, v in names.items() if v}
        return data


class SlaPolicyForm(NamesForm):
    """An SLA policy: its name, which tickets it takes, its calendar and its targets."""

    denied_message = _("You may change only the SLA policies of your markets.")

    name = forms.CharField(label=_("Name"), max_length=120)
    order = forms.IntegerField(
        label=pgettext_lazy("desk settings", "Order"),
        initial=100,
        help_text=_("Policies are tried from the lowest number: the first that matches applies."),
    )
    is_active = forms.BooleanField(
        label=pgettext_lazy("desk settings", "Active"), required=False, initial=True
    )
    tiers = forms.MultipleChoiceField(
        label=pgettext_lazy("desk settings", "Account tiers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every tier."),
    )
    priorities = forms.MultipleChoiceField(
        label=pgettext_lazy("desk settings", "Priorities"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Priority.choices,
        help_text=_("None ticked: every priority."),
    )
    market_codes = forms.MultipleChoiceField(
        label=_("Markets"), required=False, widget=forms.CheckboxSelectMultiple
    )
    calendar = forms.ChoiceField(label=_("Calendar"))
    coverage_markets = forms.CharField(
        label=pgettext_lazy("desk settings", "Coverage markets"),
        required=False,
        help_text=_("For follow-the-sun coverage: market codes such as JP,DE,US."),
    )
    first_reply_minutes = forms.IntegerField(label=_("First reply (minutes)"), required=False)
    next_reply_minutes = forms.IntegerField(label=_("Next reply (minutes)"), required=False)
    periodic_update_minutes = forms.IntegerField(
        label=_("Periodic update (minutes)"),
        required=False,
        help_text=_("For urgent tickets: how often the customer hears from us until solved."),
    )
    resolution_minutes = forms.IntegerField(label=_("Resolution (minutes)"), required=False)

    field_order = ["name", "name_zh_hans", "name_ja", "order", "is_active"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from beachhead.accounts.models import Tier
        from beachhead.support.models import CalendarChoice

        super().__init__(*args, **kwargs)
        _set_choices(self.fields["tiers"], Tier.choices)
        _set_choices(self.fields["calendar"], CalendarChoice.choices)
        market: Any = self.fields["market_codes"]
        market.choices = market_choices(user)
        market.help_text = (
            _("None chosen: every market.")
            if user.is_global
            else _("Choose one or more of your markets.")
        )


class AgentProfileForm(ServiceForm):
    """What routing knows of an agent."""

    denied_message = _("You may change only the agents of your markets.")

    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tickets in these languages are routed to the agent first."),
    )
    skills = forms.CharField(
        label=pgettext_lazy("desk settings", "Skills"),
        required=False,
        help_text=_("Separated by commas, such as billing, kubernetes."),
    )
    accepts_tickets = forms.BooleanField(label=_("Takes new tickets"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["languages"], language_choices())


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


HOURS = {"placeholder": "09:00", "inputmode": "numeric", "pattern": "[0-2][0-9]:[0-5][0-9]"}


class ShiftForm(ServiceForm):
    """A weekly shift of an agent, in the agent's time zone."""

    denied_message = _("You may change only the agents of your markets.")

    agent = forms.ChoiceField(label=pgettext_lazy("desk settings", "Agent"))
    weekday = forms.TypedChoiceField(
        label=pgettext_lazy("desk settings", "Day"), choices=WEEKDAYS, coerce=int
    )
    # 24-hour text, as every page shows hours: a browser's time input follows the browser's
    # locale (09:00 AM on a Chinese page).
    start = forms.TimeField(
        label=pgettext_lazy("desk settings", "Start"),
        widget=forms.TimeInput(format="%H:%M", attrs=HOURS),
    )
    end = forms.TimeField(
        label=pgettext_lazy("desk settings", "End"),
        widget=forms.TimeInput(format="%H:%M", attrs=HOURS),
        help_text=_("An end before the start runs past midnight; 00:00 to 00:00 is the whole day."),
    )

    def __init__(self, *args: Any, agents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["agent"], [(a.pk, a.display_name) for a in agents])


class ReplyTemplateForm(NamesForm):
    """A reply template's title (in three languages) and key."""

    denied_message = _("You may change only the reply templates of your markets.")

    name = forms.CharField(label=pgettext_lazy("desk settings", "Title"), max_length=120)
    key = forms.CharField(
        label=pgettext_lazy("desk settings", "Key"),
        required=False,
        max_length=60,
        help_text=_("Used by the API and links; made from the title when left empty."),
    )
    name_zh_hans = forms.CharField(label=_("Title in Chinese"), required=False, max_length=200)
    name_ja = forms.CharField(label=_("Title in Japanese"), required=False, max_length=200)

    field_order = ["name", "name_zh_hans", "name_ja", "key"]

    def changes(self) -> dict[str, Any]:
        data = super().changes()
        if not data.get("key"):
            data.pop("key", None)
        return data


class ReplyVariantForm(ServiceForm):
    """One wording of a template: language, market (or every market), tone and text."""

    denied_message = _("You may change only the reply templates of your markets.")

    language = forms.ChoiceField(label=_("Language"))
    market_code = forms.ChoiceField(label=_("Market"), required=False)
    tone = forms.ChoiceField(label=pgettext_lazy("desk settings", "Tone"))
    body = forms.CharField(
        label=pgettext_lazy("desk settings", "Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Filled in when inserted: {customer}, {agent}, {ticket}, {subject}, {company}."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from beachhead.support.models import Tone

        super().__init__(*args, **kwargs)
        _set_choices(self.fields["language"], language_choices())
        markets = market_choices(user)
        if user.is_global:
            markets = [("", pgettext_lazy("desk settings", "Every market")), *markets]
        _set_choices(self.fields["market_code"], markets)
        _set_choices(self.fields["tone"], Tone.choices)
