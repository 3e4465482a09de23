"""The support desk's settings pages, served under ``/settings/desk/`` (the Settings hub lists
them; see ``SupportConfig.ready``)."""

from django.urls import path

from beachhead.support import desk_settings as views

app_name = "desk_settings"

urlpatterns = [
    path("sla-policies/", views.sla_policies, name="sla_policies"),
    path("sla-policies/new/", views.sla_policy_form, name="sla_policy_new"),
    path("sla-policies/<int:pk>/", views.sla_policy_form, name="sla_policy"),
    path("sla-policies/<int:pk>/delete/", views.sla_policy_delete, name="sla_policy_delete"),
    path("agents/", views.agents, name="agents"),
    path("agents/<int:pk>/", views.agent_form, name="agent"),
    path("shifts/", views.shifts, name="shifts"),
    path("shifts/new/", views.shift_form, name="shift_new"),
    path("shifts/<int:pk>/", views.shift_form, name="shift"),
    path("shifts/<int:pk>/delete/", views.shift_delete, name="shift_delete"),
    path("templates/", views.reply_templates, name="templates"),
    path("templates/new/", views.reply_template_form, name="template_new"),
    path("templates/<int:pk>/", views.reply_template_form, name="template"),
    path("templates/<int:pk>/delete/", views.reply_template_delete, name="template_delete"),
    path("templates/<int:template_pk>/wordings/new/", views.reply_variant_form, name="variant_new"),
    path(
        "templates/<int:template_pk>/wordings/<int:pk>/", views.reply_variant_form, name="variant"
    ),
    path(
        "templates/<int:template_pk>/wordings/<int:pk>/delete/",
        views.reply_variant_delete,
        name="variant_delete",
    ),
]
