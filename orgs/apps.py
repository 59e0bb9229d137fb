from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Registry of social organizations")

    def ready(self):
        from .callers import connect_caller_cache

        connect_caller_cache()
