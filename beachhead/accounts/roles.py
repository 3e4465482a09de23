"""The accounts pillar's operations (registered with ``core.roles`` from ``AccountsConfig.ready``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from beachhead.core.roles import Role


class AccountOperation(models.TextChoices):
    MANAGE_STAGES = "accounts.manage_stages", _("Edit the deal stages")


ROLES = {
    AccountOperation.MANAGE_STAGES: {Role.ADMIN},
}
