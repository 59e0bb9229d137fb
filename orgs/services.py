"""Writes for the registry. Each service is atomic, validates fully, and records who did it in the history."""

from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import SCOPES, access_for
from .codes import normalize_code
from .exceptions import InvalidState
from .hooks import ORGANIZATION_CHANGE_CHECKS, Event, registry_event
from .models import ApiToken, Organization, Region, SupervisingUnit, UserScope
from .models.accounts import hash_token

ORGANIZATION_FIELDS = {
    "credit_code",
    "filing_number",
    "name",
    "org_type",
    "category",
    "hub_type",
    "region",
    "supervising_unit",
    "registered_on",
    "legal_representative",
    "legal_representative_id_number",
    "registered_capital",
    "public_fundraising",
    "address",
    "phone",
    "business_scope",
    "charter",
}
LEADER_FIELDS = {"legal_representative", "legal_representative_id_number"}
BULK_BATCH = 2000  # rows per statement in bulk services (well under SQLite's bound-parameter limit)


def require_scope(actor, scope: str) -> None:
    if not access_for(actor).can(scope):
        raise PermissionDenied(_("You do not have the right to do this (%(scope)s).") % {"scope": scope})


def require_region(actor, region: Region | str | None, field: str = "region") -> None:
    code = region.code if isinstance(region, Region) else region
    if not access_for(actor).covers_region(code):
        raise ValidationError({field: [_("This region is outside your jurisdiction.")]})


def _record(instance, actor, reason: str = "") -> None:
    instance._history_user = actor
    instance._change_reason = reason


def _check_unit_region(organization: Organization) -> None:
    unit = organization.supervising_unit
    if unit is not None and not organization.region_id.startswith(unit.region_id):
        raise ValidationError(
            {"supervising_unit": [_("The supervising unit must be of the organization's region.")]}
        )


def _check_unique(organization: Organization) -> None:
    duplicate = Organization.objects.exclude(pk=organization.pk)
    if organization.credit_code and duplicate.filter(credit_code=organization.credit_code).exists():
        raise ValidationError(
            {"credit_code": [_("An organization with this credit code is already registered.")]}
        )
    if organization.filing_number and duplicate.filter(filing_number=organization.filing_number).exists():
        raise ValidationError(
            {"filing_number": [_("An organization with this filing number is already filed.")]}
        )


@transaction.atomic
def organization_create(*, actor, reason: str = "", check_scope: bool = True, **fields) -> Organization:
    """Create an organization in the registry (registrar's correction, data migration, approved establishment)."""
    if check_scope:
        require_scope(actor, "orgs:write")
    unknown = set(fields) - ORGANIZATION_FIELDS - {"status"}
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in unknown})
    organization = Organization(**fields)
    if organization.region_id:
        require_region(actor, organization.region_id)
    organization.full_clean(validate_unique=False)
    _check_unique(organization)
    _check_unit_region(organization)
    _record(organization, actor, reason or _("Created"))
    organization.save()
    return organization


@transaction.atomic
def organization_update(
    *, actor, organization: Organization, reason: str = "", check_scope: bool = True, **changes
):
    """The one update service: the registry's PATCH and an approved change application both come through here,
    so every rule and every check other apps hook in applies to both."""
    if check_scope:
        require_scope(actor, "orgs:write")
    status = changes.pop("status", None)
    unknown = set(changes) - ORGANIZATION_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if "credit_code" in changes:
        changes["credit_code"] = normalize_code(changes["credit_code"]) or None
    if "legal_representative_id_number" in changes:
        changes["legal_representative_id_number"] = normalize_code(changes["legal_representative_id_number"])
    changed = {
        name: value
        for name, value in changes.items()
        if _comparable(
            getattr(organization, name if name not in ("region", "supervising_unit") else f"{name}_id")
        )
        != _comparable(value)
    }
    if not changed:
        if status is not None:
            organization = organization_change_status(
                actor=actor, organization=organization, status=status, reason=reason
            )
        return organization
    if organization.status in (Organization.Status.DEREGISTERED, Organization.Status.REVOKED):
        raise InvalidState(_("A deregistered or revoked organization cannot be changed."))
    if "region" in changed:
        require_region(actor, changed["region"])
    for check in ORGANIZATION_CHANGE_CHECKS:
        check(actor=actor, organization=organization, changes=changed)
    for name, value in changed.items():
        setattr(organization, name, value)
    organization.full_clean(validate_unique=False)
    _check_unique(organization)
    _check_unit_region(organization)
    _record(organization, actor, reason)
    organization.save()
    if changed.keys() & LEADER_FIELDS:
        registry_event.send(
            Organization, event=Event.LEADER_CHANGED, organization=organization, actor=actor, data={}
        )
    if "charter" in changed:
        registry_event.send(
            Organization, event=Event.CHARTER_CHANGED, organization=organization, actor=actor, data={}
        )
    if status is not None:
        organization = organization_change_status(
            actor=actor, organization=organization, status=status, reason=reason
        )
    return organization


def _comparable(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, Region):
        return value.code
    return value


@transaction.atomic
def organization_change_status(
    *, actor, organization: Organization, status: str, reason: str = "", on=None, check_scope: bool = True
) -> Organization:
    """Move the status along an allowed transition only; anything else is refused (409) and nothing is saved."""
    if check_scope:
        require_scope(actor, "orgs:write")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if status not in Organization.Status.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    if status == organization.status:
        return organization
    if not organization.can_move_to(status):
        raise InvalidState(
            _("The status cannot move from %(old)s to %(new)s.")
            % {"old": organization.get_status_display(), "new": Organization.Status(status).label}
        )
    organization.status = status
    organization.status_reason = reason
    if status == Organization.Status.DEREGISTERED:
        organization.deregistered_on = on or timezone.localdate()
    _record(organization, actor, reason)
    organization.save()
    if status == Organization.Status.DEREGISTERED:
        registry_event.send(
            Organization, event=Event.DEREGISTERED, organization=organization, actor=actor, data={}
        )
    return organization


