from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyBuildingConfig(AppConfig):
    name = "party_building"
    verbose_name = _("Party building")

    def ready(self):
        """Hook into the registry without `orgs` importing this app: the instructors' scope, the
        leader-candidate review in the one organization-update service, and the six synchronous steps."""
        from orgs.hooks import ORGANIZATION_CHANGE_CHECKS, ORGANIZATION_SCOPE_HOOKS, registry_event

        from .selectors import instructor_scope_hook
        from .services import leader_change_check, on_registry_event

        if instructor_scope_hook not in ORGANIZATION_SCOPE_HOOKS:
            ORGANIZATION_SCOPE_HOOKS.append(instructor_scope_hook)
        if leader_change_check not in ORGANIZATION_CHANGE_CHECKS:
            ORGANIZATION_CHANGE_CHECKS.append(leader_change_check)
        registry_event.connect(on_registry_event, dispatch_uid="party_building.sync_steps")
