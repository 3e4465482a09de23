from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beachhead.commitments import kinds


class CommitmentForm(forms.Form):
    """A promise made by hand (a follow-up, a milestone agreed on a call …)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=kinds.choices)
    title = forms.CharField(label=_("What was promised"), max_length=300)
    customer_label = forms.CharField(label=_("Customer"), max_length=200, required=False)
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

    def __init__(self, *args, markets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds.choices()
        self.fields["market"].choices = [(m.code, f"{m.name} ({m.code})") for m in markets]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
