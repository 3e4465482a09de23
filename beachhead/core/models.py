"""People, teams and the worker heartbeat."""

from __future__ import annotations

import functools
import uuid
import zoneinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from beachhead.core import messages
from beachhead.core.access import AccessPolicy, ScopedQuerySet
from beachhead.core.localise import NamedInLanguages
from beachhead.core.roles import GLOBAL_ROLES, Role


@functools.cache
def known_timezones() -> frozenset[str]:
    """IANA zone names of this machine (reading them walks the zoneinfo tree: ~30 ms)."""
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in known_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def validate_market_codes(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(code, str) and len(code) == 2 and code.isupper() for code in value
    ):
        raise ValidationError(_("Markets must be a list of two-letter codes such as JP."))


def _is_cjk(text: str) -> bool:
    return all(
        "\u3040" <= ch <= "\u30ff"  # kana
        or "\u3400" <= ch <= "\u9fff"  # CJK ideographs
        or "\uac00" <= ch <= "\ud7af"  # Hangul
        or ch in "·・ "
        for ch in text
    )


def initials(name: str) -> str:
    """The letters of an avatar: two initials for names in Latin and other spaced scripts
    (Lena Hoffmann → LH, Chen Wei → CW), the family name for Chinese, Japanese and Korean
    names, which are written family name first (山田 太郎 → 山田, 藤井直樹 → 藤井, 王芳 → 王芳,
    陈伟明 → 陈: a one-character family name alone, not half of the given name); an address
    or a single word gives its first two letters."""
    name = (name or "").strip()
    if not name:
        return "?"
    if _is_cjk(name[0]):
        first = name.split()[0]
        if " " in name or len(first) <= 2:
            return first[:2]
        return first[:1] if len(first) == 3 else first[:2]
    words = [w for w in name.replace("@", " ").replace(".", " ").split() if w]
    if len(words) >= 2 and "@" not in name:
        return (words[0][0] + words[-1][0]).upper()
    return words[0][:2].upper()


if TYPE_CHECKING:  # django-stubs types a manager built by from_queryset only as an assignment
    ScopedUserManager = UserManager.from_queryset(ScopedQuerySet)
else:  # migrations name the class: it must be one of this module's own

    class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):
        pass


