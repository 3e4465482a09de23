from django.urls import path

from beachhead.support import portal, views

app_name = "support"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("desk/", views.desk, name="desk"),
    path("new/", views.create, name="create"),
    path("tickets/<int:pk>/", views.ticket, name="ticket"),
    path("tickets/<int:pk>/reply/", views.reply, name="reply"),
    path("tickets/<int:pk>/properties/", views.properties, name="properties"),
    path(
        "tickets/<int:pk>/messages/<int:message>/retry/",
        views.retry_send,
        name="retry_send",
    ),
    path("tickets/<int:pk>/template/", views.template_text, name="template"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("teams/", views.teams, name="teams"),
    path("rejected/", views.rejected, name="rejected"),
    path("rejected/<int:pk>/", views.rejected_detail, name="rejected_detail"),
    path("rejected/<int:pk>/retry/", views.rejected_retry, name="rejected_retry"),
    # The customer's side: no staff login.
    path("help/", portal.web_form, name="web_form"),
    path("help/sent/", portal.web_form_sent, name="web_form_sent"),
    path("portal/", portal.portal, name="portal"),
    path("portal/sign-in/<str:token>/", portal.sign_in, name="portal_sign_in"),
    path("portal/sign-out/", portal.sign_out, name="portal_sign_out"),
    path("portal/tickets/new/", portal.new_ticket, name="portal_new"),
    path("portal/tickets/<int:pk>/", portal.ticket, name="portal_ticket"),
    path("survey/<str:token>/", portal.survey, name="survey"),
]
