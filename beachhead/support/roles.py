"""The support desk's operations (registered with ``core.roles`` from ``SupportConfig.ready``)
and the roles that work the desk."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from beachhead.core.roles import Role


class SupportOperation(models.TextChoices):
    INGEST_MAIL = "support.ingest_mail", _("Deliver raw e-mail to the support desk")
    MANAGE_MAIL = "support.manage_mail", _("Read and retry rejected e-mail")
    VIEW_DESK = "support.view_desk", _("See the support desk overview")


ROLES = {
    SupportOperation.INGEST_MAIL: {Role.ADMIN},
    SupportOperation.MANAGE_MAIL: {Role.ADMIN},
    SupportOperation.VIEW_DESK: {
        Role.ADMIN,
        Role.EXECUTIVE,
        Role.REGIONAL_MANAGER,
        Role.SUPPORT_AGENT,
        Role.CUSTOMER_SUCCESS,
    },
}