class User(AbstractUser):
    """A person who works in Beachhead: a role, the markets they cover, language and time zone."""

    role = models.CharField(
        _("role"), max_length=32, choices=Role.choices, default=Role.SUPPORT_AGENT
    )
    market_codes = models.JSONField(
        _("markets"),
        default=list,
        blank=True,
        validators=[validate_market_codes],
        help_text=_("ISO codes of the markets this person covers; empty for global roles."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )

    objects = ScopedUserManager()  # type: ignore[misc]  # AbstractUser declares a ClassVar
    # People administration is for admins; everyone may see colleagues in their markets.
    access = AccessPolicy(market_path=None, owner_paths=("id",), editor_roles=frozenset())

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_global(self) -> bool:
        """True for roles that see every market."""
        return self.is_superuser or self.role in GLOBAL_ROLES

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def initials(self) -> str:
        """The avatar's letters, from the full name (the username only when there is none)."""
        return initials(self.display_name)

    def get_full_name(self) -> str:
        """Names in Chinese, Japanese or Korean script read family name first, unspaced
        (藤井直樹); others read given name first (Lena Hoffmann)."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if first and last and _is_cjk(first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()


class Team(NamedInLanguages):
    """A group of people who share work and a manager; in-house or outsourced. Its name may have
    variants by language (``names``); pages show ``local_name``."""

    class Kind(models.TextChoices):
        IN_HOUSE = "in_house", _("In-house")
        OUTSOURCED = "outsourced", _("Outsourced")

    name = models.CharField(_("name"), max_length=120, unique=True)
    market_code = models.CharField(
        _("market"), max_length=2, blank=True, db_index=True, help_text=_("Empty for global teams.")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.IN_HOUSE)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    # PROTECT: a team must not silently lose its escalation target.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_teams",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="teams", blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # Members see their team even when it is global or in another market (their preferences
    # page links to it); only its manager and global roles change it.
    access = AccessPolicy(
        market_path="market_code",
        owner_paths=("manager",),
        editor_roles=frozenset(),
        member_paths=("members",),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """The last time each background worker proved it runs jobs (read by /healthz)."""

    worker = models.CharField(max_length=120, unique=True)
    beat_at = models.DateTimeField(db_index=True)
    backend = models.CharField(max_length=60, blank=True)

    def __str__(self) -> str:
        return f"{self.worker} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class Notification(models.Model):
    """An entry in a user's in-app inbox (also sent by e-mail when it matters)."""

    class Level(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        DANGER = "danger", _("Breach")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.INFO)
    # The words as written for the recipient when the notice was made (their language then);
    # a notice with a ``message`` is worded again when read (``core.messages``).
    title = models.CharField(max_length=240)
    body = models.TextField(blank=True)
    message = models.CharField(max_length=60, blank=True)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=400, blank=True)
    # Deduplication: one notification per (recipient, key); a repeated sweep cannot send twice.
    key = models.CharField(max_length=120, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The event the notice tells of: its e-mail is that event's delivery to the e-mail channel.
    event = models.ForeignKey(
        "core.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )

    objects = ScopedQuerySet.as_manager()
    # An inbox is private: only its owner sees it, whatever the role.
    access = AccessPolicy(market_path=None, owner_paths=("recipient",), owner_only=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        constraints = [
            # NULL keys never collide (on every database), so only keyed notices are deduplicated.
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")
        ]

    def __str__(self) -> str:
        return self.shown_title

    def worded(self, language: str | None = None) -> tuple[str, str]:
        """(title, body) in ``language`` (the active one by default): the message worded
        again, or the stored words."""
        if self.message:
            words = messages.render(self.message, self.params or {}, language)
            if words is not None:
                return words[0][:240], words[1]
        return self.title, self.body

    @property
    def shown_title(self) -> str:
        return self.worded()[0]

    @property
    def shown_body(self) -> str:
        return self.worded()[1]


class Event(models.Model):
    """Something that happened, written in the same transaction as the change (the outbox):
    the customer timeline, the inbox, e-mail and (next) webhooks and chat are fed from it.
    Kinds and their payloads are registered by the pillar that owns them (``core.events``)."""

    #: Sent to consumers as their idempotency key (a webhook's receiver dedupes on it).
    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_id = models.CharField(max_length=64, blank=True)
    subject_label = models.CharField(max_length=200, blank=True)
    customer_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    customer_id = models.CharField(max_length=64, blank=True)
    market_code = models.CharField(max_length=2, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    access = AccessPolicy(market_path="market_code", owner_paths=("actor",))

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["kind", "at"], name="event_kind_at"),
            # Partial for the reason told on the ledger's customer index: most events of a
            # busy desk are about a customer, but not all, and one huge empty key misleads
            # SQLite's planner.
            models.Index(
                fields=["customer_type", "customer_id", "at"],
                condition=models.Q(customer_type__isnull=False),
                name="event_customer_at",
            ),
            models.Index(
                fields=["subject_type", "subject_id", "at"],
                condition=models.Q(subject_type__isnull=False),
                name="event_subject_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_label or self.subject_id} @ {self.at:%Y-%m-%d %H:%M}"


class Delivery(models.Model):
    """One event handed to one queued subscriber (e-mail, a webhook, a chat channel): done at
    least once by the worker, retried with back-off, dead after too many tries or a permanent
    error, and visible to admins until then."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being delivered")
        RETRY = "retry", _("Will retry")
        DONE = "done", _("Delivered")
        DEAD = "dead", _("Failed for good")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(_("subscriber"), max_length=80)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["next_attempt_at", "pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.event_id} ({self.state})"


class UserSession(models.Model):
    """One signed-in browser of a user: what the Security page lists and ends.

    Keyed by Django's session key (``core.sessions`` writes it at sign-in and touches it at most
    once a minute); deleted with the session (sign-out, ending it, a password change)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions"
    )
    session_key = models.CharField(max_length=64, unique=True)
    user_agent = models.CharField(max_length=512, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("signed in at"))
    last_seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["user", "-last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}…"


class ApiToken(models.Model):
    """A named API key of a user (``Authorization: Token <key>`` or ``Bearer <key>``).

    Only the SHA-256 of the key is stored (the keys are 238-bit random strings, so a fast
    hash is enough: nothing to brute-force); the first characters (``prefix``) stay readable so
    people recognise a key. The key itself is shown once, when it is created (``core.tokens``).
    ``scopes`` is empty today (the key acts as its user); the integrations issue narrows it."""

    class RevokedBecause(models.TextChoices):
        OWNER = "owner", _("revoked by its owner")
        ADMIN = "admin", _("revoked by an administrator")
        PASSWORD = "password", _("the password changed")
        DEACTIVATED = "deactivated", _("the person was deactivated")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_because = models.CharField(
        _("revoked because"), max_length=16, choices=RevokedBecause.choices, blank=True
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, now=None) -> bool:
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def is_usable(self, now=None) -> bool:
        return self.revoked_at is None and not self.is_expired(now)


class RateCounter(models.Model):
    """One counter of :mod:`beachhead.core.ratelimit` when no Redis is configured: a fixed
    window (``count`` hits until ``expires_at``) or a one-time claim (a used form stamp).
    Expired rows are reset in place by the next hit and pruned by the scheduler."""

    key = models.CharField(max_length=150, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}={self.count} until {self.expires_at:%Y-%m-%d %H:%M:%S}"
