from rest_framework import exceptions, permissions

from ..access import access_for


class HasScope(permissions.BasePermission):
    """A view declares `required_scopes = {action: "area:verb"}`; the caller needs that scope (403 otherwise).

    No credentials: 401. A view may set `public_actions` for actions that need no login."""

    def has_permission(self, request, view):
        action = getattr(view, "action", None) or request.method.lower()
        if action in getattr(view, "public_actions", ()):
            return True
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        required = getattr(view, "required_scopes", {})
        scope = required.get(action) or required.get("*")
        if scope is None:
            return False  # an action nobody declared is closed
        return access_for(request.user).can(scope)
