from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("annual-reports", views.AnnualReportViewSet, basename="annual-report")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("credit-list-entries", views.CreditListEntryViewSet, basename="credit-list-entry")
router.register("public/organizations", views.PublicOrganizationViewSet, basename="public-organization")

urlpatterns = router.urls
