from django.urls import path

from beachhead.markets import views

app_name = "markets"

urlpatterns = [
    path("", views.market_list, name="list"),
    path("<str:code>/", views.market_detail, name="detail"),
    path("<str:code>/now/", views.market_now, name="now"),
    path("<str:code>/holidays/", views.market_holidays, name="holidays"),
    path("<str:code>/edit/", views.market_edit, name="edit"),
    path("<str:code>/reset/", views.market_reset, name="reset"),
]
