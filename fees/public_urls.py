from django.urls import path

from . import views

app_name = "fees_public"

urlpatterns = [
    path("fee-complaints/", views.public_complaint, name="complaint"),
    path("fee-complaints/track/", views.public_track, name="track"),
    path("fee-notices/", views.public_notices, name="notices"),
    path("fee-notices/feed/", views.NoticeFeed(), name="feed"),
]
