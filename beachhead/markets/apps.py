from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketsConfig(AppConfig):
    name = "beachhead.markets"
    label = "markets"
    verbose_name = _("Markets")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from beachhead.core import navigation
        from beachhead.markets.models import Market

        auditlog.register(Market, exclude_fields=["synced_at", "source_hash"])
        navigation.register(
            navigation.NavItem("markets", _("Markets"), "markets:list", "world", order=20)
        )
