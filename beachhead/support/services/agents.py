"""Changing the desk's agents: their routing profile (languages, skills, whether they take new
tickets) and their weekly shifts.

Admins change every agent; a regional manager changes the agents who cover one of their
markets. A shift is in the agent's own time zone; one whose end is before its start runs past
midnight into the next day, and 00:00–00:00 is the whole day. Two shifts of one agent may not
overlap. Every change is in the audit log."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from beachhead.core.audit import audit_actor
from beachhead.core.changes import assign, changed, clean_changes
from beachhead.core.models import User
from beachhead.core.roles import Role, can
from beachhead.support.models import AgentProfile, Shift
from beachhead.support.roles import SupportOperation
from beachhead.support.services.desk_scope import covers_any, parse_bool, parse_code_list

DAY = 24 * 60
WEEK = 7 * DAY
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
_SKILL = re.compile(r"^[\w][\w.+-]{0,39}$")


def may_manage_agent(user: Any, agent: User) -> bool:
    """True when ``user`` may change ``agent``'s profile and shifts."""
    return can(user, SupportOperation.MANAGE_SHIFTS) and covers_any(user, agent.market_codes or [])


def desk_agents(user: Any) -> QuerySet[User]:
    """The people who work the desk (support agents, and anyone with a profile or a shift),
    active, by name; for a regional manager those who cover one of their markets."""
    people = User.objects.filter(is_active=True).filter(
        Q(role=Role.SUPPORT_AGENT) | Q(agent_profile__isnull=False) | Q(shifts__isnull=False)
    )
    ids = set(people.values_list("pk", flat=True))
    if not user.is_global:
        rows = User.objects.filter(pk__in=ids).values_list("pk", "market_codes")
        ids = {pk for pk, codes in rows if covers_any(user, codes or [])}
    return User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "username")


def _require(user: Any, agent: User) -> None:
    if not may_manage_agent(user, agent):
        raise PermissionDenied(_("You may change only the agents of your markets."))


# Profiles ------------------------------------------------------------------------------------


def _languages(value: Any) -> list[str]:
    codes: list[str] = []
    for code in parse_code_list(value):
        code = code.lower().replace("_", "-")
        if not _LANGUAGE.match(code):
            raise ValidationError(
                _("“%(code)s” is not a language code such as ja or zh-hans.") % {"code": code}
            )
        if code not in codes:
            codes.append(code)
    return codes


def _skills(value: Any) -> list[str]:
    skills: list[str] = []
    for skill in parse_code_list(value):
        skill = skill.lower()
        if not _SKILL.match(skill):
            raise ValidationError(
                _("“%(skill)s” is not a skill: one word of letters, digits and dashes.")
                % {"skill": skill}
            )
        if skill not in skills:
            skills.append(skill)
    return skills


PROFILE_PARSERS = {"languages": _languages, "skills": _skills, "accepts_tickets": parse_bool}


def do_save_agent_profile(
    agent: User, user: Any, changes: dict[str, Any], profile: AgentProfile | None = None
) -> AgentProfile:
    """Set what routing knows of ``agent`` (the profile is created on its first change)."""
    _require(user, agent)
    cleaned = clean_changes(changes, PROFILE_PARSERS)
    if profile is None:
        profile = AgentProfile.objects.filter(user=agent).first()
    with transaction.atomic(), audit_actor(user):
        if profile is None:
            return AgentProfile.objects.create(user=agent, **cleaned)
        cleaned = changed(profile, cleaned)
        if cleaned:
            profile.save(update_fields=assign(profile, cleaned))
    return profile


def do_create_agent_profile(user: Any, **changes: Any) -> AgentProfile:
    """Create the profile of ``agent`` (a user id) with its languages, skills and whether the
    agent takes new tickets."""
    agent = clean_changes(
        {"agent": changes.pop("agent", None)}, {"agent": _agent(user)}, required=("agent",)
    )["agent"]
    if AgentProfile.objects.filter(user=agent).exists():
        raise ValidationError({"agent": [_("This agent has a profile already: change it.")]})
    return do_save_agent_profile(agent, user, changes)


def do_update_agent_profile(
    profile: AgentProfile, user: Any, changes: dict[str, Any]
) -> AgentProfile:
    return do_save_agent_profile(profile.user, user, changes, profile)


