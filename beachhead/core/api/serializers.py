from rest_framework import serializers

from beachhead.core.models import Team, User


class UserSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)
    markets = serializers.ListField(
        source="market_codes", child=serializers.CharField(), read_only=True
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "email",
            "role",
            "markets",
            "language",
            "timezone",
        ]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    market = serializers.CharField(source="market_code", read_only=True)
    members: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Team
        fields = ["id", "name", "market", "kind", "timezone", "manager", "members"]
        read_only_fields = fields
