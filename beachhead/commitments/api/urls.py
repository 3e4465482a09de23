from django.urls import path
from rest_framework.routers import SimpleRouter

from beachhead.commitments.api import views

router = SimpleRouter()
router.register("commitments", views.CommitmentViewSet)

urlpatterns = [path("trust/", views.trust, name="api-trust"), *router.urls]
