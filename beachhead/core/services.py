"""Core services: people, teams and the worker heartbeat."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beachhead.core.audit import audit_actor
from beachhead.core.http import base_url
from beachhead.core.localise import LANGUAGE_KEYS
from beachhead.core.models import Team, User, WorkerHeartbeat
from beachhead.core.roles import GLOBAL_ROLES, Operation, Role, can
from beachhead.core.sessions import end_all
from beachhead.core.tokens import ApiToken, do_create_token, revoke_all


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
    superuser: bool | None = None,
) -> tuple[User, str]:
    """Create a user; returns the user and the password (generated when none was given).
    ``superuser``: may open the Django admin (default: administrators do; the in-app Settings
    invite nobody there)."""
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
        is_staff=role == Role.ADMIN if superuser is None else superuser,
        is_superuser=role == Role.ADMIN if superuser is None else superuser,
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


def do_issue_token(
    user: User, name: str = "Command line", expires_in_days: int | None = None
) -> str:
    """Give ``user`` a new API token (their other tokens keep working) and return its key:
    the only time it is known (the database keeps its hash). ``beachhead createuser`` and
    the tests use it; people make theirs on Preferences → API tokens."""
    _token, key = do_create_token(
        user, name=name, expires_in_days=expires_in_days, check_days=False
    )
    return key


def do_create_team(
    *,
    name: str,
    market_code: str = "",
    kind: str = Team.Kind.IN_HOUSE,
    timezone_name: str = "UTC",
    manager: User | None = None,
    members: list[User] | None = None,
    names: dict[str, str] | None = None,
) -> Team:
    """Create a team (no access check: the demo and commands; people use ``do_add_team``)."""
    team = Team(
        name=name,
        names=names or {},
        market_code=market_code,
        kind=kind,
        timezone=timezone_name,
        manager=manager,
    )
    team.full_clean()
    team.save()
    if members:
        team.members.set(members)
    return team


# People and teams, as the Settings pages and the API change them ------------------------------

#: What ``do_update_person`` changes (``markets`` is ``market_codes``).
PERSON_FIELDS = ("first_name", "last_name", "email", "role", "markets", "language", "timezone")
#: What ``do_add_team`` and ``do_update_team`` take.
TEAM_FIELDS = ("name", "names", "market", "kind", "timezone", "manager", "members")


def check_manages_people(actor: User) -> None:
    """``PermissionDenied`` unless ``actor`` may manage people and teams."""
    if not can(actor, Operation.MANAGE_USERS):
        raise PermissionDenied(_("Only administrators manage people and teams."))


def _check_person(person: User) -> None:
    """A role that sees only its markets needs at least one; the rest of the model's rules."""
    if person.role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if person.role not in GLOBAL_ROLES and not person.market_codes:
        raise ValidationError(
            {"markets": _("This role sees only its markets: give at least one, such as JP.")}
        )
    person.full_clean(exclude=["password"])


def _active_admins() -> int:
    return User.objects.filter(is_active=True, role=Role.ADMIN).count()


@transaction.atomic
def do_invite_person(
    actor: User,
    *,
    username: str,
    role: str,
    markets: list[str] | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    language: str = "en",
    timezone: str = "UTC",
) -> User:
    """Add a colleague (admins only). They get no password: they choose one through the
    invitation link (``do_send_invitation``). Nobody invited here may open the Django admin."""
    check_manages_people(actor)
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Give a username.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Someone already has this username.")})
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone already has this e-mail address.")})
    person = User(
        username=username,
        role=role,
        market_codes=_market_codes(markets or [], role),
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        timezone=timezone,
    )
    person.set_unusable_password()
    _check_person(person)
    with audit_actor(actor):
        person.save()
    return person


def _market_codes(markets: list[str], role: str) -> list[str]:
    try:
        codes = check_market_codes(list(markets))
    except ValidationError as exc:
        raise ValidationError({"markets": exc.messages}) from exc
    return [] if role in GLOBAL_ROLES else codes


def do_send_invitation(person: User, request: Any, inviter: User | None = None) -> bool:
    """E-mail ``person`` a link to choose a password (a password-reset link, in their
    language); False when they have no e-mail address."""
    from django.contrib.auth.forms import PasswordResetForm
    from django.utils import translation

    if not person.email:
        return False
    form = PasswordResetForm({"email": person.email})
    if not form.is_valid():
        return False
    # The link starts with the configured address (``core.http.base_url``), not whatever host
    # the inviting request came in on.
    link = urlsplit(base_url(request))
    with translation.override(person.language or "en"):
        # An invited person has no usable password, which the reset form skips: send to them.
        form.get_users = lambda email: iter([person])  # type: ignore[method-assign]
        form.save(
            request=request,
            domain_override=link.netloc,
            use_https=link.scheme == "https",
            subject_template_name="registration/invitation_subject.txt",
            email_template_name="registration/invitation_email.html",
            extra_email_context={"inviter": str(inviter or request.user)},
        )
    return True


