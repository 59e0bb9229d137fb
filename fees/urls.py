from django.urls import path

from . import views

app_name = "fees"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/files/<int:file_pk>/", views.case_file, name="case_file"),
    path("cases/<int:pk>/<slug:verb>/", views.case_action, name="case_action"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/remind/", views.campaign_remind, name="campaign_remind"),
    path("fee-items/<int:pk>/case/", views.fee_item_case, name="fee_item_case"),
    path("my/", views.my_cases, name="my_cases"),
    path("my/cases/<int:pk>/", views.my_case_detail, name="my_case_detail"),
    path("my/campaigns/<int:pk>/", views.my_campaign, name="my_campaign"),
]
