"""The ledger as a saved-views source: every promise the user may see, with its health now
(a column you can filter, sort and group by), its due time in the customer's zone, and the
query parameters of the commitments page and API (state, kind, market, owner, health, q).

Also the market choices every list's market column offers (the ledger is the lowest floor
that lists markets)."""

from __future__ import annotations

from django.db.models import Case, CharField, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from beachhead.commitments import kinds
from beachhead.commitments.models import Commitment, State
from beachhead.commitments.roles import CommitmentOperation
from beachhead.core.access import scoped
from beachhead.core.roles import can
from beachhead.core.templatetags.beachhead import health_badge, icon_badge, when
from beachhead.savedviews.filters import Condition
from beachhead.savedviews.params import Choice, Codes, Person, Search
from beachhead.savedviews.registry import CachedChoices, Column, ListSource


def _market_choices() -> list[tuple[str, str]]:
    from beachhead.markets.models import Market

    return [(m.code, m.name) for m in Market.objects.order_by("code")]


def _calendar_choices() -> list[tuple[str, str]]:
    """The calendars promises run on, named for the reader ("Malaysia business hours")."""
    from beachhead.markets.services import calendar_label

    keys = Commitment.objects.order_by("calendar").values_list("calendar", flat=True).distinct()
    return [(key, calendar_label(key)) for key in keys]


#: Market columns show the market's name in the reader's language (cached per language).
MARKET_CHOICES = CachedChoices(_market_choices, ttl=300)
CALENDAR_CHOICES = CachedChoices(_calendar_choices, ttl=300)
#: Kinds are registered by the pillars when they are ready: read them when used.
KIND_CHOICES = CachedChoices(lambda: [(code, str(label)) for code, label in kinds.choices()], ttl=0)
HEALTH_CHOICES = [
    ("on_track", pgettext_lazy("commitment health", "On track")),
    ("at_risk", pgettext_lazy("commitment health", "At risk")),
    ("paused", pgettext_lazy("commitment health", "Paused")),
    ("broken", pgettext_lazy("commitment health", "Broken")),
    ("kept", pgettext_lazy("commitment health", "Kept on time")),
    ("kept_late", pgettext_lazy("commitment health", "Kept late")),
    ("cancelled", pgettext_lazy("commitment health", "Cancelled")),
]
#: What the ``health`` parameter asks for (``overdue``: open and past its due time).
HEALTH_FILTERS = ("at_risk", "overdue", "paused")


def health_at(now) -> Case:
    """``Commitment.health(now)`` in SQL."""
    return Case(
        When(~Q(state=State.OPEN), then=F("state")),
        When(paused_at__isnull=False, then=Value("paused")),
        When(due_at__lte=now, then=Value("broken")),
        When(warn_at__lte=now, then=Value("at_risk")),
        default=Value("on_track"),
        output_field=CharField(),
    )


def commitment_rows(user):
    return (
        scoped(Commitment, user)
        .select_related("owner", "team", "market")
        .annotate(health_now=health_at(timezone.now()))
    )


def _health(value, row):
    """On track, at risk, broken or paused while the promise is open; a closed promise's
    outcome is its state (the state column), so its health cell stays quiet."""
    label = str(dict(HEALTH_CHOICES).get(value, value))
    if row is not None and row.state != State.OPEN:
        return mark_safe('<span class="text-secondary">—</span>'), label  # a constant
    return health_badge(value), label


_STATE_ICONS = {
    State.OPEN: ("bg-blue-lt", "circle-dot"),
    State.KEPT: ("bg-green-lt", "circle-check"),
    State.KEPT_LATE: ("bg-orange-lt", "clock-exclamation"),
    State.BROKEN: ("bg-red-lt", "circle-x"),
    State.CANCELLED: ("bg-secondary-lt", "circle-minus"),
}


