from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "beachhead.commitments"
    label = "commitments"
    verbose_name = _("Commitments")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.conf import settings

        from beachhead.commitments import events, lists, panels, tasks
        from beachhead.commitments.models import Commitment
        from beachhead.commitments.roles import ROLES, CommitmentOperation
        from beachhead.core import dashboard, demo, navigation, schedule
        from beachhead.core.roles import register_operations
        from beachhead.savedviews import registry

        register_operations(CommitmentOperation, ROLES)

        # The generic subject and customer are recorded by their type and id columns; letting
        # the audit log read the generic relations themselves loads both records on every save.
        # A promise's creation is recorded by its own "created" event, not here (see
        # services.do_create_commitments); changes to its fields afterwards are.
        auditlog.register(
            Commitment,
            exclude_fields=["updated_at", "warned_at", "escalated_at", "subject", "customer"],
        )
        navigation.register(
            navigation.NavItem(
                "commitments",
                _("Commitments"),
                "commitments:list",
                "checklist",
                order=10,
                sources=("commitments",),
            )
        )
        navigation.register(
            navigation.NavItem(
                "trust",
                _("Trust"),
                "commitments:trust",
                "shield-check",
                order=12,
                operation=CommitmentOperation.VIEW_TRUST,
            )
        )
        events.register()
        for source in lists.SOURCES:
            registry.register(source)
        schedule.register("commitments.sweep", tasks.sweep, settings.BEACHHEAD_SWEEP_SECONDS)
        dashboard.register(
            dashboard.Panel(
                "my_commitments", "commitments/panels/mine.html", panels.mine, order=10, width=7
            )
        )
        dashboard.register(
            dashboard.Panel(
                "trust_summary",
                "commitments/panels/trust.html",
                panels.trust,
                order=20,
                width=5,
                operation=CommitmentOperation.VIEW_TRUST,
            )
        )
        from beachhead.commitments.demo import catch_up

        demo.register("commitments", catch_up, order=80)
