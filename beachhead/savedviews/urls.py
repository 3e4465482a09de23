from django.urls import path

from beachhead.savedviews import views

app_name = "savedviews"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:source>/", views.list_page, name="list"),
    path("<slug:source>/export.csv", views.export_csv, name="export_csv"),
    path("<slug:source>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<slug:source>/filter-row/", views.filter_row, name="filter_row"),
    path("<slug:source>/views/", views.view_create, name="view_create"),
    path("<slug:source>/views/<int:pk>/save/", views.view_save, name="view_save"),
    path("<slug:source>/views/<int:pk>/rename/", views.view_rename, name="view_rename"),
    path("<slug:source>/views/<int:pk>/delete/", views.view_delete, name="view_delete"),
    path("<slug:source>/rows/<str:pk>/move/", views.row_move, name="row_move"),
    path("<slug:source>/rows/<str:pk>/<str:path>/", views.cell, name="cell"),
    path("<slug:source>/rows/<str:pk>/<str:path>/edit/", views.cell_edit, name="cell_edit"),
]
