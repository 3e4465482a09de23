from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "beachhead.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from beachhead.core import (
            audit,
            demo,
            login_guard,
            navigation,
            notify,
            schedule,
            sessions,
            settings_pages,
            tasks,
        )
        from beachhead.core.roles import Operation

        audit.register_core_models()
        sessions.connect()
        user_login_failed.connect(login_guard.on_login_failed, dispatch_uid="login_guard")
        navigation.register(navigation.NavItem("home", _("Home"), "core:home", "home", order=0))
        navigation.register(navigation.NavItem("inbox", _("Inbox"), "core:inbox", "inbox", order=5))
        navigation.register(
            navigation.NavItem("people", _("People"), "core:people", "users", order=900)
        )
        navigation.register(
            navigation.NavItem("teams", _("Teams"), "core:teams", "users-group", order=910)
        )
        navigation.register(
            navigation.NavItem(
                "audit",
                _("Audit log"),
                "core:audit_log",
                "history",
                order=950,
                operation=Operation.VIEW_AUDIT_LOG,
            )
        )
        navigation.register(
            navigation.NavItem(
                "outbox",
                _("Outbox"),
                "core:outbox",
                "send",
                order=960,
                operation=Operation.VIEW_OUTBOX,
            )
        )
        navigation.register(
            navigation.NavItem(
                "settings",
                _("Settings"),
                "core:settings",
                "settings",
                order=990,
                shown=settings_pages.has_pages,
            )
        )
        for page in (
            settings_pages.SettingsPage(
                "people",
                _("People and roles"),
                _("Invite colleagues, give them a role and markets, deactivate those who leave."),
                "core:settings_people",
                "users",
                group=_("Organisation"),
                order=10,
                operation=Operation.MANAGE_USERS,
            ),
            settings_pages.SettingsPage(
                "teams",
                _("Teams"),
                _("Teams by market, in-house or outsourced, with their manager and members."),
                "core:settings_teams",
                "users-group",
                group=_("Organisation"),
                order=20,
                operation=Operation.MANAGE_USERS,
            ),
        ):
            settings_pages.register(page)
        schedule.register("heartbeat", tasks.heartbeat, every_seconds=None)
        # Retries, and deliveries whose worker died: the commit that wrote them queued them too.
        schedule.register("sessions.purge", tasks.purge_sessions, every_seconds=3600)
        schedule.register("events.deliver", tasks.deliver_events, every_seconds=60)
        schedule.register("ratelimit.prune", tasks.prune_rate_counters, every_seconds=3600)
        notify.register_channel(notify.EmailChannel())
        demo.register("people", demo.create_people, order=10)
        demo.register("inbox", demo.date_the_inbox, order=900)


class SuperuserAdminConfig(admin_apps.AdminConfig):
    """The Django admin with a site that only superusers enter (``core.admin_site``)."""

    default = False  # the core's own config stays this module's default
    default_site = "beachhead.core.admin_site.SuperuserAdminSite"
