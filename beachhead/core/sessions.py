"""A user's signed-in sessions: which browsers, from where, since when; ending them.

Why our own ``UserSession`` rather than a library: django-user-sessions (the usual choice)
replaces the session engine with its own and had no release since 2022 (before Django 5.x);
ours sits next to Django's session engine of choice (database, cache or cached database) and
needs one small table. A row is keyed by the session key:

- written at sign-in (``user_logged_in``), with the browser's User-Agent and IP address;
- touched by ``SessionActivityMiddleware`` at most once a minute per session (the time of the
  last touch rides in the session itself, so a request reads nothing and writes nothing more);
- deleted with the session: at sign-out (``user_logged_out``), when its owner or an
  administrator ends it (the session is deleted from the engine too, so that browser is signed
  out at its next request), and when the password changes (every session but the one that
  changed it). Rows of sessions that simply expired are not listed (older than the session age)
  and are purged by ``purge_expired``.

Works on SQLite, PostgreSQL and MariaDB alike: plain rows, no engine-specific SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import signals as auth_signals
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from beachhead.core import http
from beachhead.core.audit import audit_actor
from beachhead.core.models import User, UserSession
from beachhead.core.roles import Operation, can

#: Seconds between two touches of a session's "last seen".
TOUCH_EVERY = 60
#: Where the session keeps the time of its last touch (and the key it was made for).
STAMP = "_bh_seen"
#: Where the session keeps when its user signed in (the absolute limit counts from there).
SINCE = "_bh_since"


def _engine():
    return import_module(settings.SESSION_ENGINE).SessionStore


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, as far as the trusted proxies vouch for it
    (``core.http.client_ip``), for the session's row."""
    value = http.client_ip(request)
    return None if value == "unknown" else value[:45] or None


def _stamp(request: HttpRequest, now: dt.datetime) -> None:
    request.session[STAMP] = [request.session.session_key, int(now.timestamp())]


def record(request: HttpRequest, user: User, now: dt.datetime | None = None) -> UserSession | None:
    """Write (or refresh) the row of ``request``'s session for ``user``."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    if not session.session_key:
        session.save()
    now = now or timezone.now()
    row, _created = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "user_agent": (request.META.get("HTTP_USER_AGENT", "") or "")[:512],
            "ip": client_ip(request),
            "last_seen_at": now,
        },
        create_defaults={
            "user": user,
            "user_agent": (request.META.get("HTTP_USER_AGENT", "") or "")[:512],
            "ip": client_ip(request),
            "created_at": now,
            "last_seen_at": now,
        },
    )
    _stamp(request, now)
    session.setdefault(SINCE, int(now.timestamp()))
    return row


def expired(request: HttpRequest, now: dt.datetime | None = None) -> bool:
    """Whether ``request``'s signed-in session is over (ASVS 7.3.1, 7.3.2): idle for longer than
    ``BEACHHEAD_SESSION_IDLE_MINUTES`` (its last touch is that old), or signed in longer ago than
    ``SESSION_COOKIE_AGE`` however busy (the cookie's own age restarts whenever the session is
    written, so it alone never ends a busy session). A session from before these stamps is
    judged by the cookie alone."""
    session = request.session
    now_ts = (now or timezone.now()).timestamp()
    stamp = session.get(STAMP)
    idle = settings.BEACHHEAD_SESSION_IDLE_MINUTES * 60
    if isinstance(stamp, list) and len(stamp) == 2 and now_ts - stamp[1] > idle:
        return True
    since = session.get(SINCE)
    return isinstance(since, int) and now_ts - since > settings.SESSION_COOKIE_AGE


def touch(request: HttpRequest, now: dt.datetime | None = None) -> bool:
    """Refresh the session's "last seen" when the last touch is a minute old (or was made
    for another key, e.g. after the key was cycled); True when it wrote."""
    session = request.session
    key = session.session_key
    if not key:
        return False
    now = now or timezone.now()
    stamp = session.get(STAMP)
    if (
        isinstance(stamp, list)
        and len(stamp) == 2
        and stamp[0] == key
        and now.timestamp() - stamp[1] < TOUCH_EVERY
    ):
        return False
    user = request.user
    assert isinstance(user, User)  # the middleware touches signed-in sessions only
    updated = UserSession.objects.filter(session_key=key, user=user).update(
        last_seen_at=now, ip=client_ip(request)
    )
    if not updated:  # a session older than this feature, or a cycled key
        record(request, user, now)
    else:
        _stamp(request, now)
    return True


class SessionActivityMiddleware:
    """Keeps each signed-in session's row fresh (after the view, so a key cycled by the view,
    e.g. a password change, is the one recorded). Goes after ``AuthenticationMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and hasattr(request, "session")
            and request.session.session_key
            and expired(request)
        ):
            # Signed out before the view: a page sends to the sign-in, the API answers 401/403.
            from django.contrib.auth import logout

            logout(request)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and hasattr(request, "session")
            and not getattr(request, "auth", None)  # an API token call has no browser session
            and request.session.session_key
        ):
            touch(request)
        return response


def active(user: User, now: dt.datetime | None = None) -> QuerySet[UserSession]:
    """``user``'s sessions that have not expired, most recently seen first."""
    now = now or timezone.now()
    since = now - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return UserSession.objects.filter(user=user, last_seen_at__gte=since).order_by(
        "-last_seen_at", "-pk"
    )


