from django.urls import path
from rest_framework.routers import SimpleRouter

from beachhead.savedviews.api import views

router = SimpleRouter()
router.register("saved-views", views.SavedViewViewSet, basename="savedview")

urlpatterns = [
    path("lists/<slug:source>/", views.list_rows, name="api-list-rows"),
    *router.urls,
]
