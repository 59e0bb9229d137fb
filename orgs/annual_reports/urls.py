"""Pages of annual reports, ratings, credit lists and the public register (mounted at the site root)."""

from django.urls import path

from . import views

app_name = "annual_reports"

urlpatterns = [
    path("my/", views.my_home, name="my_home"),
    path("my/annual-reports/<int:year>/", views.my_report, name="my_report"),
    path("my/annual-reports/<int:year>/sections/<str:section>/", views.my_report_section, name="my_section"),
    path("my/annual-reports/<int:year>/attachment/", views.my_report_attachment, name="my_attachment"),
    path("my/annual-reports/<int:year>/submit/", views.my_report_submit, name="my_submit"),
    path("annual-reports/", views.overview, name="overview"),
    path("annual-reports/export.xlsx", views.export, name="export"),
    path("annual-reports/import/", views.import_reports, name="import"),
    path("annual-reports/queue/", views.queue, name="queue"),
    path("annual-reports/queue/<int:pk>/", views.review, name="review"),
    path("annual-reports/<int:pk>/", views.report_detail, name="detail"),
    path("annual-reports/<int:pk>/statement.pdf", views.statement, name="statement"),
    path("ratings/", views.ratings, name="ratings"),
    path("credit-lists/", views.credit_lists, name="credit_lists"),
    path("credit-lists/<int:pk>/remove/", views.credit_entry_remove, name="credit_remove"),
    path("public/", views.public_search, name="public_search"),
    path("public/organizations/<int:pk>/", views.public_organization, name="public_organization"),
    path("public/credit-lists/", views.public_credit_lists, name="public_credit_lists"),
]
