"""Two-factor sign-in: an authenticator app (TOTP) with ten single-use recovery codes.

The one-time passwords, their throttling (a wrong code makes the next try on that device wait
1, 2, 4, 8 … seconds) and the recovery codes are django-otp's (``otp_totp``, ``otp_static``);
this module holds the product's rules around them:

- who must use a second factor: the roles an administrator chooses (``MfaPolicy``, default
  administrators, finance and compliance) and superusers; ``BEACHHEAD_MFA_REQUIRED=0`` turns
  the requirement off on a local machine (never in production). Whoever has set up an app is
  asked for a code in any case.
- a session is *verified* once its user entered a code (or just confirmed a new app): the
  flag lives in the server-side session (``SESSION_VERIFIED``), which Django empties when
  another user signs in and drops when the password changes.
- the login flow (``mfa_views``) signs a person in only after the code: after the password it
  keeps the pending user in the session (``SESSION_PENDING``) for ``PENDING_SECONDS``.

API tokens are not concerned: a request with an ``Authorization`` header never reaches these
rules (``middleware.MFAMiddleware``).
"""

from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from beachhead.core.audit import audit_actor
from beachhead.core.models import MfaPolicy, default_mfa_roles
from beachhead.core.refcache import RefCache
from beachhead.core.roles import Operation, Role, can

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

    from beachhead.core.models import User

logger = logging.getLogger(__name__)

SESSION_VERIFIED = "beachhead.mfa.verified"
SESSION_PENDING = "beachhead.mfa.pending"
SESSION_FRESH_CODES = "beachhead.mfa.fresh_codes"
PENDING_SECONDS = 10 * 60
RECOVERY_CODES = 10
APP_NAME = "Authenticator app"  # device names: stored, never shown (the pages name them)
CODES_NAME = "Recovery codes"


# --- Policy ----------------------------------------------------------------------------------


def policy() -> MfaPolicy:
    found, _created = MfaPolicy.objects.get_or_create(
        pk=1, defaults={"required_roles": default_mfa_roles()}
    )
    return found


def _load_required_roles() -> frozenset[str]:
    row = MfaPolicy.objects.filter(pk=1).values_list("required_roles", flat=True).first()
    roles = row if row is not None else default_mfa_roles()
    return frozenset(r for r in roles if r in Role.values)


# Read on every request of a session without a second factor: kept in memory, refreshed when
# the policy is saved in this process and at least every 30 seconds (another process's save).
_required: RefCache[frozenset[str]] = RefCache(
    "mfa.required_roles", _load_required_roles, watch=("core.MfaPolicy",)
)


def required_roles() -> frozenset[str]:
    """The roles that must use a second factor (the stored choice, or the defaults)."""
    return _required.get()


def enforced() -> bool:
    return bool(getattr(settings, "BEACHHEAD_MFA_REQUIRED", True))


def is_required(user: User) -> bool:
    """True when ``user`` must have a second factor before doing anything else."""
    if not enforced():
        return False
    return bool(user.is_superuser or user.role in required_roles())


def do_set_required_roles(roles: list[str], actor: User) -> MfaPolicy:
    """Choose the roles that must use two-factor sign-in (audited)."""
    if not can(actor, Operation.MANAGE_USERS):
        raise PermissionDenied
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationError(_("Unknown role: %(role)s") % {"role": ", ".join(unknown)})
    ordered = [r for r in Role.values if r in set(roles)]
    with audit_actor(actor), transaction.atomic():
        row = policy()
        if row.required_roles != ordered:
            row.required_roles = ordered
            row.save()
    return row


# --- Devices ---------------------------------------------------------------------------------


