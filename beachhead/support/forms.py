"""Forms of the agent pages. They only shape input for the services (``services/tickets.py``),
which validate it again and perform the change; the services' errors come back onto the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from beachhead.core.forms import ServiceForm
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
