from django.urls import path

from . import views

app_name = "party_building"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("tree/<int:pk>/children/", views.tree_children, name="tree_children"),
    path("nodes/new/", views.node_new, name="node_new"),
    path("nodes/<int:pk>/", views.node_detail, name="node_detail"),
    path("nodes/<int:pk>/edit/", views.node_edit, name="node_edit"),
    path("nodes/<int:pk>/move/", views.node_move, name="node_move"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/worklists/<slug:name>/", views.coverage_worklist, name="coverage_worklist"),
    path("options/organizations/", views.organization_options, name="organization_options"),
    path("options/nodes/", views.node_options, name="node_options"),
    path("member-records/", views.member_record, name="member_record"),
    path("instructors/", views.instructors, name="instructors"),
    path("instructors/<int:pk>/", views.instructor_detail, name="instructor_detail"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("stations/", views.stations, name="stations"),
    path("stations/<int:pk>/", views.station_detail, name="station_detail"),
    path("steps/", views.steps, name="steps"),
    path("steps/<int:pk>/complete/", views.step_complete, name="step_complete"),
    path("leaders/", views.leaders, name="leaders"),
    path("leaders/export.csv", views.leaders_export, name="leaders_export"),
    path("reviews/", views.reviews, name="reviews"),
]
