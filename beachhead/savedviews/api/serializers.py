from __future__ import annotations

from rest_framework import serializers

from beachhead.core.models import Team
from beachhead.savedviews.models import SavedView


class SavedViewSerializer(serializers.ModelSerializer):
    """A saved view. ``config``: ``columns`` (paths), ``filters`` (``{"field", "op",
    "value"}``), ``sort`` (paths, ``-`` for descending), ``group_by``, ``layout`` (table or
    kanban), ``page_size``; validated against the list's columns."""

    shared_with_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(),
        allow_null=True,
        required=False,
        help_text="A team you belong to; null for a personal view.",
    )
    config = serializers.JSONField(required=False, help_text="Columns, filters, sort, group-by …")
    url = serializers.SerializerMethodField(help_text="The list page showing this view.")
    can_change = serializers.SerializerMethodField()

    class Meta:
        model = SavedView
        fields = [
            "id", "source", "name", "owner", "shared_with_team", "config", "url",
            "can_change", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "owner", "url", "can_change", "created_at", "updated_at"]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_can_change(self, obj) -> bool:
        from beachhead.savedviews.services import may_change_view

        request = self.context.get("request")
        return bool(request and may_change_view(request.user, obj))


class SavedViewUpdateSerializer(SavedViewSerializer):
    class Meta(SavedViewSerializer.Meta):
        read_only_fields = [*SavedViewSerializer.Meta.read_only_fields, "source"]


class GroupSerializer(serializers.Serializer):
    value = serializers.JSONField(allow_null=True)
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    count = serializers.IntegerField()


class ListRowsSerializer(serializers.Serializer):
    """A page of a list's rows: each row is ``{column path: value}`` plus ``id``."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    columns = serializers.ListField(child=serializers.CharField())
    results = serializers.ListField(child=serializers.DictField())
    groups = GroupSerializer(many=True)
