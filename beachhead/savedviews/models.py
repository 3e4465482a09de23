"""Saved views: a named state of a list page (columns, filters, sort, group, layout), personal
or shared with a team."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beachhead.core.access import AccessPolicy, Action
from beachhead.core.models import Team
from beachhead.core.roles import Role


def is_admin(user) -> bool:
    """Admins see every view (to tidy up after people who left) and may change any."""
    return bool(user.is_superuser or user.role == Role.ADMIN)


def own_or_team_q(user) -> Q:
    """Views ``user`` owns or that are shared with a team they belong to (member or manager)."""
    # A subquery, not a join over the members table: one row per view, no duplicates.
    team_ids = Team.objects.filter(Q(members=user) | Q(manager=user)).values("pk")
    return Q(owner=user) | Q(shared_with_team__in=team_ids)


if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from beachhead.core.models import User


class SavedViewQuerySet(models.QuerySet):
    def visible_to(
        self, user: User | AnonymousUser | None, action: str = Action.VIEW
    ) -> SavedViewQuerySet:
        """The saved views ``user`` may ``action``.

        - view: their own views and views shared with a team they belong to (member or manager);
          an admin sees every view (to tidy up after people who left).
        - change, delete: only the owner, or an admin.

        Sharing follows team *membership*, which ``AccessPolicy`` cannot express (it knows market
        and owner paths), so this method is the one door pages and the API use, never ``scoped``.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_admin(user):
            return self
        if action == Action.VIEW:
            return self.filter(own_or_team_q(user))
        return self.filter(owner=user)


class Layout(models.TextChoices):
    TABLE = "table", _("Table")
    KANBAN = "kanban", _("Board")


class SavedView(models.Model):
    """A list page's state under a name: which source, which columns, filters, sort, group-by,
    layout and page size (``config``), owned by one person, optionally shared with a team."""

    source = models.CharField(_("list"), max_length=64, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,  # a personal view has no meaning without its author
        related_name="saved_views",
    )
    # SET_NULL: when a team goes away its shared views fall back to their owners, not lost.
    shared_with_team = models.ForeignKey(
        "core.Team",
        verbose_name=_("shared with"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="saved_views",
    )
    config = models.JSONField(_("configuration"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SavedViewQuerySet.as_manager()
    # What the generic layer can say: owners see and change their views; admins and executives
    # everything. Team sharing (and "only owners or admins change") is added by
    # ``SavedView.objects.visible_to`` — pages and the API go through that, never ``scoped``.
    access = AccessPolicy(
        market_path=None,
        owner_paths=("owner",),
        editor_roles=frozenset(),
        viewer_roles=frozenset(),
    )

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["source", "owner"], name="savedview_source_owner"),
            models.Index(fields=["source", "shared_with_team"], name="savedview_source_team"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("savedviews:list", args=[self.source]) + f"?view={self.pk}"

    @property
    def is_shared(self) -> bool:
        return self.shared_with_team_id is not None
