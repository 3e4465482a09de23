from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "beachhead.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from beachhead.accounts import events, lists, panels, pickers
        from beachhead.accounts import timeline as sources
        from beachhead.accounts.demo import create_accounts
        from beachhead.accounts.models import (
            Account,
            Contact,
            Deployment,
            Opportunity,
            Stage,
        )
        from beachhead.accounts.roles import ROLES, AccountOperation
        from beachhead.commitments import customers
        from beachhead.core import dashboard, demo, navigation, settings_pages, timeline
        from beachhead.core.roles import register_operations
        from beachhead.savedviews import registry

        register_operations(AccountOperation, ROLES)
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
        settings_pages.register(
            settings_pages.SettingsPage(
                "deal_stages",
                _("Deal stages"),
                _("The steps of the deal pipeline, their probability and which close a deal."),
                "deal_stages:list",
                "layout-kanban",
                group=_("Sales"),
                order=200,
                operation=AccountOperation.MANAGE_STAGES,
            )
        )
        for source in lists.SOURCES:
            registry.register(source)
        for timeline_source in sources.SOURCES:
            timeline.register(timeline_source)
        for picker in pickers.PICKERS:
            customers.register(picker)
        # Before the ledger's demo (order 80), which may then find accounts to promise to.
        demo.register("accounts", create_accounts, order=50)
