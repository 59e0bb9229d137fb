from rest_framework.routers import DefaultRouter

from ..annual_reports.api import urls as annual_report_urls
from ..registration.api import urls as registration_urls
from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("regions", views.RegionViewSet, basename="region")
router.register("supervising-units", views.SupervisingUnitViewSet, basename="supervising-unit")
router.register("organizations", views.OrganizationViewSet, basename="organization")

# The annual-report and registration areas of orgs keep their own routers.
urlpatterns = [*router.urls, *annual_report_urls.urlpatterns, *registration_urls.urlpatterns]