@transaction.atomic
def do_update_person(person: User, actor: User, changes: dict[str, Any]) -> list[str]:
    """Change a colleague's name, address, role, markets, language or time zone (admins
    only); returns the fields that changed. Administrators cannot demote themselves, and the
    last active administrator stays one."""
    check_manages_people(actor)
    before = {name: getattr(person, name) for name in ("role", "market_codes")}
    changed: list[str] = []
    for name in PERSON_FIELDS:
        if name not in changes:
            continue
        value = changes[name]
        attr = "market_codes" if name == "markets" else name
        if name == "markets":
            value = _market_codes(value or [], changes.get("role", person.role))
        if getattr(person, attr) != value:
            setattr(person, attr, value)
            changed.append(name)
    if person.role in GLOBAL_ROLES:
        person.market_codes = []
    if before["role"] == Role.ADMIN and person.role != Role.ADMIN:
        _check_keeps_an_admin(person, actor)
        # The Django admin is an administrator's: a demoted one loses it.
        person.is_staff = person.is_superuser = False
    _check_person(person)
    if changed:
        with audit_actor(actor):
            person.save()
    return changed


def _check_keeps_an_admin(person: User, actor: User) -> None:
    if person.pk == actor.pk:
        raise ValidationError({"role": _("You cannot take the administrator role from yourself.")})
    if person.is_active and _active_admins() <= 1:
        raise ValidationError(_("This is the last active administrator: appoint another first."))


@transaction.atomic
def do_deactivate_person(person: User, actor: User) -> None:
    """Stop a colleague from signing in (admins only). People are never deleted: promises,
    tickets and the audit log keep naming them."""
    check_manages_people(actor)
    if person.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if person.role == Role.ADMIN and person.is_active and _active_admins() <= 1:
        raise ValidationError(_("This is the last active administrator: appoint another first."))
    if person.is_active:
        person.is_active = False
        with audit_actor(actor):
            person.save(update_fields=["is_active"])
        revoke_all(person, because=ApiToken.RevokedBecause.DEACTIVATED)
        end_all(person, sweep_engine=True)


@transaction.atomic
def do_reactivate_person(person: User, actor: User) -> None:
    """Let a deactivated colleague sign in again (admins only)."""
    check_manages_people(actor)
    if not person.is_active:
        person.is_active = True
        with audit_actor(actor):
            person.save(update_fields=["is_active"])


def check_names(names: Any) -> dict[str, str]:
    """A record's name variants by language key (``names``), blanks dropped; unknown keys
    refused."""
    if not isinstance(names, dict):
        raise ValidationError({"names": _("Give the names as a mapping by language code.")})
    unknown = sorted(set(names) - set(LANGUAGE_KEYS))
    if unknown:
        raise ValidationError(
            {
                "names": _("Unknown language codes: %(codes)s. Use zh-hans or ja.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return {key: str(value).strip() for key, value in names.items() if str(value or "").strip()}


def _apply_team_changes(team: Team, changes: dict[str, Any]) -> list[User] | None:
    """Set the team's fields from ``changes``; returns its new members (None: unchanged)."""
    for name in ("name", "kind", "timezone"):
        if name in changes:
            setattr(team, name, (changes[name] or "").strip())
    if "names" in changes:
        team.names = check_names(changes["names"] or {})
    if "market" in changes:
        code = (changes["market"] or "").strip()
        try:
            team.market_code = check_market_codes([code])[0] if code else ""
        except ValidationError as exc:
            raise ValidationError({"market": exc.messages}) from exc
    if "manager" in changes:
        team.manager = parse_user(changes["manager"], str(_("manager")))
    members = None
    if "members" in changes:
        members = [parse_user(m, str(_("members"))) for m in changes["members"] or []]
    team.full_clean()
    return [m for m in members if m is not None] if members is not None else None


@transaction.atomic
def do_add_team(actor: User, **changes: Any) -> Team:
    """Create a team (admins only): name (and its variants), market, kind, time zone,
    manager and members."""
    check_manages_people(actor)
    team = Team()
    members = _apply_team_changes(team, {"kind": Team.Kind.IN_HOUSE, "timezone": "UTC", **changes})
    with audit_actor(actor):
        team.save()
        if members:
            team.members.set(members)
    return team


@transaction.atomic
def do_update_team(team: Team, actor: User, changes: dict[str, Any]) -> Team:
    """Change a team (admins only)."""
    check_manages_people(actor)
    members = _apply_team_changes(team, changes)
    with audit_actor(actor):
        team.save()
        if members is not None:
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
