from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("drilldown/", views.drilldown, name="drilldown"),
    path("exports/", views.export_start, name="export-start"),
    path("exports/<int:pk>/", views.export_detail, name="export-detail"),
]
