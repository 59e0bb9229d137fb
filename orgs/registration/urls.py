"""Registration pages, mounted at the site root: /signup/…, /registration/…, /public/announcements/…"""

from django.urls import path

from . import feeds, views

app_name = "registration"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/confirm/<str:token>/", views.signup_confirm, name="signup_confirm"),
    path("registration/", views.application_list, name="list"),
    path("registration/new/", views.application_new, name="new"),
    path("registration/checklist/", views.checklist_partial, name="checklist"),
    path("registration/overview/", views.overview, name="overview"),
    path("registration/<int:pk>/", views.application_detail, name="detail"),
    path("registration/<int:pk>/edit/", views.application_edit, name="edit"),
    path("registration/<int:pk>/materials/", views.material_upload, name="material_upload"),
    path("registration/<int:pk>/materials/<int:material_pk>/", views.material_file, name="material_file"),
    path("registration/<int:pk>/<str:verb>/", views.application_action, name="action"),
    path("registration/organizations/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("public/announcements/", views.announcements, name="announcements"),
    path("public/announcements/feed/", feeds.AnnouncementFeed(), name="announcements_feed"),
]
