"""The registry's pages, mounted at /organizations/."""

from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("regions/options/", views.region_options, name="region_options"),
    path("units/options/", views.unit_options, name="unit_options"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:pk>/status/", views.organization_change_status, name="change_status"),
    path("<int:pk>/history/", views.organization_history, name="history"),
]
