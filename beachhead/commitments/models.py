"""The commitment ledger: every promise made to a customer, with an owner, a due time on the
right calendar and an outcome."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from beachhead.commitments import kinds
from beachhead.core.access import AccessPolicy, ScopedQuerySet
from beachhead.core.roles import Role
from beachhead.core.states import Machine


class State(models.TextChoices):
    OPEN = "open", pgettext_lazy("commitment state", "Open")
    KEPT = "kept", _("Kept on time")
    KEPT_LATE = "kept_late", _("Kept late")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


#: How a promise's state may move (``core.states``): open until kept (on time or late), broken
#: or cancelled; a broken promise can still be made good, late. The ledger writes its own
#: events for each move (``commitments.events``), so the machine emits none of its own.
FLOW = Machine(
    "state",
    {
        State.OPEN: {State.KEPT, State.KEPT_LATE, State.BROKEN, State.CANCELLED},
        State.BROKEN: {State.KEPT_LATE},
    },
)


class GeneratedTitle(str):
    """Words generated for the reader (a promise's title from its kind and subject): a value
    that is never stored, so that a copy written back (``refresh_from_db``, ``full_clean``)
    keeps the title generated instead of freezing it in one reader's language."""

    __slots__ = ()


class _TitleAttribute:
    """``commitment.title``: the description a person typed, or, when none was typed (the
    stored value is blank), the promise worded from its kind and subject in the active language
    (``Commitment.generated_title``). A data descriptor, so every reader — pages, e-mails,
    exports, the API — gets the reader's language, while the database keeps only what people
    wrote; ``Commitment.objects.filter(title="")`` are the worded ones."""

    def __init__(self, field: models.Field) -> None:
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        name = self.field.attname
        if name not in instance.__dict__:  # deferred: load it as Django would
            instance.refresh_from_db(fields=[name])
        typed = instance.__dict__[name]
        if typed:
            return typed
        # Historical models in migrations have no such method: they read what is stored.
        generated = getattr(instance, "generated_title", None)
        return GeneratedTitle(generated()) if generated is not None else typed

    def __set__(self, instance, value) -> None:
        instance.__dict__[self.field.attname] = "" if isinstance(value, GeneratedTitle) else value


class TitleField(models.CharField):
    """A description stored only when typed; read through ``_TitleAttribute``. Saving and
    serialising (``pre_save``, ``value_from_object``) use the stored value, never the words
    generated for whoever happens to be reading."""

    descriptor_class = _TitleAttribute

    def pre_save(self, model_instance, add):
        return model_instance.__dict__.get(self.attname, "")

    def value_from_object(self, obj):
        return obj.__dict__.get(self.attname, "")


class Commitment(models.Model):
    """A promise: what (kind, subject), who (owner or team), by when (due on a calendar)."""

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    # What a person typed ("Send the capacity plan"); blank when the promise is worded from its
    # kind and subject, which ``title`` then does in the reader's language.
    title = TitleField(_("description"), max_length=300, blank=True)
    # The subject is any record (a ticket, a contract, an invoice …), kept loosely coupled.
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_label = models.CharField(_("subject"), max_length=200, blank=True)
    # The customer the promise was made to (an account), for trust figures per account.
    customer_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    customer_id = models.CharField(max_length=64, blank=True)
    customer = GenericForeignKey("customer_type", "customer_id")
    customer_label = models.CharField(_("customer"), max_length=200, blank=True)

    market = models.ForeignKey(
        "markets.Market",
        verbose_name=_("market"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,  # a promise never loses its owner silently
        null=True,
        blank=True,
        related_name="commitments",
    )
    team = models.ForeignKey(
        "core.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    calendar = models.CharField(
        _("calendar"),
        max_length=120,
        help_text=_("“24x7”, “market:JP” or “coverage:JP,DE,US”."),
    )
    started_at = models.DateTimeField(_("clock started"))
    target_seconds = models.PositiveIntegerField(_("target (business seconds)"))
    due_at = models.DateTimeField(_("due"))
    warn_at = models.DateTimeField(_("warn at"))
    escalate_at = models.DateTimeField(_("escalate at"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    broken_at = models.DateTimeField(_("broken at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by the pages on the rows they show: ``health(now)`` at the time of the request.
    health_now: str

    objects = ScopedQuerySet.as_manager()
    access = AccessPolicy(
        market_path="market__code",
        owner_paths=("owner",),
        editor_roles=frozenset({Role.REGIONAL_MANAGER}),
    )

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_at", "pk"]
        indexes = [
            # The sweep reads "open and due" / "open and past warn" ranges: work proportional
            # to what is due, however many promises are open.
            models.Index(fields=["state", "due_at"], name="commitment_sweep_due"),
            models.Index(fields=["state", "warn_at"], name="commitment_sweep_warn"),
            models.Index(fields=["state", "escalate_at"], name="commitment_sweep_escalate"),
            models.Index(fields=["owner", "state", "due_at"], name="commitment_owner"),
            # Promises about one record (a ticket's SLA targets). Partial, for the reason told
            # below for customers: promises about nothing would make SQLite scan the table.
            models.Index(
                fields=["subject_type", "subject_id"],
                condition=Q(subject_type__isnull=False),
                name="commitment_subject",
            ),
            models.Index(fields=["customer_type", "customer_id"], name="commitment_customer"),
            # Promises made to one customer (the customer-360 page: open ones by due time, the
            # year's trust figures, the timeline). Partial: most promises have no customer
            # (NULL type, "" id), and in a full index their one huge key makes SQLite's
            # planner (which knows only average rows per key) think a customer matches a
            # million rows and scan instead. The filter ``customer_type = …`` implies NOT
            # NULL, so SQLite and PostgreSQL use it. MySQL and MariaDB have no partial
            # indexes: Django builds it there over every row (warning models.W037 at
            # migrate), which their planners, probing the index for the key, use as well.
            models.Index(
                fields=["customer_type", "customer_id", "due_at"],
                condition=Q(customer_type__isnull=False),
                name="commitment_customer_due",
            ),
            models.Index(fields=["market", "due_at"], name="commitment_market_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | Q(team__isnull=False),
                name="commitment_has_owner_or_team",
            ),
            models.CheckConstraint(
                condition=Q(warn_at__lte=models.F("due_at")), name="commitment_warn_before_due"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commitments:detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        return kinds.label(self.kind)

    @property
    def typed_title(self) -> str:
        """The description as stored: what a person typed, blank when generated."""
        return self.__dict__.get("title", "") or ""

    def generated_title(self) -> str:
        """The promise worded from its kind and subject (else its customer), in the active
        language."""
        return kinds.title(self.kind, self.subject_label or self.customer_label)

    def health(self, now) -> str:
        """on_track / at_risk / paused / broken / kept / kept_late / cancelled (for colour)."""
        if self.state != State.OPEN:
            return self.state
        if self.paused_at:
            return "paused"
        if now >= self.due_at:
            return State.BROKEN
        if now >= self.warn_at:
            return "at_risk"
        return "on_track"


class CommitmentEvent(models.Model):
    """Everything that happens to a commitment, as a row you can read back."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        WARNED = "warned", _("Owner warned")
        ESCALATED = "escalated", _("Escalated")
        PAUSED = "paused", _("Paused")
        RESUMED = "resumed", _("Resumed")
        KEPT = "kept", _("Kept on time")
        KEPT_LATE = "kept_late", _("Kept late")
        BROKEN = "broken", _("Broken")
        CANCELLED = "cancelled", _("Cancelled")
        REASSIGNED = "reassigned", _("Reassigned")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["commitment", "at"])]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
