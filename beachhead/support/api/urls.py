from django.urls import path
from rest_framework.routers import SimpleRouter

from beachhead.support.api import views

router = SimpleRouter()
router.register("tickets", views.TicketViewSet)
router.register("sla-policies", views.SlaPolicyViewSet)
router.register("agent-profiles", views.AgentProfileViewSet)
router.register("shifts", views.ShiftViewSet)
router.register("reply-templates", views.ReplyTemplateViewSet)
router.register("reply-template-wordings", views.ReplyVariantViewSet)

urlpatterns = [
    *router.urls,
    path("mail/inbound/", views.inbound_mail, name="mail-inbound"),
    path("fifteen-minutes/", views.fifteen_minutes, name="fifteen-minutes"),
]
