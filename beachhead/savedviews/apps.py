from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SavedViewsConfig(AppConfig):
    name = "beachhead.savedviews"
    label = "savedviews"
    verbose_name = _("Saved views")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from beachhead.core import navigation
        from beachhead.savedviews.models import SavedView

        auditlog.register(SavedView, exclude_fields=["updated_at"])
        navigation.register(
            navigation.NavItem("lists", _("Lists"), "savedviews:index", "table", order=30)
        )