def _state(value, row):
    """The ledger state as a badge: the house colour, an icon and the word."""
    css, icon = _STATE_ICONS.get(value, ("bg-secondary-lt", "point"))
    label = str(dict(State.choices).get(value, value))
    return icon_badge(css, icon, label), label


def _due(value, row):
    """In the viewer's zone, the customer's local time on hover."""
    zone = row.market.timezone if row is not None and row.market_id else ""
    return when(value, zone), ""


def _owner(value, row):
    """The owner, or the team that holds the promise."""
    holder = value or (row.team if row is not None else None)
    return (str(holder), str(holder)) if holder else ("—", "")


def _health_q(value: list[str], user) -> Q:
    now = timezone.now()
    running = Q(state=State.OPEN, paused_at__isnull=True)
    return {
        "at_risk": running & Q(warn_at__lte=now, due_at__gt=now),
        "overdue": running & Q(due_at__lte=now),
        "paused": Q(state=State.OPEN, paused_at__isnull=False),
    }[value[0]]


def _health_conditions(value: list[str]) -> list[Condition]:
    if value[0] == "overdue":
        return [Condition("state", "eq", State.OPEN), Condition("health_now", "eq", "broken")]
    return [Condition("health_now", "eq", value[0])]


COMMITMENTS = ListSource(
    key="commitments",
    label=_("Commitments"),
    model=Commitment,
    queryset=commitment_rows,
    columns=(
        # Worded in the reader's language when read (``Commitment.title``): the database holds
        # only typed descriptions, so it filters and searches those but cannot sort by it.
        Column("title", _("Promise"), width="18rem", sortable=False),
        Column("subject_label", _("Subject")),
        Column("kind", _("Kind"), "choice", KIND_CHOICES, groupable=True),
        Column("customer_label", _("Customer"), groupable=True),
        Column("market__code", _("Market"), "choice", choices=MARKET_CHOICES, groupable=True),
        Column("owner", _("Owner"), "user", groupable=True, render=_owner),
        Column("team__name", _("Team"), groupable=True),
        Column("due_at", _("Due"), "datetime", render=_due),
        Column("health_now", _("Health"), "choice", HEALTH_CHOICES, groupable=True, render=_health),
        Column("state", _("State"), "choice", State.choices, groupable=True, render=_state),
        Column("calendar", _("Calendar"), choices=CALENDAR_CHOICES, groupable=True),
        Column("started_at", _("Clock started"), "datetime"),
        Column("resolved_at", _("Resolved"), "datetime"),
        Column("broken_at", _("Broken at"), "datetime"),
        Column("created_at", _("Created"), "datetime"),
    ),
    # Health and state near the title: they answer "is it on track?" before the table scrolls.
    default_columns=(
        "title",
        "customer_label",
        "health_now",
        "due_at",
        "owner",
        "state",
        "kind",
        "subject_label",
    ),
    default_sort="due_at",
    title_path="title",
    detail_url=lambda obj: obj.get_absolute_url(),
    search_paths=("title", "subject_label", "customer_label"),
    empty_text=_(
        "Promises appear here as tickets, contracts and people make them: first replies, "
        "follow-ups, milestones. Change the filters, or record a promise made on a call."
    ),
    create_url=lambda: reverse("commitments:create"),
    create_label=_("Record a promise"),
    may_create=lambda user: can(user, CommitmentOperation.MANAGE_COMMITMENTS),
    icon="checklist",
    # Never an error: a value the API does not know is ignored, as it always was.
    params=(
        Choice("state", "state", State, many=False, lenient=True),
        Choice("kind", "kind", kinds.choices, many=False, lenient=True),
        Codes("market", "market__code", many=False, lenient=True),
        Person("owner", "owner", by_name=False, lenient=True),
        Choice(
            "health",
            choices=HEALTH_FILTERS,
            many=False,
            lenient=True,
            q=_health_q,
            f=_health_conditions,
        ),
        Search("q"),
    ),
)

SOURCES = (COMMITMENTS,)
