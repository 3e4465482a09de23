from django.urls import path
from rest_framework.routers import SimpleRouter

from beachhead.core.api import tokens, views

router = SimpleRouter()
router.register("users", views.UserViewSet)
router.register("teams", views.TeamViewSet)
router.register("tokens", tokens.ApiTokenViewSet, basename="apitoken")

urlpatterns = [path("me/", views.me, name="api-me"), *router.urls]
