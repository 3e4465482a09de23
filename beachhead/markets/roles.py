"""The markets' operations (registered with ``core.roles`` from ``MarketsConfig.ready``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from beachhead.core.roles import Role


class MarketOperation(models.TextChoices):
    EDIT_MARKETS = "markets.edit", _("Edit market playbooks")


ROLES = {
    MarketOperation.EDIT_MARKETS: {Role.ADMIN, Role.REGIONAL_MANAGER},
}
