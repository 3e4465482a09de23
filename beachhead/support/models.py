"""The support desk: tickets, their conversation, SLA policies, agents' shifts, reply
templates, satisfaction surveys and outsourced-team thresholds.

- ``Ticket``: a customer's request in one market, from one channel, with priority, status,
  assignee and team. ``sla_due_at`` mirrors the earliest open SLA commitment (the ledger holds
  the promises themselves), so lists sort and filter on it in SQL.
- ``Message``: one entry of the conversation: an inbound customer message, a public reply or an
  internal note. Inbound e-mail carries ``dedup_key`` (its Message-ID, or its bytes' hash when
  it has none), unique across the desk: the same mail never becomes a second message.
- ``Attachment``: a file of a message, stored under ``MEDIA_ROOT``; one that was over the size
  limit is kept as a row with the reason and no file.
- ``InboundMail``: an e-mail that could not be turned into a message, kept whole (raw bytes) so
  an admin can read it and retry it; never dropped.
- ``MailDomain``: which account owns an e-mail domain (unknown senders join that account).
- ``SlaPolicy``: targets for first reply, next reply, periodic update and resolution, matched by
  tier, priority and market, each on a chosen calendar.
- ``AgentProfile`` / ``Shift``: languages, skills and weekly shifts (in the agent's time zone).
- ``ReplyTemplate`` / ``ReplyTemplateVariant``: canned replies with a variant per language,
  market and tone.
- ``Survey``: the satisfaction survey sent after a ticket is solved.
- ``TeamThreshold`` / ``TeamAlert``: warning thresholds of (outsourced) teams and the alerts
  they raised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from beachhead.core.access import AccessPolicy, ScopedQuerySet
from beachhead.core.localise import NamedInLanguages
from beachhead.core.roles import Role
from beachhead.core.states import Machine
from beachhead.markets.services import market_code_of

if TYPE_CHECKING:
    from beachhead.commitments.models import Commitment


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form")
    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")


class Priority(models.TextChoices):
    """In order of urgency (the list sorts by ``Ticket.priority_rank``)."""

    URGENT = "urgent", _("Urgent")
    HIGH = "high", pgettext_lazy("priority", "High")
    NORMAL = "normal", pgettext_lazy("priority", "Normal")
    LOW = "low", pgettext_lazy("priority", "Low")


PRIORITY_RANK: dict[str, int] = {
    Priority.URGENT: 0,
    Priority.HIGH: 1,
    Priority.NORMAL: 2,
    Priority.LOW: 3,
}


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "New")
    OPEN = "open", pgettext_lazy("ticket status", "Open")
    PENDING = "pending", _("Pending on customer")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")


#: Statuses in which the desk owes the customer something.
ACTIVE_STATUSES = (Status.NEW, Status.OPEN, Status.ON_HOLD)
UNSOLVED_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)

#: How a ticket's status may move (``core.states``): freely among the unsolved statuses and to
#: solved or closed; a solved ticket can be reopened or closed; a closed one is final (mail in
#: its thread opens a new ticket). Each move is a ``support.ticket_status_changed`` event.
TICKET_FLOW = Machine(
    "status",
    {
        **{s: {*UNSOLVED_STATUSES, Status.SOLVED, Status.CLOSED} - {s} for s in UNSOLVED_STATUSES},
        Status.SOLVED: {*UNSOLVED_STATUSES, Status.CLOSED},
        Status.CLOSED: set(),
    },
    event="support.ticket_status_changed",
    customer=lambda ticket: ("accounts.Account", ticket.account_id) if ticket.account_id else None,
    market_code=lambda ticket: market_code_of(ticket.market_id) or "",
)


class Ticket(models.Model):
    """A customer's request and everything the desk promised about it."""

    subject = models.CharField(pgettext_lazy("ticket", "subject"), max_length=300)
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    requester = models.ForeignKey(
        "accounts.Contact",
        verbose_name=_("requester"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    # Kept on the ticket: a deleted contact must not leave a ticket nobody can answer.
    requester_email = models.EmailField(_("requester e-mail"), blank=True)
    requester_name = models.CharField(_("requester name"), max_length=200, blank=True)
    market = models.ForeignKey(
        "markets.Market", verbose_name=_("market"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.EMAIL
    )
    language = models.CharField(_("language"), max_length=16, blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    priority_rank = models.PositiveSmallIntegerField(default=2, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    team = models.ForeignKey(
        "core.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    # Lower-case words separated by single spaces; filters match whole words.
    tags = models.CharField(_("tags"), max_length=300, blank=True)
    product_version = models.CharField(_("product version"), max_length=40, blank=True)
    sla_policy = models.ForeignKey(
        "support.SlaPolicy",
        verbose_name=_("SLA policy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sla_due_at = models.DateTimeField(_("next SLA due"), null=True, blank=True)
    # When that promise turns "at risk" (its warning time): lists colour the due time by it.
    sla_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Why routing chose this assignee and team, in words (shown on the ticket page).
    routing_note = models.CharField(_("routing"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    first_replied_at = models.DateTimeField(_("first reply"), null=True, blank=True)
    last_customer_at = models.DateTimeField(_("last customer message"), null=True, blank=True)
    last_reply_at = models.DateTimeField(_("last reply"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    satisfaction = models.CharField(
        _("satisfaction"),
        max_length=8,
        blank=True,
        choices=[("good", _("Good")), ("bad", _("Bad"))],
    )
    # Set by do_create_ticket on the ticket it returns.
    opening_message: Message
    sla_commitments: list[Commitment]

    objects = ScopedQuerySet.as_manager()
    access = AccessPolicy(
        market_path="market__code",
        owner_paths=("assignee", "account__owner", "account__csm"),
        editor_roles=frozenset({Role.REGIONAL_MANAGER, Role.SUPPORT_AGENT, Role.CUSTOMER_SUCCESS}),
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            # The queue views: a market's (or team's, or agent's) tickets in a status, newest
            # first. Every scoped query narrows by market first.
            models.Index(fields=["market", "status", "-updated_at"], name="ticket_market_status"),
            models.Index(fields=["market", "-updated_at"], name="ticket_market_updated"),
            models.Index(fields=["status", "-updated_at"], name="ticket_status_updated"),
            models.Index(fields=["assignee", "status", "-updated_at"], name="ticket_assignee"),
            models.Index(fields=["team", "status", "-updated_at"], name="ticket_team"),
            models.Index(fields=["account", "-created_at"], name="ticket_account"),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester"),
            models.Index(fields=["status", "sla_due_at"], name="ticket_sla_due"),
            models.Index(fields=["-updated_at"], name="ticket_updated"),
            # The desk's counts by status and priority (mine, unassigned) in the user's
            # markets, read from this index alone; it also serves status + priority filters.
            # (An index led by priority made SQLite skip-scan it for the desk's GROUP BY and
            # read every row: it is gone.)
            models.Index(fields=["status", "market", "priority", "assignee"], name="ticket_desk"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("support:ticket", args=[self.pk])

    @property
    def reference(self) -> str:
        """What threads a reply by subject when its headers were lost: ``[#123]``."""
        return f"[#{self.pk}]"

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split() if self.tags else []

    @property
    def is_unsolved(self) -> bool:
        return self.status in UNSOLVED_STATUSES

    @property
    def requester_label(self) -> str:
        if self.requester_id and self.requester:
            return self.requester.full_name
        return self.requester_name or self.requester_email


class Message(models.Model):
    class Kind(models.TextChoices):
        INBOUND = "inbound", _("Customer message")
        REPLY = "reply", _("Public reply")
        NOTE = "note", _("Internal note")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contact = models.ForeignKey(
        "accounts.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_name = models.CharField(max_length=200, blank=True)
    from_address = models.EmailField(max_length=254, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    # Quoted history folded away from the text above (shown on demand).
    body_quoted = models.TextField(blank=True)
    body_html = models.TextField(_("HTML (sanitised)"), blank=True)
    # E-mail threading: our Message-ID for outbound mail, theirs for inbound.
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    # "mid:<Message-ID>" or "sha:<sha256 of the bytes>" for inbound mail; unique when set.
    dedup_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    language = models.CharField(max_length=16, blank=True)
    notes = models.TextField(blank=True, help_text="What the parser recovered from.")
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # A public reply's sending (``support.services.outbound``): tries so far, when the next
    # one is due after a temporary failure, and when and why it failed for good.
    # (Defaults in the database too: bulk writers such as the bench insert rows in SQL.)
    send_attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0, db_default=0)
    next_send_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    failed_at = models.DateTimeField(_("not delivered"), null=True, blank=True)
    failure_reason = models.CharField(
        _("why not delivered"), max_length=500, blank=True, default="", db_default=""
    )

    objects = ScopedQuerySet.as_manager()
    access = AccessPolicy(
        market_path="ticket__market__code",
        owner_paths=("ticket__assignee", "ticket__account__owner", "ticket__account__csm"),
        editor_roles=frozenset({Role.REGIONAL_MANAGER, Role.SUPPORT_AGENT, Role.CUSTOMER_SUCCESS}),
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket"),
            # The replies waiting for another try (``outbound.send_due``); null for the rest.
            models.Index(fields=["next_send_at"], name="message_send_retry"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}/{self.pk} {self.kind}"

    @property
    def is_public(self) -> bool:
        return self.kind != self.Kind.NOTE

    @property
    def delivery_status(self) -> str:
        """A public reply's e-mail: ``sent``, ``failed`` (for good), ``retrying`` (after a
        temporary failure) or ``pending``; empty for customer messages and notes."""
        if self.kind != self.Kind.REPLY:
            return ""
        if self.sent_at is not None:
            return "sent"
        if self.failed_at is not None:
            return "failed"
        return "retrying" if self.send_attempts else "pending"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.message.ticket_id}/{instance.message_id}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(pgettext_lazy("file", "size"), default=0)
    file = models.FileField(upload_to=attachment_path, max_length=400, blank=True)
    content_id = models.CharField(max_length=255, blank=True)
    inline = models.BooleanField(default=False)
    rejected = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class InboundMail(models.Model):
    """A mail that could not become a message, kept whole for an admin to read and retry."""

    class Status(models.TextChoices):
        REJECTED = "rejected", _("Rejected")
        RETRIED = "retried", _("Retried")

    fingerprint = models.CharField(max_length=64, unique=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    received_at = models.DateTimeField(pgettext_lazy("e-mail", "received"), auto_now_add=True)
    size = models.PositiveBigIntegerField(pgettext_lazy("file", "size"), default=0)
    subject = models.CharField(pgettext_lazy("ticket", "subject"), max_length=300, blank=True)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    error = models.TextField(_("error"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REJECTED)
    raw = models.FileField(upload_to="mail/rejected/", max_length=300)
    retried_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    # Raw mail is for admins only (no market, no owner: nobody but global roles).
    access = AccessPolicy(market_path=None, owner_paths=(), viewer_roles=frozenset())

    class Meta:
        verbose_name = _("rejected e-mail")
        verbose_name_plural = _("rejected e-mails")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return self.subject or self.fingerprint[:12]


class MailDomain(models.Model):
    """An e-mail domain that belongs to an account (``example.co.jp`` → that customer)."""

    domain = models.CharField(_("domain"), max_length=253, unique=True)
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="mail_domains"
    )

    class Meta:
        verbose_name = _("mail domain")
        verbose_name_plural = _("mail domains")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class CalendarChoice(models.TextChoices):
    MARKET = "market", _("The customer's market business hours")
    COVERAGE = "coverage", _("Follow-the-sun coverage")
    ALWAYS = "24x7", _("Around the clock (24×7)")


class SlaPolicy(NamedInLanguages, models.Model):
    """Targets for one class of tickets. The first active policy (by ``order``) whose
    conditions all match a ticket applies; an empty condition matches everything."""

    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    tiers = models.JSONField(_("account tiers"), default=list, blank=True)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    market_codes = models.JSONField(_("markets"), default=list, blank=True)
    calendar = models.CharField(
        _("calendar"), max_length=10, choices=CalendarChoice.choices, default=CalendarChoice.MARKET
    )
    coverage_markets = models.CharField(
        _("coverage markets"),
        max_length=120,
        blank=True,
        help_text=_("For follow-the-sun coverage: market codes such as JP,DE,US."),
    )
    first_reply_minutes = models.PositiveIntegerField(_("first reply (minutes)"), null=True)
    next_reply_minutes = models.PositiveIntegerField(
        _("next reply (minutes)"), null=True, blank=True
    )
    periodic_update_minutes = models.PositiveIntegerField(
        _("periodic update (minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (minutes)"), null=True, blank=True
    )

    # Everyone reads the policies (they explain a ticket's promises); who may change one is
    # decided by ``support.services.desk_settings`` (its markets), not by a market column.
    access = AccessPolicy(market_path=None)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    """What routing needs to know of an agent: languages, skills, whether they take tickets."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile"
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    accepts_tickets = models.BooleanField(_("takes new tickets"), default=True)

    # Colleagues see who works the desk; changes are checked against the agent's markets by
    # ``support.services.desk_settings``.
    access = AccessPolicy(market_path=None, owner_paths=("user",), owners_may_change=False)

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")

    def __str__(self) -> str:
        return str(self.user)


class Shift(models.Model):
    """A weekly working window of an agent, in the agent's own time zone. An end before the
    start runs past midnight (a night shift)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shifts"
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    access = AccessPolicy(market_path=None, owner_paths=("user",), owners_may_change=False)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["user", "weekday", "start"]
        indexes = [models.Index(fields=["weekday"], name="shift_weekday")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Tone(models.TextChoices):
    FORMAL = "formal", _("Formal")
    FRIENDLY = "friendly", _("Friendly")


class ReplyTemplate(NamedInLanguages, models.Model):
    """A canned reply: its title (``name``, with ``names`` by language) and its wordings."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)

    access = AccessPolicy(market_path=None)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReplyTemplateVariant(models.Model):
    """One wording of a template: in a language, optionally for a market, in a tone.
    ``{customer}``, ``{agent}``, ``{ticket}``, ``{subject}`` and ``{company}`` are filled in."""

    template = models.ForeignKey(ReplyTemplate, on_delete=models.CASCADE, related_name="variants")
    language = models.CharField(_("language"), max_length=16)
    market_code = models.CharField(_("market"), max_length=2, blank=True)
    tone = models.CharField(_("tone"), max_length=10, choices=Tone.choices, default=Tone.FORMAL)
    body = models.TextField(_("text"))

    access = AccessPolicy(market_path=None)

    class Meta:
        ordering = ["template", "language", "market_code", "tone"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language", "market_code", "tone"], name="template_variant_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} ({self.language} {self.market_code} {self.tone})"


class Survey(models.Model):
    """The satisfaction question sent when a ticket is solved (one per ticket)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="survey")
    token = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField()
    # When the question was e-mailed (once, whatever the queue retries).
    emailed_at = models.DateTimeField(null=True, blank=True)
    rating = models.CharField(
        max_length=8, blank=True, choices=[("good", _("Good")), ("bad", _("Bad"))]
    )
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["answered_at"], name="survey_answered")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.rating or '-'}"


class TeamThreshold(models.Model):
    """Warning thresholds of a team (typically outsourced): over the breach rate or under the
    satisfaction over the window, an alert goes to the team's manager and the admins."""

    team = models.OneToOneField(
        "core.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="threshold"
    )
    max_breach_rate = models.DecimalField(
        _("highest breach rate (%)"), max_digits=5, decimal_places=2, default=10
    )
    min_satisfaction = models.DecimalField(
        _("lowest satisfaction (%)"), max_digits=5, decimal_places=2, default=85
    )
    window_days = models.PositiveSmallIntegerField(_("window (days)"), default=30)
    min_sample = models.PositiveSmallIntegerField(
        _("smallest sample"),
        default=20,
        help_text=_("No alert is raised on fewer commitments or survey answers than this."),
    )

    class Meta:
        verbose_name = _("team threshold")
        verbose_name_plural = _("team thresholds")

    def __str__(self) -> str:
        return str(self.team)


class TeamAlert(models.Model):
    class Metric(models.TextChoices):
        BREACH_RATE = "breach_rate", _("Breach rate")
        SATISFACTION = "satisfaction", _("Satisfaction")

    team = models.ForeignKey("core.Team", on_delete=models.CASCADE, related_name="alerts")
    metric = models.CharField(max_length=16, choices=Metric.choices)
    value = models.DecimalField(max_digits=6, decimal_places=2)
    threshold = models.DecimalField(max_digits=6, decimal_places=2)
    sample = models.PositiveIntegerField(default=0)
    period = models.CharField(max_length=10, help_text="ISO week the alert belongs to (dedupe).")
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "metric", "period"], name="team_alert_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.metric} {self.value}"


class PortalToken(models.Model):
    """A one-time sign-in link for a customer contact (stored as a hash; used once)."""

    contact = models.ForeignKey(
        "accounts.Contact", on_delete=models.CASCADE, related_name="portal_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="portal_token_expires"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.created_at:%Y-%m-%d %H:%M}"
