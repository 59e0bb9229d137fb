"""Reads. Who sees what is decided here, once, for the pages and the API alike."""

from django.core.exceptions import ValidationError
from django.db.models import CharField, F, Func, QuerySet

from .access import Access, access_for
from .codes import mask_id_number
from .filters import OrganizationFilterSet, SupervisingUnitFilterSet
from .hooks import ORGANIZATION_SCOPE_HOOKS
from .models import Organization, Region, SupervisingUnit, UserScope

Kind = UserScope.Kind


def filtered(filterset_class, data, queryset, request=None):
    """Apply a FilterSet; a bad filter value is a 400 naming the field. Filters only narrow the scope."""
    filterset = filterset_class(data, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


SORTED_ROWS = 20_000


class _Unindexed(Func):
    """A text column as an expression that no index serves (`name || ''`): the same value, NULL included,
    and the same order."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


def ordered_by_text(
    queryset: QuerySet,
    fields: tuple[str, ...],
    *,
    descending: bool,
    sort: bool,
    then: tuple[str, ...] = ("id",),
) -> QuerySet:
    """Order a list by text columns (names, credit codes), then by `then`; `sort`: read the rows and sort them.
    Unsorted, PostgreSQL walks the column's index over the whole registry and picks out the rows: names and
    credit codes follow the region, so a city's first name came after 193,336 others (478 ms, against 6 ms
    sorted; bench/README.md). A list of a province or the country is spread along the index: walked."""
    column = _Unindexed if sort else F
    keys = [column(field) for field in fields] + [F(field) for field in then]
    return queryset.order_by(*(key.desc() if descending else key.asc() for key in keys))


def in_name_order(
    queryset: QuerySet, *, user, name: str = "name", then: tuple[str, ...] = ("id",)
) -> QuerySet:
    """Rows in the order of an organization's `name`, then `then`: sorted where the caller sees a city or less
    (a district, a supervising unit's, one organization), walked along the name index for a province or the
    country."""
    access = access_for(user)
    few = not access.is_staff_kind or len(access.region_code) >= 4
    return ordered_by_text(queryset, (name,), descending=False, sort=few, then=then)


def regions_in_scope(access, *, streets: bool = False) -> QuerySet[Region]:
    """The regions a staff member's choices range over: their region and everything under it; streets only
    where a field takes them."""
    regions = Region.objects.filter(code__startswith=access.region_code)
    return regions if streets else regions.exclude(level=Region.Level.STREET)


def organizations_visible_to(user) -> QuerySet[Organization]:
    return organizations_of_access(access_for(user))


def organizations_of_access(access: Access) -> QuerySet[Organization]:
    """organizations_visible_to for an Access: what a caller sees depends on nothing else (and the day)."""
    qs = Organization.objects.select_related("region", "supervising_unit")
    for hook in ORGANIZATION_SCOPE_HOOKS:
        narrowed = hook(access, qs)
        if narrowed is not None:
            return narrowed
    match access.kind:
        case Kind.STAFF | Kind.SYSTEM:
            return qs.filter(access.region_q())
        case Kind.UNIT:
            return qs.filter(supervising_unit_id=access.supervising_unit_id)
        case Kind.ORG:
            return qs.filter(pk=access.organization_id)
    return qs.none()


def organization_list(*, user, filters) -> QuerySet[Organization]:
    return filtered(OrganizationFilterSet, filters, organizations_visible_to(user))


def organization_get(*, user, pk) -> Organization:
    """The organization if the caller may see it; Organization.DoesNotExist (404) otherwise."""
    return organizations_visible_to(user).get(pk=pk)


def organization_history(*, user, organization: Organization) -> list[dict]:
    masks = (
        {} if can_see_id_number(user, organization) else {"legal_representative_id_number": mask_id_number}
    )
    return history_of(organization, masks=masks)


def can_see_id_number(user, organization: Organization) -> bool:
    """ID numbers are shown in full only to registrars of the organization's region."""
    access = access_for(user)
    return access.has_role(UserScope.Role.REGISTRAR) and access.covers_region(organization.region_id)


def supervising_units_visible_to(user) -> QuerySet[SupervisingUnit]:
    qs = SupervisingUnit.objects.select_related("region")
    access = access_for(user)
    if access.kind in (Kind.STAFF, Kind.SYSTEM):
        return qs.filter(access.region_q())
    if access.kind == Kind.UNIT:
        return qs.filter(pk=access.supervising_unit_id)
    if access.kind == Kind.ORG:
        return qs.filter(organizations__pk=access.organization_id)
    return qs.none()


def supervising_unit_list(*, user, filters) -> QuerySet[SupervisingUnit]:
    return filtered(SupervisingUnitFilterSet, filters, supervising_units_visible_to(user))


def region_list(*, parent: str | None = None, q: str | None = None) -> QuerySet[Region]:
    """Regions are public reference data."""
    qs = Region.objects.all()
    if parent:
        qs = qs.filter(parent_id=parent)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def history_of(obj, *, limit: int = 200, masks: dict | None = None) -> list[dict]:
    """The object's history, newest first: who, when, what changed (old → new), for a django-simple-history model.

    `masks` maps a field to the function that masks its values for this caller."""
    masks = masks or {}
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = [
                {
                    "field": c.field,
                    **{k: _plain(masks.get(c.field, _same)(v)) for k, v in (("old", c.old), ("new", c.new))},
                }
                for c in delta.changes
            ]
        entries.append(
            {
                "id": record.history_id,
                "at": record.history_date,
                "actor": record.history_user.get_username() if record.history_user else None,
                "action": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
    return entries


def _same(value):
    return value


def _plain(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)
