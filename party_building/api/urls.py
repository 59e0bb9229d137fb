from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("party-organizations", views.PartyOrganizationViewSet, basename="party-organization")
router.register("party-instructors", views.InstructorViewSet, basename="party-instructor")
router.register("instructor-visits", views.VisitViewSet, basename="instructor-visit")
router.register("secretary-reports", views.SecretaryReportViewSet, basename="secretary-report")
router.register("organization-leaders", views.LeaderViewSet, basename="organization-leader")
router.register("work-stations", views.WorkStationViewSet, basename="work-station")
router.register("leader-reviews", views.LeaderReviewViewSet, basename="leader-review")
router.register("sync-steps", views.SyncStepViewSet, basename="sync-step")

urlpatterns = [
    path("party/coverage/", views.CoverageView.as_view(), name="party-coverage"),
    path("party/worklists/should-build/", views.ShouldBuildView.as_view(), name="party-should-build"),
    path("party/worklists/uncovered/", views.UncoveredView.as_view(), name="party-uncovered"),
    path(
        "party/worklists/idle-instructors/",
        views.IdleInstructorsView.as_view(),
        name="party-idle-instructors",
    ),
    *router.urls,
]
