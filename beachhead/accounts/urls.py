from django.urls import path

from beachhead.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.list_page, {"key": "accounts"}, name="list"),
    path("new/", views.account_create, name="create"),
    path("plan/", views.plan_page, name="plan"),
    path("contacts/", views.list_page, {"key": "contacts"}, name="contacts"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("opportunities/", views.list_page, {"key": "opportunities"}, name="opportunities"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity"),
    path("deployments/", views.list_page, {"key": "deployments"}, name="deployments"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/opportunities/new/", views.opportunity_create, name="opportunity_create"),
    path("<int:pk>/deployments/new/", views.deployment_create, name="deployment_create"),
]