@dataclass(frozen=True)
class Device:
    browser: str
    os: str
    kind: str  # "desktop", "mobile", "tablet" or "other": the icon

    @property
    def label(self) -> str:
        if self.browser and self.os:
            return _("%(browser)s on %(os)s") % {"browser": self.browser, "os": self.os}
        return self.browser or self.os or _("Unknown device")

    @property
    def icon(self) -> str:
        return (
            {"mobile": "device-mobile", "tablet": "device-tablet", "desktop": "device-desktop"}[
                self.kind
            ]
            if self.kind in ("mobile", "tablet", "desktop")
            else "world"
        )


_OS_NAMES = {"Mac OS X": "macOS", "Windows": "Windows", "iOS": "iOS", "Android": "Android"}


def device(user_agent: str) -> Device:
    """ "Chrome on macOS" from a User-Agent header (ua-parser's rules)."""
    if not user_agent:
        return Device("", "", "other")
    import ua_parser

    parsed = ua_parser.parse(user_agent)
    browser = parsed.user_agent.family if parsed.user_agent else ""
    if browser == "Other":
        browser = ""
    browser = browser.replace("Mobile Safari", "Safari").replace("Chrome Mobile", "Chrome")
    os_name = parsed.os.family if parsed.os else ""
    if os_name == "Other":
        os_name = ""
    os_name = _OS_NAMES.get(os_name, os_name)
    text = user_agent.lower()
    if "ipad" in text or "tablet" in text:
        kind = "tablet"
    elif "mobi" in text or os_name in ("iOS", "Android"):
        kind = "mobile"
    elif os_name:
        kind = "desktop"
    else:
        kind = "other"
    return Device(browser, os_name, kind)


def end(user: User, session_key: str) -> bool:
    """End one of ``user``'s sessions (its browser is signed out at its next request)."""
    rows = UserSession.objects.filter(user=user, session_key=session_key)
    if not rows.exists():
        return False
    _engine()().delete(session_key)
    rows.delete()
    return True


def end_all(user: User, *, keep: str | None = None, sweep_engine: bool = False) -> int:
    """End every session of ``user`` but ``keep`` (a session key); returns how many ended.

    ``sweep_engine``: also look for sessions without a row (signed in before this feature and
    not used since) in the database engine. A password change needs no sweep: Django already
    refuses a session whose password hash is stale."""
    keys = set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    if sweep_engine and settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        keys |= _db_session_keys(user)
    keys.discard(keep or "")
    store = _engine()()
    for key in keys:
        store.delete(key)
    UserSession.objects.filter(user=user, session_key__in=keys).delete()
    return len(keys)


def _db_session_keys(user: User) -> set[str]:
    """Keys of the database sessions signed in as ``user`` (decodes each live session: used
    only when ending them all, never on a page)."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    found = set()
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if str(data.get(SESSION_KEY, "")) == str(user.pk):
            found.add(session.session_key)
    return found


@transaction.atomic
def do_end_sessions_of(
    person: User, actor: User, *, remote_addr: str | None = None, keep: str | None = None
) -> int:
    """An administrator signs ``person`` out of every browser (audited); ``keep``: the
    administrator's own session, when they sign themselves out elsewhere."""
    from auditlog.models import LogEntry

    if not can(actor, Operation.MANAGE_USERS):
        raise PermissionDenied(_("Only administrators manage people and teams."))
    ended = end_all(person, keep=keep, sweep_engine=True)
    with audit_actor(actor):
        LogEntry.objects.log_create(
            person,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            changes={"sessions": [str(ended), "0"]},
            actor=actor,
            remote_addr=remote_addr,
        )
    return ended


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the rows of sessions that expired (the scheduled sweep)."""
    now = now or timezone.now()
    since = now - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    deleted, _ = UserSession.objects.filter(last_seen_at__lt=since).delete()
    return deleted


# Signals -------------------------------------------------------------------------------------


def _on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        record(request, user)


def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()


#: A password change made through ``core.security`` keeps the session that made it.
KEEP_SESSION_ATTR = "_bh_keep_session"


def _on_user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    """A new password (changed, reset, set by an administrator or a command) ends every other
    session of the user and revokes the user's API tokens."""
    if created or getattr(instance, "_password", None) is None:
        return
    from beachhead.core import tokens

    end_all(instance, keep=getattr(instance, KEEP_SESSION_ATTR, None))
    tokens.revoke_all(instance, because=tokens.ApiToken.RevokedBecause.PASSWORD)


def connect() -> None:
    """Called once from ``CoreConfig.ready``."""
    auth_signals.user_logged_in.connect(_on_login, dispatch_uid="core.sessions.login")
    auth_signals.user_logged_out.connect(_on_logout, dispatch_uid="core.sessions.logout")
    post_save.connect(_on_user_saved, sender=User, dispatch_uid="core.sessions.password")


@transaction.atomic
def do_change_password(request: HttpRequest, form: Any) -> User:
    """Save a valid ``PasswordChangeForm``: every other session of the user ends and their API
    tokens are revoked (``_on_user_saved``); this browser stays signed in, under a new key."""
    from django.contrib.auth import update_session_auth_hash

    user = form.user
    old_key = request.session.session_key
    setattr(user, KEEP_SESSION_ATTR, old_key)
    form.save()
    update_session_auth_hash(request, user)
    if old_key:
        UserSession.objects.filter(session_key=old_key).update(
            session_key=request.session.session_key
        )
        _stamp(request, timezone.now())
    return user
