from __future__ import annotations

from django.conf import settings

from beachhead.core.navigation import items_for


def shell(request) -> dict:
    """What every page of the shell needs: navigation, company name, languages."""
    user = getattr(request, "user", None)
    nav = items_for(user) if user is not None and user.is_authenticated else []
    path = request.path
    active = ""
    for item in nav:
        if (item["url"] != "/" and path.startswith(item["url"])) or item["url"] == path:
            active = item["key"]
    unread = 0
    if user is not None and user.is_authenticated:
        from beachhead.core.inbox import unread_count

        unread = unread_count(user)
    return {
        "inbox_unread": unread,
        "nav_items": nav,
        "nav_active": active,
        "company_name": settings.BEACHHEAD_COMPANY_NAME,
    }
