"""The Settings page "Deal stages" (under /settings/stages/)."""

from django.urls import path

from beachhead.accounts import settings_views as views

app_name = "deal_stages"

urlpatterns = [
    path("", views.stage_list, name="list"),
    path("new/", views.stage_new, name="new"),
    path("<int:pk>/", views.stage_edit, name="edit"),
    path("<int:pk>/move/", views.stage_move, name="move"),
    path("<int:pk>/retire/", views.stage_retire, name="retire"),
]
