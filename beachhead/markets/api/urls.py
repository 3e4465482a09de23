"""API routes of markets, included under /api/v1/ by the root URLconf."""

from rest_framework.routers import SimpleRouter

from beachhead.markets.api.views import MarketViewSet

router = SimpleRouter()
router.register("markets", MarketViewSet, basename="market")

urlpatterns = router.urls
