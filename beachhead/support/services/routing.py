"""Follow-the-sun routing: who takes a new ticket.

1. Agents on shift now (each shift is read in the agent's own time zone) who take tickets,
   speak the ticket's language and cover its market; the one with the least open load.
2. Else agents on shift now who speak the language, wherever they are: the coverage team of
   another time zone takes it (the ticket moves to that agent's team).
3. Else anyone on shift now who covers the market (the language is missing: said so).
4. Else nobody is on shift: the market's team holds the ticket, unassigned; its promises are
   the team's, and the sweep alerts the team manager before a breach.

Shifts, profiles and teams are small tables (hundreds of rows), kept in memory
(``core.refcache``: 30 seconds, or until one of them is saved); the load is one aggregate query
over the candidates' unsolved tickets, counted on the ``(assignee, status, …)`` index.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_noop

from beachhead.core.models import Team, User
from beachhead.core.refcache import RefCache
from beachhead.support.models import Shift, Ticket


@dataclass(frozen=True)
class Decision:
    assignee: User | None
    team: Team | None
    note: str  # English, marked with gettext_noop; translated when shown


def _within(weekday: int, start: time, end: time, local: datetime) -> bool:
    now: time = local.time().replace(tzinfo=None)
    day = local.weekday()
    if start < end:
        return weekday == day and start <= now < end
    # Past midnight: the evening part on its own day, the morning part on the next.
    return (weekday == day and now >= start) or ((weekday + 1) % 7 == day and now < end)


def _load_roster() -> tuple[list[tuple], dict[int, User], bool]:
    rows = list(
        Shift.objects.filter(
            user__is_active=True, user__agent_profile__accepts_tickets=True
        ).values_list("user_id", "weekday", "start", "end", "user__timezone")
    )
    users = User.objects.filter(pk__in={row[0] for row in rows}).select_related("agent_profile")
    whole_minutes = all(
        not (t.second or t.microsecond) for _u, _d, start, end, _z in rows for t in (start, end)
    )
    return rows, {user.pk: user for user in users}, whole_minutes


_roster: RefCache[tuple[list[tuple], dict[int, User], bool]] = RefCache(
    "support.roster",
    _load_roster,
    watch=("support.Shift", "support.AgentProfile", "core.User"),
)


def _load_teams() -> tuple[list[Team], dict[int, list[int]]]:
    teams = list(Team.objects.order_by("pk"))
    member_of: dict[int, list[int]] = {}
    through = Team.members.through.objects.order_by("team_id")
    for team_id, user_id in through.values_list("team_id", "user_id"):
        member_of.setdefault(user_id, []).append(team_id)
    return teams, member_of


_teams: RefCache[tuple[list[Team], dict[int, list[int]]]] = RefCache(
    "support.teams", _load_teams, watch=("core.Team", "core.Team.members")
)


# The last answer of ``agents_on_shift``: (roster rows, minute, agent ids). Shifts start and
# end on whole minutes, so within a minute the answer stands (mail arrives many a second).
_last_answer: tuple[list, datetime, list[int]] | None = None


def agents_on_shift(at: datetime) -> list[User]:
    """Active agents who take tickets and are inside one of their shifts at ``at`` (each
    shift read in the agent's own time zone). Shared instances: do not change them."""
    global _last_answer
    rows, users, whole_minutes = _roster.get()
    minute = at.replace(second=0, microsecond=0)
    last = _last_answer
    if whole_minutes and last is not None and last[0] is rows and last[1] == minute:
        return [users[pk] for pk in last[2] if pk in users]
    on_shift: set[int] = set()
    local_at: dict[str, datetime] = {}
    for user_id, weekday, start, end, zone in rows:
        if user_id in on_shift:
            continue
        local = local_at.get(zone)
        if local is None:
            local = local_at[zone] = at.astimezone(ZoneInfo(zone))
        if _within(weekday, start, end, local):
            on_shift.add(user_id)
    ids = sorted(on_shift)
    if whole_minutes:
        _last_answer = (rows, minute, ids)
    return [users[pk] for pk in ids if pk in users]


def _speaks(user: User, language: str) -> bool:
    if not language:
        return True
    spoken = {code.lower() for code in (user.agent_profile.languages or [])}
    base = language.lower().split("-")[0]
    return language.lower() in spoken or base in {code.split("-")[0] for code in spoken}


def _covers(user: User, market_code: str) -> bool:
    return user.is_global or market_code in (user.market_codes or [])


#: Within ``counting_loads()``: open loads already counted, plus the tickets routed since.
_loads: ContextVar[dict[int, int] | None] = ContextVar("support_routing_loads", default=None)


@contextmanager
def counting_loads():
    """Route many tickets in one transaction (a batch of mail): each agent's open load is
    counted once, then kept up to date with the batch's own assignments."""
    token = _loads.set({})
    try:
        yield
    finally:
        _loads.reset(token)


def _least_loaded(candidates: list[User]) -> User:
    from beachhead.support.services.desk import open_loads

    memo = _loads.get()
    if memo is None:
        loads = open_loads(u.pk for u in candidates)
    else:
        missing = [u.pk for u in candidates if u.pk not in memo]
        if missing:
            memo.update(dict.fromkeys(missing, 0))
            memo.update(open_loads(missing))
        loads = memo
    agent = min(candidates, key=lambda u: (loads.get(u.pk, 0), u.pk))
    if memo is not None:
        memo[agent.pk] += 1
    return agent


def _team_of(user: User, market_code: str) -> Team | None:
    teams, member_of = _teams.get()
    ids = set(member_of.get(user.pk, ()))
    mine = [t for t in teams if t.pk in ids]
    for team in mine:
        if team.market_code == market_code:
            return team
    return mine[0] if mine else None


def market_team(market_code: str) -> Team | None:
    """The team that holds a market's tickets when nobody is on shift."""
    teams, _member_of = _teams.get()
    for accept in (lambda t: t.market_code == market_code, lambda t: not t.market_code):
        for team in teams:
            if accept(team):
                return team
    return teams[0] if teams else None


def route(ticket: Ticket, at: datetime) -> Decision:
    code = ticket.market.code
    language = ticket.language
    on_shift = agents_on_shift(at)
    steps = (
        (
            lambda u: _speaks(u, language) and _covers(u, code),
            gettext_noop("On shift now, speaks the customer's language, least open tickets."),
        ),
        (
            lambda u: _speaks(u, language),
            gettext_noop(
                "Nobody of the market's team is on shift: the coverage team of another "
                "time zone takes it."
            ),
        ),
        (
            lambda u: _covers(u, code),
            gettext_noop("Nobody on shift speaks the customer's language: least open tickets."),
        ),
    )
    for accept, note in steps:
        candidates = [u for u in on_shift if accept(u)]
        if candidates:
            agent = _least_loaded(candidates)
            return Decision(agent, _team_of(agent, code) or market_team(code), note)
    return Decision(
        None,
        market_team(code),
        gettext_noop("Nobody is on shift: the market's team holds the ticket until morning."),
    )
