"""The ledger's operations (registered with ``core.roles`` from ``CommitmentsConfig.ready``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from beachhead.core.roles import ALL_ROLES, Role


class CommitmentOperation(models.TextChoices):
    VIEW_TRUST = "commitments.view_trust", _("See trust figures")
    MANAGE_COMMITMENTS = "commitments.manage", _("Create and resolve commitments")


ROLES = {
    CommitmentOperation.VIEW_TRUST: ALL_ROLES,
    CommitmentOperation.MANAGE_COMMITMENTS: ALL_ROLES - {Role.COMMUNITY},
}
