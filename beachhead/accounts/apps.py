from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "beachhead.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from beachhead.accounts.models import (
            Account,
            Contact,
            Deployment,
            Opportunity,
            Stage,
        )

        # Outputs the services recompute are noise in the audit log; inputs are what matter.
        auditlog.register(
            Account,
            exclude_fields=["updated_at", "annual_value", "ltv", "potential_score"],
        )
        auditlog.register(Contact, exclude_fields=["updated_at"])
        auditlog.register(Opportunity, exclude_fields=["updated_at"])
        auditlog.register(Deployment, exclude_fields=["updated_at"])
        auditlog.register(Stage)
