"""Forms of saved views: save the current state under a name, rename or re-share a view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from beachhead.savedviews.services import NAME_MAX, teams_of

if TYPE_CHECKING:
    from beachhead.core.models import User


class _TeamField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class SaveViewForm(forms.Form):
    """Name and sharing of a view; ``state`` carries the page's query string."""

    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    shared_with_team = _TeamField(
        label=_("Visible to"),
        queryset=None,
        required=False,
        empty_label=_("Only me"),
    )
    state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=8000)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["shared_with_team"])
        field.queryset = teams_of(user).order_by("name")


class RenameViewForm(SaveViewForm):
    """Rename or re-share a view (its configuration stays)."""