def do_delete_agent_profile(profile: AgentProfile, user: Any) -> None:
    """Forget an agent's profile (routing then treats them as speaking the desk's default)."""
    _require(user, profile.user)
    with transaction.atomic(), audit_actor(user):
        profile.delete()


# Shifts --------------------------------------------------------------------------------------


def _weekday(value: Any) -> int:
    try:
        day = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("Choose a day of the week.")) from None
    if not 0 <= day <= 6:
        raise ValidationError(_("Choose a day of the week."))
    return day


def _time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    try:
        return dt.time.fromisoformat(str(value).strip()).replace(second=0, microsecond=0)
    except ValueError:
        raise ValidationError(_("Give a time such as 09:00.")) from None


def _agent(user: Any) -> Any:
    def parse(value: Any) -> User:
        agent = value if isinstance(value, User) else None
        if agent is None and str(value or "").strip().isdigit():
            agent = User.objects.filter(pk=int(str(value).strip()), is_active=True).first()
        if agent is None or not may_manage_agent(user, agent):
            raise ValidationError(_("Choose an agent of your markets."))
        return agent

    return parse


def minutes_of(weekday: int, start: dt.time, end: dt.time) -> tuple[int, int]:
    """The shift as minutes of the week from Monday 00:00: (from, to), ``to`` past ``from``;
    a shift past midnight ends on the next day, 00:00–00:00 lasts the whole day."""
    begin = weekday * DAY + start.hour * 60 + start.minute
    length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if length <= 0:
        length += DAY
    return begin, begin + length


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # The week wraps: Sunday night's shift runs into Monday morning.
    return any(a[0] < b[1] + shift and b[0] + shift < a[1] for shift in (-WEEK, 0, WEEK))


def _shift_rules(shift: Shift | None) -> Any:
    def then(cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
        if errors:
            return
        agent = cleaned.get("agent") or (shift.user if shift else None)
        weekday = cleaned.get("weekday", getattr(shift, "weekday", None))
        start, end = (
            cleaned.get("start", getattr(shift, "start", None)),
            cleaned.get("end", getattr(shift, "end", None)),
        )
        if agent is None or weekday is None or start is None or end is None:
            return
        if start == end and start != dt.time(0, 0):
            errors["end"] = [
                _("A shift ends at another time than it starts (00:00 to 00:00 is the whole day).")
            ]
            return
        window = minutes_of(weekday, start, end)
        others = Shift.objects.filter(user=agent)
        if shift is not None:
            others = others.exclude(pk=shift.pk)
        for other in others:
            if _overlaps(window, minutes_of(other.weekday, other.start, other.end)):
                errors["start"] = [
                    _("This overlaps the agent's shift on %(day)s, %(start)s–%(end)s.")
                    % {
                        "day": other.get_weekday_display(),
                        "start": f"{other.start:%H:%M}",
                        "end": f"{other.end:%H:%M}",
                    }
                ]
                return

    return then


def _shift_parsers(user: Any) -> dict[str, Any]:
    return {"agent": _agent(user), "weekday": _weekday, "start": _time, "end": _time}


def _as_columns(cleaned: dict[str, Any]) -> dict[str, Any]:
    if "agent" in cleaned:
        cleaned["user"] = cleaned.pop("agent")
    return cleaned


def do_create_shift(user: Any, **changes: Any) -> Shift:
    """Add a weekly shift: ``agent`` (a user id), ``weekday`` (0 is Monday), ``start``, ``end``."""
    if not can(user, SupportOperation.MANAGE_SHIFTS):
        raise PermissionDenied(_("You may change only the agents of your markets."))
    cleaned = clean_changes(
        changes,
        _shift_parsers(user),
        required=("agent", "weekday", "start", "end"),
        then=_shift_rules(None),
    )
    with transaction.atomic(), audit_actor(user):
        return Shift.objects.create(**_as_columns(cleaned))


def do_update_shift(shift: Shift, user: Any, changes: dict[str, Any]) -> Shift:
    """Move a shift to another day or hours (or to another agent of the user's markets)."""
    _require(user, shift.user)
    cleaned = changed(
        shift, _as_columns(clean_changes(changes, _shift_parsers(user), then=_shift_rules(shift)))
    )
    if cleaned:
        with transaction.atomic(), audit_actor(user):
            shift.save(update_fields=assign(shift, cleaned))
    return shift


def do_delete_shift(shift: Shift, user: Any) -> None:
    _require(user, shift.user)
    with transaction.atomic(), audit_actor(user):
        shift.delete()
