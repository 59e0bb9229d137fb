from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("fee-cases", views.FeeCaseViewSet, basename="fee-case")
router.register("fee-campaigns", views.FeeCampaignViewSet, basename="fee-campaign")
router.register("public/fee-complaints", views.PublicComplaintViewSet, basename="public-fee-complaint")
router.register("public/fee-notices", views.PublicNoticeViewSet, basename="public-fee-notice")

urlpatterns = router.urls
