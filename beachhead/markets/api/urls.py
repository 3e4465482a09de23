"""API routes of markets, included under /api/v1/ by the root URLconf."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from beachhead.markets.api.views import MarketViewSet

router = SimpleRouter()
router.register("markets", MarketViewSet, basename="market")

# The issue documents GET /api/v1/markets/{code}/calendar/due?start=…&minutes=… without a
# trailing slash: answer it directly rather than with a redirect that drops clients' headers.
# These duplicates stay out of the OpenAPI schema (the slashed routes document them).
_no_slash = [
    re_path(
        rf"^markets/(?P<code>[A-Za-z]{{2}})/{path}$",
        MarketViewSet.as_view({"get": action}, schema=None),
    )
    for path, action in (
        ("calendar/due", "due"),
        ("calendar/elapsed", "elapsed"),
        ("holidays", "holidays"),
    )
]

urlpatterns = [*router.urls, *_no_slash]
