from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from beachhead.commitments import customers, kinds


class CommitmentForm(forms.Form):
    """A promise made by hand (a follow-up, a milestone agreed on a call …)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=kinds.choices)
    title = forms.CharField(label=_("What was promised"), max_length=300)
    # Picked from a search over the records the user may see (``commitments.customers``):
    # "account:12", and optionally "contact:7" or "ticket:42" of that account.
    customer = forms.CharField(label=_("Customer account"), max_length=40)
    subject = forms.CharField(label=_("About (optional)"), max_length=40, required=False)
    market = forms.ChoiceField(label=_("Market"))
    calendar = forms.ChoiceField(
        label=_("Calendar"),
        choices=[
            ("market", _("The market's business hours")),
            ("24x7", _("Round the clock (24×7)")),
        ],
    )
    hours = forms.DecimalField(
        label=_("Within (business hours)"), min_value=0.25, max_value=5000, decimal_places=2
    )

    def __init__(self, *args, markets=(), user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = kinds.choices()
        self.fields["market"].choices = [(m.code, f"{m.name} ({m.code})") for m in markets]
        self.fields["customer"].error_messages["required"] = _(
            "Choose the customer account the promise was made to."
        )

    def clean(self):
        """The picked customer and subject, checked against the user's scope (the records are
        found again through the access layer: a forged id is refused like an unknown one)."""
        cleaned = super().clean()
        if self.user is not None and cleaned.get("customer"):
            try:
                cleaned["picked"] = customers.resolve(
                    self.user, cleaned["customer"], cleaned.get("subject", "")
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field, errors)
        return cleaned

    def picked_label(self, name: str) -> str:
        """The name shown in a search field when the form comes back (an error elsewhere)."""
        if self.user is None or not self.data.get(name):
            return ""
        try:
            picked = customers.resolve(
                self.user,
                str(self.data.get("customer") or ""),
                str(self.data.get(name) or "") if name == "subject" else "",
            )
        except ValidationError:
            return ""
        if picked is None:
            return ""
        return picked.subject_label if name == "subject" else picked.customer_label


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
