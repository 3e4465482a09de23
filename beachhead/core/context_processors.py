from __future__ import annotations

from django.conf import settings

from beachhead.core.navigation import items_for


def _active(request, nav: list[dict]) -> str:
    """The key of the section the page belongs to: the one whose list (a saved-views source)
    it shows, else the one with the longest address the path starts with (/support/desk/ is
    the desk, not /support/)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == "savedviews" and "source" in match.kwargs:
        source = match.kwargs["source"]
        for item in nav:
            if source in item.get("sources", ()):
                return item["key"]
    path = request.path
    active, matched = "", -1
    for item in nav:
        url = item["url"]
        if ((url != "/" and path.startswith(url)) or url == path) and len(url) > matched:
            active, matched = item["key"], len(url)
    return active


def shell(request) -> dict:
    """What every page of the shell needs: navigation, company name, languages."""
    user = getattr(request, "user", None)
    nav = items_for(user) if user is not None and user.is_authenticated else []
    active = _active(request, nav)
    unread = 0
    if user is not None and user.is_authenticated:
        from beachhead.core.inbox import unread_count

        unread = unread_count(user)
    return {
        "inbox_unread": unread,
        "nav_items": nav,
        "nav_active": active,
        "nav_section": next((item for item in nav if item["key"] == active), None),
        "company_name": settings.BEACHHEAD_COMPANY_NAME,
    }
