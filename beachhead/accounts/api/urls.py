from rest_framework.routers import SimpleRouter

from beachhead.accounts.api import views

router = SimpleRouter()
router.register("accounts", views.AccountViewSet)
router.register("contacts", views.ContactViewSet)
router.register("opportunities", views.OpportunityViewSet)
router.register("deployments", views.DeploymentViewSet)
router.register("stages", views.StageViewSet)

urlpatterns = router.urls
