from django.urls import path

from beachhead.commitments import views

app_name = "commitments"

urlpatterns = [
    path("", views.commitment_list, name="list"),
    path("new/", views.commitment_create, name="create"),
    path("new/options/<str:role>/", views.customer_options, name="customer_options"),
    path("trust/", views.trust, name="trust"),
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("<int:pk>/<str:action>/", views.commitment_action, name="action"),
]
