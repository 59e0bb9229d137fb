from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Registry of social organizations")

    def ready(self):
        from .callers import connect_caller_cache
        from .postgres import read_timestamptz_compiled

        connect_caller_cache()
        connection_created.connect(read_timestamptz_compiled, dispatch_uid="orgs.read_timestamptz_compiled")
