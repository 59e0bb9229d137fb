from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("registration-applications", views.ApplicationViewSet, basename="registration-application")
router.register("public/announcements", views.AnnouncementViewSet, basename="public-announcement")

urlpatterns = [
    path(
        "organizations/<int:pk>/certificate/",
        views.CertificateView.as_view(),
        name="organization-certificate",
    ),
    path("material-checklists/", views.ChecklistView.as_view(), name="material-checklist"),
    *router.urls,
]
