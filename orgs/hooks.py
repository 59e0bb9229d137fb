"""Extension points other apps register into, so that `orgs` never imports them.

- ORGANIZATION_SCOPE_HOOKS: fn(access, queryset) -> queryset or None; the first non-None answer narrows
  what a caller sees (party_building uses it for instructors, who see only their assigned organizations).
- ORGANIZATION_CHANGE_CHECKS: fn(*, actor, organization, changes) raising ValidationError to stop a change
  (party_building's leader-candidate review); called inside the one organization-update service.
- registry_event: sent inside the writing transaction for events other apps follow
  (established, charter_changed, leader_changed, report_accepted, rating_awarded, deregistered).
"""

from django.dispatch import Signal

ORGANIZATION_SCOPE_HOOKS: list = []
ORGANIZATION_CHANGE_CHECKS: list = []

registry_event = Signal()  # kwargs: event, organization, actor, data


class Event:
    ESTABLISHED = "established"
    CHARTER_CHANGED = "charter_changed"
    LEADER_CHANGED = "leader_changed"
    REPORT_ACCEPTED = "report_accepted"
    RATING_AWARDED = "rating_awarded"
    DEREGISTERED = "deregistered"
