"""Who is calling: kind, region, roles and API scopes of a user or a system token, read in one place.

Selectors and services in every app take the user and ask this module; nothing else reads UserScope."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import UserScope

SCOPES = {
    "orgs:read": _("Read the registry"),
    "orgs:write": _("Create and change organizations"),
    "reports:read": _("Read annual reports, ratings and credit lists"),
    "reports:write": _("File annual reports"),
    "reports:review": _("Review annual reports, record ratings and credit-list entries"),
    "registration:read": _("Read registration applications"),
    "registration:write": _("File registration applications"),
    "registration:review": _("Decide registration applications"),
    "stats:read": _("Read statistics and exports"),
    "party:read": _("Read party-building records"),
    "party:write": _("Change party-building records"),
    "fees:read": _("Read fee cases and campaigns"),
    "fees:write": _("Work fee cases and campaigns"),
}

Role = UserScope.Role
ROLE_SCOPES = {
    Role.REGISTRAR: {
        "orgs:read",
        "orgs:write",
        "reports:read",
        "reports:review",
        "registration:read",
        "registration:review",
        "stats:read",
    },
    Role.SUPERVISOR: {"orgs:read", "reports:read", "reports:review", "fees:read", "fees:write", "stats:read"},
    Role.PARTY_OFFICER: {"orgs:read", "party:read", "party:write", "reports:read", "stats:read"},
    Role.INSTRUCTOR: {"orgs:read", "party:read", "party:write"},
    Role.STATISTICIAN: {
        "orgs:read",
        "reports:read",
        "registration:read",
        "stats:read",
        "fees:read",
        "party:read",
    },
    Role.ADMIN: set(SCOPES),
}
KIND_SCOPES = {
    UserScope.Kind.UNIT: {"orgs:read", "reports:read", "reports:review", "registration:read", "registration:review"},
    UserScope.Kind.ORG: {
        "orgs:read", "reports:read", "reports:write", "registration:read", "registration:write",
        "fees:read", "fees:write", "party:read",
    },
    UserScope.Kind.APPLICANT: {"registration:read", "registration:write"},
}  # fmt: skip


@dataclass(frozen=True)
class Access:
    kind: str | None = None
    region_code: str = ""
    roles: frozenset = field(default_factory=frozenset)
    scopes: frozenset = field(default_factory=frozenset)
    supervising_unit_id: int | None = None
    organization_id: int | None = None
    user_id: int | None = None

    @property
    def is_staff_kind(self) -> bool:
        return self.kind in (UserScope.Kind.STAFF, UserScope.Kind.SYSTEM)

    def has_role(self, *roles) -> bool:
        return self.kind == UserScope.Kind.STAFF and (
            Role.ADMIN in self.roles or bool(self.roles & set(roles))
        )

    def covers_region(self, region_code: str | None) -> bool:
        return self.is_staff_kind and bool(region_code) and region_code.startswith(self.region_code)

    def can(self, scope: str) -> bool:
        return scope in self.scopes

    def region_q(self, path: str = "region") -> Q:
        """Rows whose region (at `path`) lies in the caller's region. A national scope adds no condition at all:
        `LIKE '%'` selects every row, but the planner does not know it and picks worse plans. (An empty Q
        vanishes when OR-ed with another: OR two of these, not one with something else.)"""
        if not self.region_code:
            return Q()
        return Q(**{f"{path}__code__startswith": self.region_code})


ANONYMOUS = Access()


def access_for(user) -> Access:
    """The caller's access, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_portal_access", None)
    if cached is not None:
        return cached
    try:
        scope = user.scope
    except UserScope.DoesNotExist:
        scope = None
    if scope is None:
        # A superuser without a scope is a national administrator; any other login reaches nothing.
        admin = Access(kind=UserScope.Kind.STAFF, roles=frozenset({Role.ADMIN}), scopes=frozenset(SCOPES))
        access = admin if user.is_superuser else Access(user_id=user.pk)
    else:
        if scope.kind == UserScope.Kind.SYSTEM:
            scopes = frozenset(scope.scopes)
        elif scope.kind == UserScope.Kind.STAFF:
            scopes = frozenset().union(*(ROLE_SCOPES.get(role, set()) for role in scope.roles))
        else:
            scopes = frozenset(KIND_SCOPES.get(scope.kind, set()))
        access = Access(
            kind=scope.kind,
            region_code=scope.region_id or "",
            roles=frozenset(scope.roles),
            scopes=scopes,
            supervising_unit_id=scope.supervising_unit_id,
            organization_id=scope.organization_id,
            user_id=user.pk,
        )
    user._portal_access = access
    return access
