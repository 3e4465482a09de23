from __future__ import annotations

from django.conf import settings

from beachhead.core.navigation import items_for


def shell(request) -> dict:
    """What every page of the shell needs: navigation, company name, languages."""
    user = getattr(request, "user", None)
    nav = items_for(user) if user is not None and user.is_authenticated else []
    path = request.path
    active, matched = "", -1
    for item in nav:
        # The longest matching address wins: /support/desk/ is the desk, not /support/.
        url = item["url"]
        if ((url != "/" and path.startswith(url)) or url == path) and len(url) > matched:
            active, matched = item["key"], len(url)
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