def app_device(user: User) -> TOTPDevice | None:
    """The confirmed authenticator app of ``user``, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_mfa(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@dataclass(frozen=True)
class Status:
    enabled: bool
    required: bool
    codes_left: int
    since: Any = None  # when the app was confirmed (its creation), or None
    last_used: Any = None


def status(user: User) -> Status:
    device = app_device(user)
    return Status(
        enabled=device is not None,
        required=is_required(user),
        codes_left=recovery_codes_left(user) if device else 0,
        since=device.created_at if device else None,
        last_used=device.last_used_at if device else None,
    )


def do_start_totp(user: User) -> TOTPDevice:
    """The not yet confirmed app ``user`` is setting up: the same one on every call until it is
    confirmed (a reload keeps the QR code), a new one after ``do_remove_mfa``."""
    if has_mfa(user):
        raise ValidationError(_("Two-factor sign-in is already on."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def secret(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` address of ``device`` as an inline SVG QR code (no image request)."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=8,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    return re.sub(r"^<\?xml[^>]*>\s*", "", svg)


def normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", str(code or "")).lower()[:32]


def stored_code(code: str) -> str:
    """What the database keeps of a recovery code: a keyed digest (HMAC-SHA256 under the
    ``SECRET_KEY``, as 16 base32 characters, which is what django-otp's token column holds), so
    a copy of the database alone reveals no code. Rotating the ``SECRET_KEY`` voids the codes
    (people make new ones). ASVS 6.5.2 asks a salted slow hash for secrets this short; the
    column leaves no room for one, so this is the keyed digest and the gap is in the ASVS map."""
    digest = salted_hmac("beachhead.mfa.recovery-code", code, algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:16].lower()


def _new_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=CODES_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=stored_code(c)) for c in codes]
    )
    return [format_code(c) for c in codes]


def format_code(code: str) -> str:
    """``abcd2efg`` → ``abcd-2efg`` (read aloud and typed more easily)."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def do_confirm_totp(user: User, code: str) -> list[str]:
    """Confirm the app ``user`` is setting up with a code from it; returns the ten recovery
    codes (shown once). A wrong code: ``ValidationError`` (and the throttle of that device)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None or has_mfa(user):
        raise ValidationError(_("Start the setup again: no authenticator app is waiting."))
    refused = _verify(device, normalise(code))
    if refused:
        raise ValidationError(refused)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return _new_codes(user)


def do_regenerate_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes; the previous ones stop working."""
    if not has_mfa(user):
        raise ValidationError(_("Turn on two-factor sign-in first."))
    with transaction.atomic():
        return _new_codes(user)


def do_remove_mfa(user: User, *, code: str = "", password: str = "") -> None:
    """Turn two-factor sign-in off for oneself: a current code or the password proves it is
    them. (A role that requires it is asked to set it up again at once.)"""
    if not has_mfa(user):
        return
    if password:
        if not user.check_password(password):
            raise ValidationError(_("That password is not right."))
    elif verify_code(user, code) is None:
        raise ValidationError(_("That code is not right."))
    with audit_actor(user), transaction.atomic():
        _delete_devices(user)


def do_reset_mfa(person: User, actor: User) -> bool:
    """An administrator turns a colleague's two-factor sign-in off (a lost phone): they set it
    up again at their next sign-in if their role requires it. Audited (the devices' deletion,
    with the administrator as actor). False when there was nothing to reset."""
    if not can(actor, Operation.MANAGE_USERS):
        raise PermissionDenied
    with audit_actor(actor), transaction.atomic():
        return _delete_devices(person) > 0


def _delete_devices(user: User) -> int:
    count = 0
    # One by one, so that the audit log records each deletion.
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user):
            device.delete()
            count += 1
    return count


# --- Verification ----------------------------------------------------------------------------


def _verify(device: Any, code: str) -> str:
    """Empty when ``code`` is right, else why it is refused (throttled, or wrong)."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return _wait_message(info)
    if device.verify_token(code):
        return ""
    allowed, info = device.verify_is_allowed()
    if not allowed and info and info.get("failure_count", 0) >= 3:
        return _wait_message(info)
    return _("That code is not right. Check the time on your phone and try the newest code.")


def _wait_message(info: dict | None) -> str:
    until = (info or {}).get("locked_until")
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
    return _("Too many wrong codes. Try again in %(seconds)s seconds.") % {"seconds": seconds}


@dataclass(frozen=True)
class Check:
    device: Any | None
    error: str = ""


def check_code(user: User, code: str) -> Check:
    """Check a code from the app (six digits) or a recovery code (eight characters, used up).
    Wrong codes are throttled by django-otp, per device."""
    code = normalise(code)
    if re.fullmatch(r"\d{6}", code):
        devices: list[Any] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    elif re.fullmatch(r"[a-z2-7]{8}", code):
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
        if not has_mfa(user):
            devices = []
    else:
        return Check(None, _("Enter the six digits from your app, or a recovery code."))
    error = _("That code is not right. Check the time on your phone and try the newest code.")
    for device in devices:
        refused = _verify(device, stored_code(code) if isinstance(device, StaticDevice) else code)
        if not refused:
            logger.info("mfa: user %s passed the second factor (%s)", user.pk, device.persistent_id)
            return Check(device)
        error = refused
    logger.warning("mfa: user %s gave a wrong or throttled second-factor code", user.pk)
    return Check(None, error)


def verify_code(user: User, code: str) -> Any | None:
    return check_code(user, code).device


# --- Sessions --------------------------------------------------------------------------------


def mark_verified(session: SessionBase) -> None:
    session[SESSION_VERIFIED] = True


def is_verified(session: SessionBase) -> bool:
    return bool(session.get(SESSION_VERIFIED))


def keep_fresh_codes(session: SessionBase, codes: list[str]) -> None:
    """The codes just made, for the page that shows them once and its download."""
    session[SESSION_FRESH_CODES] = codes


def fresh_codes(session: SessionBase) -> list[str]:
    return list(session.get(SESSION_FRESH_CODES) or [])


def forget_fresh_codes(session: SessionBase) -> None:
    session.pop(SESSION_FRESH_CODES, None)


def hold_pending(session: SessionBase, user: User, backend: str, next_url: str) -> None:
    session[SESSION_PENDING] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "at": timezone.now().timestamp(),
    }


def pending(session: SessionBase) -> dict | None:
    """The half-signed-in user (password right, code to come) if still in time."""
    held = session.get(SESSION_PENDING)
    if not isinstance(held, dict):
        return None
    if timezone.now().timestamp() - float(held.get("at", 0)) > PENDING_SECONDS:
        session.pop(SESSION_PENDING, None)
        return None
    return held


def drop_pending(session: SessionBase) -> None:
    session.pop(SESSION_PENDING, None)


def state(user: User, session: SessionBase, *, admin: bool = False) -> str:
    """What a signed-in session must do first: ``ok``, ``verify`` (enter a code) or ``enrol``
    (set up an app). ``admin``: a page of the Django admin, which always needs a verified
    session (while the requirement is on)."""
    if is_verified(session):
        return "ok"
    if has_mfa(user):
        return "verify"
    if is_required(user) or (admin and enforced()):
        return "enrol"
    return "ok"
