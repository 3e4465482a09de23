from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketsConfig(AppConfig):
    name = "beachhead.markets"
    label = "markets"
    verbose_name = _("Markets")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from beachhead.core import dashboard, navigation, settings_pages
        from beachhead.core.roles import register_operations
        from beachhead.markets import panels, services  # noqa: F401  (services: cache signals)
        from beachhead.markets.models import Market
        from beachhead.markets.roles import ROLES, MarketOperation

        register_operations(MarketOperation, ROLES)

        # updated_at changes on every save; the audit entry already carries the time.
        auditlog.register(Market, exclude_fields=["synced_at", "source_hash", "updated_at"])
        navigation.register(
            navigation.NavItem("markets", _("Markets"), "markets:list", "world", order=20)
        )
        settings_pages.register(
            settings_pages.SettingsPage(
                "market_playbooks",
                _("Market playbooks"),
                _(
                    "Business hours, holidays, SLA defaults and compliance of each market you cover."
                ),
                "markets:list",
                "world",
                group=_("Markets"),
                order=300,
                operation=MarketOperation.EDIT_MARKETS,
            )
        )
        dashboard.register(
            dashboard.Panel(
                "my_markets", "markets/panels/mine.html", panels.my_markets, order=30, width=5
            )
        )
