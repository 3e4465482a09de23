"""Core services: people, teams and the worker heartbeat."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from beachhead.core.models import Team, User, WorkerHeartbeat
from beachhead.core.roles import GLOBAL_ROLES, Role


def check_market_codes(codes: list[str]) -> list[str]:
    """Normalise market codes (``jp`` → ``JP``) and refuse ones that are not two letters."""
    normalised = []
    for code in codes:
        code = code.strip().upper()
        if len(code) != 2 or not code.isalpha():
            raise ValidationError(_("“%(code)s” is not a market code such as JP.") % {"code": code})
        if code not in normalised:
            normalised.append(code)
    return normalised


def parse_user(value: Any, field_label: str) -> User | None:
    """An active user from a User, an id or a username; None for empty values."""
    if value in (None, "", 0, "0"):
        return None
    user: User | None
    if isinstance(value, User):
        user = value
    elif isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        user = User.objects.filter(pk=int(value)).first()
    else:
        user = User.objects.filter(username=str(value)).first()
    if user is None or not user.is_active:
        raise ValidationError(
            _("No active colleague “%(value)s” for %(field)s.")
            % {"value": value, "field": field_label}
        )
    return user


def covers_market(user: User, code: str) -> bool:
    """True when ``user`` works in market ``code`` (global roles work everywhere)."""
    return user.is_global or code in (user.market_codes or [])


@transaction.atomic
def do_create_user(
    *,
    username: str,
    role: str,
    markets: list[str] | None = None,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    language: str = "en",
    timezone_name: str = "UTC",
    validate: bool = True,
) -> tuple[User, str]:
    """Create a user; returns the user and the password (generated when none was given)."""
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role “%(role)s”. Choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("A user called “%(name)s” already exists.") % {"name": username})
    codes = check_market_codes(markets or [])
    if role not in GLOBAL_ROLES and not codes:
        raise ValidationError(
            _("The role “%(role)s” sees only its markets: give at least one with --market.")
            % {"role": role}
        )
    user = User(
        username=username,
        role=role,
        market_codes=codes,
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        timezone=timezone_name,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    generated = password is None
    if password is None:
        password = secrets.token_urlsafe(12)
    if validate and not generated:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user, password


def do_issue_token(user: User) -> str:
    """Give ``user`` an API token (replacing any earlier one) and return its key."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


def do_create_team(
    *,
    name: str,
    market_code: str = "",
    kind: str = Team.Kind.IN_HOUSE,
    timezone_name: str = "UTC",
    manager: User | None = None,
    members: list[User] | None = None,
) -> Team:
    team = Team(
        name=name, market_code=market_code, kind=kind, timezone=timezone_name, manager=manager
    )
    team.full_clean()
    team.save()
    if members:
        team.members.set(members)
    return team


def do_record_heartbeat(worker: str, backend: str = "") -> WorkerHeartbeat:
    beat, _created = WorkerHeartbeat.objects.update_or_create(
        worker=worker, defaults={"beat_at": timezone.now(), "backend": backend}
    )
    return beat


def health() -> dict:
    """Database status and the age of the freshest worker heartbeat, for /healthz."""
    from django.conf import settings
    from django.db import connection

    result: dict = {"status": "ok", "database": {"status": "ok", "vendor": connection.vendor}}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means the database is not usable
        result["database"] = {"status": "error", "error": str(exc)[:200]}
        result["status"] = "error"
        result["worker"] = {"status": "unknown"}
        return result
    limit = settings.BEACHHEAD_HEARTBEAT_SECONDS * 4
    last = WorkerHeartbeat.objects.order_by("-beat_at").first()
    if last is None:
        result["worker"] = {
            "status": "error",
            "error": "no heartbeat yet",
            "max_age_seconds": limit,
        }
        result["status"] = "error"
    else:
        age = (timezone.now() - last.beat_at).total_seconds()
        ok = age <= limit
        result["worker"] = {
            "status": "ok" if ok else "error",
            "last_heartbeat": last.beat_at.isoformat(),
            "age_seconds": round(age, 1),
            "max_age_seconds": limit,
            "worker": last.worker,
        }
        if not ok:
            result["status"] = "error"
    return result
