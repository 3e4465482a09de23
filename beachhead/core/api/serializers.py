from django.conf import settings
from rest_framework import serializers

from beachhead.core.models import Team, User
from beachhead.core.roles import Role


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
            "is_active",
        ]
        read_only_fields = fields


class MeSerializer(UserSerializer):
    mfa_enabled = serializers.SerializerMethodField(
        help_text="Whether this user signs in with an authenticator app (two-factor sign-in)."
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "mfa_enabled"]
        read_only_fields = fields

    def get_mfa_enabled(self, user: User) -> bool:
        from beachhead.core import mfa

        return mfa.has_mfa(user)


class ColleagueSerializer(UserSerializer):
    """A colleague as administrators see them: with the last sign-in."""

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "last_login", "date_joined"]
        read_only_fields = fields


class ColleagueWriteSerializer(serializers.Serializer):
    """What an administrator sets on a colleague (``username`` only when adding them)."""

    username = serializers.CharField(max_length=150, help_text="Only when adding.")
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices)
    markets = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False, help_text='e.g. ["JP", "KR"]'
    )
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    timezone = serializers.CharField(
        max_length=64, required=False, help_text="IANA, e.g. Asia/Tokyo"
    )


class TeamSerializer(serializers.ModelSerializer):
    market = serializers.CharField(source="market_code", read_only=True)
    local_name = serializers.CharField(
        read_only=True, help_text="The name in the reader's language"
    )
    members: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "names",
            "local_name",
            "market",
            "kind",
            "timezone",
            "manager",
            "members",
        ]
        read_only_fields = fields


class TeamWriteSerializer(serializers.Serializer):
    """What an administrator sets on a team."""

    name = serializers.CharField(max_length=120)
    names = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text='Variants by language: {"zh-hans": "…", "ja": "…"}',
    )
    market = serializers.CharField(max_length=2, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Team.Kind.choices, required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    manager = serializers.IntegerField(required=False, allow_null=True, help_text="A user's id")
    members = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Users' ids"
    )
