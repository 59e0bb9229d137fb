from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    name = "fees"
    verbose_name = _("Fee remediation")

    def ready(self):
        from orgs.models import Organization

        from .services import cases_follow_organization

        # Every save of an organization (the registry's services and the admin alike) carries its region
        # to its cases, so a moved organization's cases are seen by the new region's supervisors.
        post_save.connect(cases_follow_organization, sender=Organization, dispatch_uid="fees.case_region")