@transaction.atomic
def organizations_change_status_bulk(
    *, organization_ids, from_status: str, to_status: str, reason: str
) -> int:
    """The bulk form of organization_change_status for a system job (the filing deadline): the organizations
    among `organization_ids` still in `from_status` move to `to_status` with one UPDATE per batch and one
    history row each. Only a move without registry events (not to `deregistered`)."""
    if to_status not in Organization.TRANSITIONS.get(from_status, ()):
        raise InvalidState(
            _("The status cannot move from %(old)s to %(new)s.") % {"old": from_status, "new": to_status}
        )
    if to_status == Organization.Status.DEREGISTERED:
        raise ValueError("A deregistration goes through organization_change_status (it is a registry event).")
    now = timezone.now()
    moved = 0
    ids = list(organization_ids)
    for start in range(0, len(ids), BULK_BATCH):
        batch = Organization.objects.select_for_update().filter(pk__in=ids[start : start + BULK_BATCH])
        batch_ids = list(batch.filter(status=from_status).values_list("pk", flat=True))
        if not batch_ids:
            continue
        Organization.objects.filter(pk__in=batch_ids).update(
            status=to_status, status_reason=reason, updated_at=now
        )
        Organization.history.bulk_history_create(
            Organization.objects.filter(pk__in=batch_ids),
            update=True,
            default_change_reason=reason,
            default_date=now,
        )
        moved += len(batch_ids)
    return moved


@transaction.atomic
def supervising_unit_create(*, actor, **fields) -> SupervisingUnit:
    require_scope(actor, "orgs:write")
    unit = SupervisingUnit(**fields)
    require_region(actor, unit.region_id)
    unit.full_clean()
    _record(unit, actor)
    unit.save()
    return unit


@transaction.atomic
def supervising_unit_update(*, actor, unit: SupervisingUnit, **changes) -> SupervisingUnit:
    require_scope(actor, "orgs:write")
    unit = SupervisingUnit.objects.select_for_update().get(pk=unit.pk)
    for name, value in changes.items():
        setattr(unit, name, value)
    require_region(actor, unit.region_id)
    unit.full_clean()
    _record(unit, actor)
    unit.save()
    return unit


# Accounts and tokens (management commands and the admin)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    kind: str,
    region: str | None = None,
    roles: list[str] | None = None,
    scopes: list[str] | None = None,
    unit_id: int | None = None,
    org_id: int | None = None,
    email: str = "",
    is_superuser: bool = False,
):
    """Create a login with its scope; errors name the option that is wrong."""
    User = get_user_model()
    errors = {}
    if User.objects.filter(username=username).exists():
        errors["username"] = [_("A user with this name already exists.")]
    if kind not in UserScope.Kind.values:
        errors["kind"] = [_("Unknown kind.")]
    bad_roles = set(roles or []) - set(UserScope.Role.values)
    if bad_roles:
        errors["roles"] = [_("Unknown roles: %(roles)s.") % {"roles": ", ".join(sorted(bad_roles))}]
    bad_scopes = set(scopes or []) - set(SCOPES)
    if bad_scopes:
        errors["scopes"] = [_("Unknown scopes: %(scopes)s.") % {"scopes": ", ".join(sorted(bad_scopes))}]
    region_obj = unit = organization = None
    if kind in (UserScope.Kind.STAFF, UserScope.Kind.SYSTEM):
        region_obj = Region.objects.filter(code=region or "").first()
        if region_obj is None:
            errors["region"] = [_("Give an existing region code.")]
    if kind == UserScope.Kind.UNIT:
        unit = SupervisingUnit.objects.filter(pk=unit_id).first()
        if unit is None:
            errors["unit"] = [_("Give an existing supervising unit id.")]
    if kind == UserScope.Kind.ORG:
        organization = Organization.objects.filter(pk=org_id).first()
        if organization is None:
            errors["org"] = [_("Give an existing organization id.")]
    if errors:
        raise ValidationError(errors)
    user = User(username=username, email=email, is_superuser=is_superuser, is_staff=is_superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    UserScope.objects.create(
        user=user,
        kind=kind,
        region=region_obj,
        roles=list(roles or []),
        scopes=list(scopes or []),
        supervising_unit=unit,
        organization=organization,
    )
    return user


@transaction.atomic
def token_issue(*, name: str, scopes: list[str], region: str) -> tuple[ApiToken, str]:
    """A system client: a user of kind `system` with the scopes and region, and one token. Returns the key once."""
    user = user_create(
        username=f"system:{name}", password=None, kind=UserScope.Kind.SYSTEM, region=region, scopes=scopes
    )
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(key), prefix=key[:8])
    return token, key


def search_columns_rebuild(*, region_code: str = "") -> int:
    """Recompute the search columns (pinyin initials, name pairs) of a region's organizations in bulk (after a
    dictionary update)."""
    columns = list(Organization.SEARCH_COLUMNS)
    updated = 0
    batch = []
    queryset = Organization.objects.filter(region__code__startswith=region_code).only("id", "name", *columns)
    for organization in queryset.iterator(chunk_size=2000):
        if organization.fill_search_columns():
            batch.append(organization)
        if len(batch) >= 2000:
            updated += Organization.objects.bulk_update(batch, columns)
            batch = []
    if batch:
        updated += Organization.objects.bulk_update(batch, columns)
    return updated


def enqueue_on_commit(task, *args) -> None:
    transaction.on_commit(partial(task.delay, *args))
