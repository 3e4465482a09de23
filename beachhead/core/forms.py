from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from beachhead.core.models import User, known_timezones


def timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in known_timezones() if "/" in z and not z.startswith("Etc"))
    return [("UTC", "UTC"), *[(z, z.replace("_", " ")) for z in zones]]


class PreferencesForm(forms.ModelForm):
    """A user's own language and time zone."""

    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "language", "timezone"]
