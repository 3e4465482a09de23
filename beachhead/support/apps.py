from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _settings_pages() -> list:
    from beachhead.core.settings_pages import SettingsPage
    from beachhead.support.roles import SupportOperation

    group = _("Support desk")
    return [
        SettingsPage(
            "desk.sla_policies",
            _("SLA policies"),
            _("Reply and resolution targets by tier, priority and market, on their calendar."),
            "desk_settings:sla_policies",
            "file-certificate",
            group,
            order=10,
            operation=SupportOperation.MANAGE_SLA_POLICIES,
        ),
        SettingsPage(
            "desk.agents",
            pgettext_lazy("desk settings", "Agents"),
            _("Languages, skills and whether each agent takes new tickets."),
            "desk_settings:agents",
            "headset",
            group,
            order=20,
            operation=SupportOperation.MANAGE_SHIFTS,
        ),
        SettingsPage(
            "desk.shifts",
            pgettext_lazy("desk settings", "Shifts"),
            _("Each agent's weekly hours, in their own time zone: who is on shift when."),
            "desk_settings:shifts",
            "calendar-time",
            group,
            order=30,
            operation=SupportOperation.MANAGE_SHIFTS,
        ),
        SettingsPage(
            "desk.templates",
            _("Reply templates"),
            _("Canned replies in each language, for a market and in a tone."),
            "desk_settings:templates",
            "message-2-bolt",
            group,
            order=40,
            operation=SupportOperation.MANAGE_REPLY_TEMPLATES,
        ),
    ]


class SupportConfig(AppConfig):
    name = "beachhead.support"
    label = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.conf import settings

        from beachhead.commitments import customers
        from beachhead.commitments import kinds as ledger_kinds
        from beachhead.core import demo, schedule, settings_pages, timeline
        from beachhead.core.roles import register_operations
        from beachhead.support import events, kinds, pickers, tasks
        from beachhead.support import timeline as sources
        from beachhead.support.demo import create_support
        from beachhead.support.models import (
            AgentProfile,
            ReplyTemplate,
            ReplyTemplateVariant,
            Shift,
            SlaPolicy,
            TeamThreshold,
            Ticket,
        )
        from beachhead.support.roles import ROLES, SupportOperation

        events.register()
        register_operations(SupportOperation, ROLES)
        for picker in pickers.PICKERS:
            customers.register(picker)
        for code, label in kinds.KINDS.items():
            ledger_kinds.register(code, label, kinds.TITLES.get(code))
        auditlog.register(
            Ticket,
            include_fields=["subject", "priority", "status", "assignee", "team", "tags"],
        )
        for model in (
            SlaPolicy,
            TeamThreshold,
            AgentProfile,
            Shift,
            ReplyTemplate,
            ReplyTemplateVariant,
        ):
            auditlog.register(model)
        for page in _settings_pages():
            settings_pages.register(page)
        _register_screens()
        for timeline_source in sources.SOURCES:
            timeline.register(timeline_source)
        for kind, render in sources.SHOWN.items():
            timeline.show(kind, render)
        schedule.register("support.team_thresholds", tasks.check_team_thresholds, 3600)
        schedule.register("support.send_retries", tasks.send_retries, 60)
        if settings.BEACHHEAD_IMAP_URL:
            schedule.register(
                "support.imap_poll", tasks.imap_poll, settings.BEACHHEAD_IMAP_POLL_SECONDS
            )
        # After accounts (50), before the ledger's own demo promises (80).
        demo.register("support", create_support, order=60)


def _register_screens() -> None:
    """The sidebar entries, lists and panels support adds to the shell."""
    from beachhead.core import dashboard, navigation
    from beachhead.savedviews import registry
    from beachhead.support import lists, panels
    from beachhead.support.roles import SupportOperation

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
