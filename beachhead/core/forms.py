"""Forms every pillar builds on: Tabler's classes on every widget (``StyledForm``) and forms
that shape input for a service and take its errors back (``ServiceForm``); and the user's own
preferences."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from beachhead.core.localise import language_key, zone_choice_label
from beachhead.core.models import Team, User, known_timezones
from beachhead.core.roles import Role


def style_fields(form: forms.Form) -> None:
    """Tabler's classes on every visible input (call it again after fields change); a class a
    widget already has is kept."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        # CheckboxSelectMultiple is a RadioSelect: both draw check inputs.
        if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    """A form with Tabler's classes on its widgets and ``autocomplete`` hints by field name."""

    autocomplete: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)
        for name, hint in self.autocomplete.items():
            if name in self.fields:
                self.fields[name].widget.attrs["autocomplete"] = hint


class ServiceForm(StyledForm):
    """A form whose ``changes()`` are a service's input and that takes the service's errors
    back (``add_service_errors``). A money field ``x`` is typed as ``x_amount`` and
    ``x_currency`` and handed over as ``{"amount": …, "currency": …}``."""

    money_fields: tuple[str, ...] = ()
    #: Shown when the service refuses with a ``PermissionDenied`` that says nothing.
    denied_message: Any = _("You may not change this.")

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in self.money_fields:
            amount = data.pop(f"{name}_amount", None)
            currency = data.pop(f"{name}_currency", None)
            if amount is not None:
                data[name] = {"amount": amount, "currency": currency}
        return {k: v for k, v in data.items() if k in self.fields or k in self.money_fields}

    def add_service_errors(self, exc: Exception) -> None:
        """A service's ``ValidationError`` (by field or not) or ``PermissionDenied``: a field's
        errors on the field (a money field's on its amount), the others on the form."""
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                target = name if name in self.fields else f"{name}_amount"
                self.add_error(target if target in self.fields else None, errors)
        elif isinstance(exc, ValidationError):
            self.add_error(None, exc.messages)
        else:
            self.add_error(None, str(exc) or self.denied_message)


def timezone_choices() -> list[tuple[str, str]]:
    """Every time zone, named in the reader's language ("Japan · Tokyo") and sorted by name."""
    return _timezone_choices(language_key())


@lru_cache(maxsize=4)
def _timezone_choices(language: str) -> list[tuple[str, str]]:
    zones = [z for z in known_timezones() if "/" in z and not z.startswith("Etc")]
    named = sorted(((zone_choice_label(z, language), z) for z in zones), key=lambda p: p[0])
    return [("UTC", "UTC"), *[(z, label) for label, z in named]]


class PreferencesForm(forms.ModelForm):
    """A user's own language and time zone."""

    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "language", "timezone"]


def _codes(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").replace("、", " ").split() if part]


class PersonForm(ServiceForm):
    """A colleague as an administrator sets them up: ``changes()`` is ``do_invite_person``'s
    or ``do_update_person``'s input (``username`` only when inviting)."""

    autocomplete = {"first_name": "off", "last_name": "off", "email": "off", "username": "off"}

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("What they sign in with; it cannot change later."),
    )
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.SUPPORT_AGENT)
    markets = forms.CharField(
        label=_("Markets"),
        required=False,
        help_text=_("Two-letter codes, such as JP KR. Administrators and executives see all."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, initial="UTC")
    send_invitation = forms.BooleanField(
        label=_("E-mail them a link to choose their password"), required=False, initial=True
    )

    def __init__(self, *args: Any, person: User | None = None, **kwargs: Any) -> None:
        if person is not None:
            kwargs.setdefault(
                "initial",
                {
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "email": person.email,
                    "role": person.role,
                    "markets": " ".join(person.market_codes or []),
                    "language": person.language,
                    "timezone": person.timezone,
                },
            )
        super().__init__(*args, **kwargs)
        if person is not None:
            del self.fields["username"]
            del self.fields["send_invitation"]

    def changes(self) -> dict[str, Any]:
        data = super().changes()
        data["markets"] = _codes(data.get("markets") or "")
        data.pop("send_invitation", None)
        return data


class PersonChoiceField(forms.ModelChoiceField):
    """A colleague, shown by name."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """Colleagues, shown by name."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


class TeamForm(ServiceForm):
    """A team with its name in Chinese and Japanese: ``changes()`` is ``do_add_team``'s or
    ``do_update_team``'s input."""

    name = forms.CharField(label=_("Name"), max_length=120)
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=120, required=False)
    name_ja = forms.CharField(label=_("Name in Japanese"), max_length=120, required=False)
    market = forms.CharField(
        label=_("Market"),
        max_length=2,
        required=False,
        help_text=_("A two-letter code such as JP; empty for a global team."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Team.Kind.choices)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, initial="UTC")
    manager = PersonChoiceField(label=_("Manager"), queryset=User.objects.none(), required=False)
    members = PeopleChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, team: Team | None = None, **kwargs: Any) -> None:
        if team is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": team.name,
                    "name_zh": (team.names or {}).get("zh-hans", ""),
                    "name_ja": (team.names or {}).get("ja", ""),
                    "market": team.market_code,
                    "kind": team.kind,
                    "timezone": team.timezone,
                    "manager": team.manager_id,
                    "members": [m.pk for m in team.members.all()],
                },
            )
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).order_by("first_name", "last_name", "pk")
        manager = cast("forms.ModelChoiceField", self.fields["manager"])
        members = cast("forms.ModelMultipleChoiceField", self.fields["members"])
        manager.queryset = members.queryset = people

    def changes(self) -> dict[str, Any]:
        data = super().changes()
        data["names"] = {"zh-hans": data.pop("name_zh", ""), "ja": data.pop("name_ja", "")}
        data["members"] = list(data.get("members") or [])
        return data
