from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("exports", views.ExportViewSet, basename="export")

urlpatterns = [
    path("stats/", views.StatListView.as_view(), name="stats-list"),
    path("stats/metrics/", views.MetricListView.as_view(), name="stats-metrics"),
    path("stats/drilldown/", views.DrilldownView.as_view(), name="stats-drilldown"),
    *router.urls,
]
