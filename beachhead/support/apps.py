from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "beachhead.support"
    label = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.conf import settings

        from beachhead.commitments import kinds as ledger_kinds
        from beachhead.core import dashboard, demo, navigation, schedule, timeline
        from beachhead.core.roles import register_operations
        from beachhead.savedviews import registry
        from beachhead.support import events, kinds, lists, panels, tasks
        from beachhead.support import timeline as sources
        from beachhead.support.demo import create_support
        from beachhead.support.models import SlaPolicy, TeamThreshold, Ticket
        from beachhead.support.roles import ROLES, SupportOperation

        events.register()
        register_operations(SupportOperation, ROLES)
        for code, label in kinds.KINDS.items():
            ledger_kinds.register(code, label)
        auditlog.register(
            Ticket,
            include_fields=["subject", "priority", "status", "assignee", "team", "tags"],
        )
        auditlog.register(SlaPolicy)
        auditlog.register(TeamThreshold)
        for item in (
            navigation.NavItem(
                "tickets",
                _("Tickets"),
                "support:list",
                "lifebuoy",
                order=10,
                sources=("tickets",),
            ),
            navigation.NavItem(
                "desk",
                _("Support desk"),
                "support:desk",
                "headset",
                order=11,
                operation=SupportOperation.VIEW_DESK,
            ),
        ):
            navigation.register(item)
        for source in lists.SOURCES:
            registry.register(source)
        # The flagship promise, on Home and on the Trust page (which the ledger owns).
        for key, place, order, width in (
            ("fifteen_minutes", "home", 25, 7),
            ("fifteen_minutes_trust", "trust", 10, 12),
        ):
            dashboard.register(
                dashboard.Panel(
                    key,
                    "support/panels/flagship.html",
                    panels.fifteen_minutes,
                    order=order,
                    width=width,
                    place=place,
                )
            )
        for timeline_source in sources.SOURCES:
            timeline.register(timeline_source)
        for kind, render in sources.SHOWN.items():
            timeline.show(kind, render)
        schedule.register("support.team_thresholds", tasks.check_team_thresholds, 3600)
        if settings.BEACHHEAD_IMAP_URL:
            schedule.register(
                "support.imap_poll", tasks.imap_poll, settings.BEACHHEAD_IMAP_POLL_SECONDS
            )
        # After accounts (50), before the ledger's own demo promises (80).
        demo.register("support", create_support, order=60)
