"""The Security card of Preferences and the sessions card of a person's settings page
(``core.security_views`` holds the pages they link to)."""

from __future__ import annotations

from django import template

from beachhead.core import sessions, tokens

register = template.Library()


@register.inclusion_tag("core/includes/security_sessions.html", takes_context=True)
def security_card(context) -> dict:
    user = context["request"].user
    return {
        "request": context["request"],
        "session_count": sessions.active(user).count(),
        "token_count": tokens.usable(user).count(),
    }


@register.inclusion_tag("core/includes/person_sessions.html", takes_context=True)
def person_sessions(context, person) -> dict:
    rows = list(sessions.active(person)[:5])
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "person": person,
        "sessions": [{"row": row, "device": sessions.device(row.user_agent)} for row in rows],
        "session_count": sessions.active(person).count() if len(rows) == 5 else len(rows),
        "token_count": tokens.usable(person).count(),
    }
