"""API tokens: several per person, named, with an expiry and a last use, shown once, stored
hashed, revocable.

A key is ``bh_`` followed by 40 random letters and digits (238 bits from ``secrets``). The
database keeps its SHA-256 (``ApiToken.key_hash``) and its first characters (``prefix``, so a
person recognises it in a list); the key itself is returned once, by ``do_create_token``, and
never again. SHA-256 without salt or stretching is right for keys this random: nobody can guess
one from its hash, and a lookup by hash costs one indexed query. (Passwords, chosen by people,
are a different matter and keep Django's PBKDF2.)

A token stops working when it expires, when it is revoked (by its owner, an administrator, a
password change or deactivation). ``last_used_at`` is written at most once a minute.
Tokens made by DRF's ``authtoken`` before this module were copied in by migration
``core.0007`` under the name "Migrated token" and keep working.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beachhead.core.audit import audit_actor
from beachhead.core.models import ApiToken, User
from beachhead.core.roles import Operation, can

__all__ = ["EXPIRY_CHOICES", "ApiToken"]

KEY_PREFIX = "bh_"
#: Characters of the key kept readable.
PREFIX_LENGTH = 8
#: Seconds between two writes of ``last_used_at``.
TOUCH_EVERY = 60
#: The expiries the pages offer, in days (None: never).
EXPIRY_CHOICES: list[tuple[int | None, object]] = [
    (30, gettext_lazy("30 days")),
    (90, gettext_lazy("90 days")),
    (365, gettext_lazy("1 year")),
    (None, gettext_lazy("Never")),
]
EXPIRY_DAYS = [days for days, _label in EXPIRY_CHOICES]


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


_ALPHABET = string.ascii_letters + string.digits


def new_key() -> str:
    """``bh_`` and 40 letters and digits (238 bits): selectable with a double click."""
    return KEY_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(40))


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as the tool that uses it.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Keep the name under 100 characters.")})
    return name


@transaction.atomic
def do_create_token(
    user: User,
    *,
    name: str,
    expires_in_days: int | None = 90,
    now: dt.datetime | None = None,
    check_days: bool = True,
) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns it and its key (the only time the key is known)."""
    name = check_name(name)
    if check_days and expires_in_days not in EXPIRY_DAYS:
        raise ValidationError({"expires_in_days": _("Choose 30, 90 or 365 days, or no expiry.")})
    now = now or timezone.now()
    key = new_key()
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:PREFIX_LENGTH],
        key_hash=hash_key(key),
        created_at=now,
        expires_at=now + dt.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    with audit_actor(user):
        token.save()
    return token, key


def of(user: User) -> QuerySet[ApiToken]:
    """``user``'s tokens that are not revoked (expired ones included, marked), newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by(
        "-created_at", "-pk"
    )


def usable(user: User, now: dt.datetime | None = None) -> QuerySet[ApiToken]:
    """``user``'s tokens that work: not revoked, not expired."""
    now = now or timezone.now()
    return of(user).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def authenticate(key: str, now: dt.datetime | None = None) -> ApiToken:
    """The token of ``key``, its user loaded; ``LookupError`` with a reason ("invalid",
    "expired", "inactive") when it cannot be used. Writes ``last_used_at`` at most once a
    minute."""
    now = now or timezone.now()
    if not key or len(key) > 200:
        raise LookupError("invalid")
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or token.revoked_at is not None:
        raise LookupError("invalid")
    if token.is_expired(now):
        raise LookupError("expired")
    if not token.user.is_active:
        raise LookupError("inactive")
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@transaction.atomic
def do_revoke_token(token: ApiToken, actor: User, now: dt.datetime | None = None) -> ApiToken:
    """Revoke ``token`` (its owner, or an administrator)."""
    if token.user_id != actor.pk and not can(actor, Operation.MANAGE_USERS):
        raise PermissionDenied(_("Only the owner or an administrator revokes a token."))
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.revoked_because = (
            ApiToken.RevokedBecause.OWNER
            if token.user_id == actor.pk
            else ApiToken.RevokedBecause.ADMIN
        )
        with audit_actor(actor):
            token.save(update_fields=["revoked_at", "revoked_because"])
    return token


def revoke_all(user: User, *, because: str, now: dt.datetime | None = None) -> int:
    """Revoke every live token of ``user`` (a password change, deactivation)."""
    return revoke_all_matching(ApiToken.objects.filter(user=user), because=because, now=now)


def revoke_all_matching(
    qs: QuerySet[ApiToken], *, because: str = ApiToken.RevokedBecause.ADMIN, now=None
) -> int:
    """Revoke the live tokens of ``qs`` (``beachhead tokens --revoke``)."""
    return qs.filter(revoked_at__isnull=True).update(
        revoked_at=now or timezone.now(), revoked_because=because
    )


def copy_drf_tokens(connection, model, now: dt.datetime) -> int:
    """Copy the keys of DRF's ``authtoken_token`` table (when it exists) into ``model`` rows
    (``ApiToken`` as the migration knows it) named "Migrated token", hashed, then empty that
    table: the database keeps no key in clear. Used by migration ``core.0007`` (raw SQL: the
    authtoken app is no longer installed)."""
    with connection.cursor() as cursor:
        if "authtoken_token" not in connection.introspection.table_names(cursor):
            return 0
        q = connection.ops.quote_name
        columns = ", ".join(q(name) for name in ("key", "created", "user_id"))
        cursor.execute(f"SELECT {columns} FROM authtoken_token")  # noqa: S608 (fixed names)
        rows = cursor.fetchall()
    copied = 0
    for key, created, user_id in rows:
        if model.objects.filter(key_hash=hash_key(key)).exists():
            continue
        model.objects.create(
            user_id=user_id,
            name="Migrated token",
            prefix=key[:PREFIX_LENGTH],
            key_hash=hash_key(key),
            created_at=_aware(created) or now,
        )
        copied += 1
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM authtoken_token")
    return copied


def _aware(value) -> dt.datetime | None:
    """A datetime read by raw SQL: SQLite gives text, MariaDB a naive UTC time."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
