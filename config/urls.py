from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from orgs.views_health import healthz

api_v1 = [
    path("", include("orgs.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("party_building.api.urls")),
    path("", include("fees.api.urls")),
]

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("reports/", include("reports.urls")),
    path("party/", include("party_building.urls")),
    path("fees/", include("fees.urls")),
    path("public/", include("fees.public_urls")),
    path("", include("orgs.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
