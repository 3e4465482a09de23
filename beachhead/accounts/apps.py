from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "beachhead.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from beachhead.accounts import events, lists, panels
        from beachhead.accounts import timeline as sources
        from beachhead.accounts.demo import create_accounts
        from beachhead.accounts.models import (
            Account,
            Contact,
            Deployment,
            Opportunity,
            Stage,
        )
        from beachhead.core import dashboard, demo, navigation, timeline
        from beachhead.savedviews import registry

        events.register()
        # Outputs the services recompute are noise in the audit log; inputs are what matter.
        auditlog.register(
            Account,
            exclude_fields=["updated_at", "annual_value", "ltv", "potential_score"],
        )
        auditlog.register(Contact, exclude_fields=["updated_at"])
        auditlog.register(Opportunity, exclude_fields=["updated_at"])
        auditlog.register(Deployment, exclude_fields=["updated_at"])
        auditlog.register(Stage)

        for item in (
            navigation.NavItem(
                "accounts",
                _("Accounts"),
                "accounts:list",
                "building",
                order=20,
                sources=("accounts",),
            ),
            navigation.NavItem(
                "opportunities",
                _("Deals"),
                "accounts:opportunities",
                "briefcase",
                order=21,
                sources=("opportunities",),
            ),
            navigation.NavItem(
                "contacts",
                _("Contacts"),
                "accounts:contacts",
                "address-book",
                order=22,
                sources=("contacts",),
            ),
            navigation.NavItem(
                "deployments",
                _("Deployments"),
                "accounts:deployments",
                "server",
                order=23,
                sources=("deployments",),
            ),
            navigation.NavItem(
                "plan", _("Named-account plan"), "accounts:plan", "target-arrow", order=24
            ),
        ):
            navigation.register(item)
        dashboard.register(
            dashboard.Panel(
                "strategic_accounts",
                "accounts/panels/strategic.html",
                panels.strategic_and_deep,
                order=30,
                width=5,
            )
        )
        for source in lists.SOURCES:
            registry.register(source)
        for timeline_source in sources.SOURCES:
            timeline.register(timeline_source)
        # Before the ledger's demo (order 80), which may then find accounts to promise to.
        demo.register("accounts", create_accounts, order=50)
