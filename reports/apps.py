from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Statistics")

    def ready(self):
        from . import checks, registry  # noqa: F401 - checks registers the system check

        registry.autodiscover()
