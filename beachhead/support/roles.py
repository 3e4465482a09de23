"""The support desk's operations (registered with ``core.roles`` from ``SupportConfig.ready``)
and the roles that work the desk.

The desk's settings (SLA policies, agents and their shifts, reply templates) are managed by
admins everywhere and by regional managers in their own markets: a policy whose markets are all
theirs, an agent who covers one of their markets, a template wording for one of their markets
(``support.services.desk_settings`` holds that row scope). Agents use templates and shifts but
do not change them: a policy or a roster edited by the people it measures is no promise.

Internal notes (``READ_NOTES``) are the desk's working space: the roles that work the desk —
support agents, customer success, regional managers, executives and admins — read and write
them. Account executives, finance, compliance and community see the customer conversation of
the tickets in their scope (the complaint, and what we answered) but not the notes, and so
cannot add one either. Account executives are left out because the issue that set the rule
names only the desk's roles, and a note ("customer is threatening to churn, do not mention the
discount") is written for the desk, not for the person negotiating the renewal; compliance
because its work (the audit log, data-subject requests) reads records through its own
services, not through a person's view of a ticket: least privilege. Every surface reads the
conversation through ``support.services.conversation`` (the one place that applies this)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from beachhead.core.roles import Role


class SupportOperation(models.TextChoices):
    INGEST_MAIL = "support.ingest_mail", _("Deliver raw e-mail to the support desk")
    MANAGE_MAIL = "support.manage_mail", _("Read and retry rejected e-mail")
    VIEW_DESK = "support.view_desk", _("See the support desk overview")
    MANAGE_SLA_POLICIES = "support.manage_sla_policies", _("Manage SLA policies")
    MANAGE_SHIFTS = "support.manage_shifts", _("Manage agents and their shifts")
    MANAGE_REPLY_TEMPLATES = "support.manage_reply_templates", _("Manage reply templates")
    READ_NOTES = "support.read_notes", _("Read and write internal notes on tickets")


#: The roles that work the desk: they see its overview and the internal notes of tickets.
DESK_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.EXECUTIVE,
        Role.REGIONAL_MANAGER,
        Role.SUPPORT_AGENT,
        Role.CUSTOMER_SUCCESS,
    }
)


ROLES = {
    SupportOperation.INGEST_MAIL: {Role.ADMIN},
    SupportOperation.MANAGE_MAIL: {Role.ADMIN},
    SupportOperation.VIEW_DESK: DESK_ROLES,
    SupportOperation.MANAGE_SLA_POLICIES: {Role.ADMIN, Role.REGIONAL_MANAGER},
    SupportOperation.MANAGE_SHIFTS: {Role.ADMIN, Role.REGIONAL_MANAGER},
    SupportOperation.MANAGE_REPLY_TEMPLATES: {Role.ADMIN, Role.REGIONAL_MANAGER},
    SupportOperation.READ_NOTES: DESK_ROLES,
}
