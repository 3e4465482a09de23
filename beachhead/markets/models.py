"""Markets: the playbook of a country (or group of countries) as data.

A market is loaded from its playbook file (``playbooks/<code>.toml``) and editable in the UI
afterwards. Fields edited by a person are remembered in ``edited_fields`` so that a later sync
from the files leaves them alone unless forced.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from beachhead.core.access import AccessPolicy, ScopedQuerySet
from beachhead.core.localise import pick
from beachhead.core.roles import Role

#: The fields a playbook file sets; all of them but ``code`` and ``countries`` are editable.
PLAYBOOK_FIELDS: tuple[str, ...] = (
    "name_en",
    "name_zh_hans",
    "name_ja",
    "countries",
    "currency",
    "timezones",
    "languages",
    "data_residency",
    "data_residency_by_industry",
    "data_residency_note",
    "holiday_country",
    "holiday_subdiv",
    "holiday_categories",
    "weekly_hours",
    "hours_note",
    "support_channels",
    "tone",
    "payment_methods",
    "contract_practice",
    "compliance",
)
EDITABLE_FIELDS: tuple[str, ...] = tuple(f for f in PLAYBOOK_FIELDS if f != "countries")


class Market(models.Model):
    """One market's playbook: calendar, channels, tone, payments, contracts, compliance."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=80)
    name_ja = models.CharField(_("name (Japanese)"), max_length=80)
    countries = models.JSONField(_("countries"), default=list)
    currency = models.CharField(_("currency"), max_length=3)
    timezones = models.JSONField(_("time zones"), default=list)
    languages = models.JSONField(_("languages"), default=list)
    data_residency = models.CharField(_("data residency"), max_length=20, blank=True)
    data_residency_by_industry = models.JSONField(
        _("data residency by industry"), default=dict, blank=True
    )
    data_residency_note = models.JSONField(_("data residency note"), default=dict, blank=True)
    holiday_country = models.CharField(_("holiday country"), max_length=3)
    holiday_subdiv = models.CharField(_("holiday subdivision"), max_length=10, blank=True)
    # Extra categories of the `holidays` library, e.g. Japan's "bank" (31 Dec–3 Jan closures).
    holiday_categories = models.JSONField(_("holiday categories"), default=list, blank=True)
    weekly_hours = models.JSONField(_("weekly hours"), default=dict)
    hours_note = models.JSONField(_("hours note"), default=dict, blank=True)
    support_channels = models.JSONField(_("support channels"), default=list)
    tone = models.JSONField(_("tone guidance"), default=dict)
    payment_methods = models.JSONField(_("payment methods"), default=list)
    contract_practice = models.JSONField(_("contract practice"), default=dict)
    compliance = models.JSONField(_("compliance requirements"), default=dict)
    # Fields a person changed since the last load from the files: a sync leaves them alone.
    edited_fields = models.JSONField(default=list, blank=True)
    source_hash = models.CharField(max_length=64, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    access = AccessPolicy(market_path="code", editor_roles=frozenset({Role.REGIONAL_MANAGER}))

    class Meta:
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("markets:detail", args=[self.code])

    @property
    def name(self) -> str:
        """The market's name in the active interface language."""
        language = translation.get_language() or "en"
        if language.startswith("zh"):
            return self.name_zh_hans
        if language.startswith("ja"):
            return self.name_ja
        return self.name_en

    @property
    def timezone(self) -> str:
        return self.timezones[0] if self.timezones else "UTC"

    def localized(self, mapping: dict) -> str:
        """Pick the text of a {en, zh-hans, ja} mapping in the active language."""
        return pick(mapping)

    @property
    def is_edited(self) -> bool:
        """True when a person changed the playbook since it was loaded from its file."""
        return bool(self.edited_fields)
