"""Reads for party building. Who sees what is decided here, once, for the pages and the API alike.

Scope: staff and system callers see the records of their region (code prefix); a staff login whose only
role is `instructor` sees what touches the organizations of their current assignments; an organization's
own users see their organization's leaders and the party organizations covering it; anyone else nothing."""

from collections import defaultdict
from datetime import date, timedelta
from functools import lru_cache

from django.db import connections, router
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from orgs.access import Access, access_for
from orgs.models import AnnualReport, Organization, Region, UserScope
from orgs.selectors import in_name_order, organizations_of_access, organizations_visible_to

from .models import (
    Assignment,
    LeaderReview,
    OrganizationLeader,
    PartyCoverage,
    PartyInstructor,
    PartyMemberRecord,
    PartyOrganization,
    SecretaryReport,
    SyncStep,
    Visit,
    WorkStation,
)

Kind = UserScope.Kind
Role = UserScope.Role
IDLE_DAYS = 90
SHOULD_BUILD_MEMBERS = 3
NEXT_LEVEL = {0: 2, 2: 4, 4: 6, 6: 9, 9: 9}


# Who is calling


def is_instructor_only(access: Access) -> bool:
    """A staff login whose roles are only `instructor`: sees the organizations of their own assignments."""
    return access.kind == Kind.STAFF and bool(access.roles) and set(access.roles) <= {Role.INSTRUCTOR}


def _sees_region(access: Access) -> bool:
    return access.kind in (Kind.STAFF, Kind.SYSTEM) and not is_instructor_only(access)


# Dates: one definition of "current", "live" and "existing" for the pages, the API and the statistics


def current_assignment_q(on: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}from_date__lte": on}) & (
        Q(**{f"{prefix}to_date__isnull": True}) | Q(**{f"{prefix}to_date__gte": on})
    )


def live_coverage_q(on: date, prefix: str = "") -> Q:
    """A cover in force on `on`: the cover's dates and its party organization's founding and dissolution."""
    p = prefix
    return (
        Q(**{f"{p}from_date__lte": on})
        & (Q(**{f"{p}to_date__isnull": True}) | Q(**{f"{p}to_date__gt": on}))
        & (
            Q(**{f"{p}party_organization__founded_on__isnull": True})
            | Q(**{f"{p}party_organization__founded_on__lte": on})
        )
        & (
            Q(**{f"{p}party_organization__dissolved_on__isnull": True})
            | Q(**{f"{p}party_organization__dissolved_on__gt": on})
        )
    )


def live_party_organization_q(on: date, prefix: str = "") -> Q:
    """A party organization in being on `on`: founded by then (no date: created by then), not yet dissolved."""
    p = prefix
    return (
        Q(**{f"{p}founded_on__lte": on})
        | Q(**{f"{p}founded_on__isnull": True, f"{p}created_at__date__lte": on})
    ) & (Q(**{f"{p}dissolved_on__isnull": True}) | Q(**{f"{p}dissolved_on__gt": on}))


def existing_organization_q(on: date, prefix: str = "") -> Q:
    """Registered (存续) on `on` — the same definition as the registry's statistics (orgs/metrics.py): registered
    by then (or no date), and not deregistered or revoked on or before it (gone without a date: gone)."""
    p = prefix
    Status = Organization.Status
    registered = Q(**{f"{p}registered_on__isnull": True}) | Q(**{f"{p}registered_on__lte": on})
    gone = Q(**{f"{p}status__in": [Status.DEREGISTERED, Status.REVOKED]}) & (
        Q(**{f"{p}deregistered_on__isnull": True}) | Q(**{f"{p}deregistered_on__lte": on})
    )
    return registered & ~gone


def covered_exists(on: date, *, own_only: bool = False) -> Exists:
    covers = PartyCoverage.objects.filter(live_coverage_q(on), organization=OuterRef("pk"))
    if own_only:
        covers = covers.exclude(party_organization__level=PartyOrganization.Level.JOINT_BRANCH)
    return Exists(covers)


def instructed_exists(on: date) -> Exists:
    return Exists(Assignment.objects.filter(current_assignment_q(on), organization=OuterRef("pk")))


# Organizations (the hook registered in apps.py)


def instructor_scope_hook(access: Access, queryset):
    """ORGANIZATION_SCOPE_HOOKS: an instructor-only login sees the organizations of their current assignments."""
    if not is_instructor_only(access):
        return None
    today = timezone.localdate()
    mine = Assignment.objects.filter(
        current_assignment_q(today), instructor__user_id=access.user_id, organization=OuterRef("pk")
    )
    return queryset.filter(Exists(mine), access.region_q())


def _org_scope(user, field: str) -> Q:
    """Q on an organization FK `field` restricting to what the caller may see."""
    access = access_for(user)
    if _sees_region(access):
        return access.region_q(f"{field}__region")  # the whole country: no condition (and no join)
    if access.kind is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__in": organizations_visible_to(user).values("pk")})


# Party organizations


def party_organizations_visible_to(user, *, covers: bool = True) -> QuerySet[PartyOrganization]:
    """Party organizations the caller sees; `covers`: prefetch the live covers as `live_coverages`."""
    qs = PartyOrganization.objects.select_related("region")
    if covers:
        qs = qs.prefetch_related(
            Prefetch(
                "coverages",
                queryset=PartyCoverage.objects.filter(to_date__isnull=True).only(
                    "id", "organization_id", "party_organization_id"
                ),
                to_attr="live_coverages",
            )
        )
    access = access_for(user)
    if _sees_region(access):
        return qs.filter(access.region_q())
    if access.kind in (Kind.STAFF, Kind.ORG):
        visible = organizations_visible_to(user).values("pk")
        return qs.filter(
            Exists(
                PartyCoverage.objects.filter(
                    party_organization=OuterRef("pk"), organization__in=visible, to_date__isnull=True
                )
            )
        )
    return qs.none()


def node_choices(user) -> QuerySet[PartyOrganization]:
    """Party organizations a form may name (a parent, the one reporting): the live ones the caller sees."""
    return (
        party_organizations_visible_to(user, covers=False).filter(dissolved_on__isnull=True).order_by("path")
    )


def organization_choices(user) -> QuerySet[Organization]:
    """Organizations a party-building form may name: those the caller sees that exist today, by name."""
    existing = organizations_visible_to(user).filter(existing_organization_q(timezone.localdate()))
    return in_name_order(existing.select_related(None).only("id", "name"), user=user)


def free_organization_choices(user, *, node: PartyOrganization | None = None) -> QuerySet[Organization]:
    """Organizations a party organization may cover (one party organization at a time): those no other live
    one covers; `node`'s own stay offered."""
    taken = PartyCoverage.objects.filter(organization=OuterRef("pk"), to_date__isnull=True)
    if node is not None:
        taken = taken.exclude(party_organization=node)
    return organization_choices(user).exclude(Exists(taken))


def subtree(node: PartyOrganization, *, user) -> list[PartyOrganization]:
    """The node and everything under it, in tree order, each with `live_coverages`: two queries at any size
    (the path prefix selects the nodes, then the covers of exactly those nodes: joined on the prefix instead,
    PostgreSQL guesses a subtree's size from the prefix and scanned every cover for a subtree of 50)."""
    nodes = list(
        party_organizations_visible_to(user, covers=False).filter(path__startswith=node.path).order_by("path")
    )
    by_node = defaultdict(list)
    covers = PartyCoverage.objects.filter(
        to_date__isnull=True, party_organization_id__in=[item.pk for item in nodes]
    ).only("id", "organization_id", "party_organization_id")
    for cover in covers:
        by_node[cover.party_organization_id].append(cover)
    for item in nodes:
        item.live_coverages = by_node.get(item.pk, [])
    return nodes


def children_of(node: PartyOrganization | None, *, user) -> QuerySet[PartyOrganization]:
    """A node's children (or the roots of what the caller sees: nodes whose parent the caller does not see),
    each with its number of children. Counted per node shown and the roots found by an anti-join: a join of
    every node to its children grouped over the whole tree, with `NOT IN` the visible nodes, ran for minutes
    for a national officer (300,000 nodes)."""
    children = (
        PartyOrganization.objects.filter(parent=OuterRef("pk"))
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
    )
    qs = party_organizations_visible_to(user).annotate(
        child_count=Coalesce(Subquery(children.values("n")), 0)
    )
    if node is None:
        visible_parent = party_organizations_visible_to(user, covers=False).filter(pk=OuterRef("parent_id"))
        return qs.exclude(Exists(visible_parent)).order_by("path")
    return qs.filter(parent=node).order_by("name", "id")


SMALL_SUBTREE = 1000


def organizations_under(node: PartyOrganization, *, on: date | None = None) -> QuerySet[Organization]:
    """Organizations covered by the node or anything under it, today.

    PostgreSQL guesses a subtree's size from its path prefix, some 3,000 nodes for any small one: for a subtree
    of 50 it then read the registry in name order probing each organization (4.9 s for 64 organizations). A
    small subtree's covers are therefore found by its nodes' ids; a large one's by the prefix, where the guess
    is close and 10,000 ids would cost more to send than the join."""
    on = on or timezone.localdate()
    nodes = PartyOrganization.objects.filter(path__startswith=node.path).values_list("pk", flat=True)
    ids = list(nodes[: SMALL_SUBTREE + 1])
    in_subtree = (
        Q(party_organization_id__in=ids)
        if len(ids) <= SMALL_SUBTREE
        else Q(party_organization__path__startswith=node.path)
    )
    covers = PartyCoverage.objects.filter(live_coverage_q(on), in_subtree, organization=OuterRef("pk"))
    return Organization.objects.select_related("region").filter(Exists(covers)).order_by("name", "id")


# Instructors, visits


def instructors_visible_to(user) -> QuerySet[PartyInstructor]:
    qs = PartyInstructor.objects.select_related("region").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.order_by("from_date", "id"))
    )
    access = access_for(user)
    if _sees_region(access):
        return qs.filter(access.region_q())
    if is_instructor_only(access):
        return qs.filter(user_id=access.user_id)
    return qs.none()


def visits_visible_to(user) -> QuerySet[Visit]:
    qs = Visit.objects.select_related("instructor", "organization")
    access = access_for(user)
    if _sees_region(access):
        return qs.filter(access.region_q("organization__region"))
    if is_instructor_only(access):
        return qs.filter(instructor__user_id=access.user_id)
    return qs.none()


def idle_instructors(*, user, region: str = "", days: int = IDLE_DAYS) -> QuerySet[PartyInstructor]:
    """Instructors with no visit logged in the last `days` days (or none ever)."""
    since = timezone.localdate() - timedelta(days=days)
    return (
        instructors_visible_to(user)
        .filter(region__code__startswith=region)
        .annotate(last_visit=Max("visits__visited_on"))
        .filter(Q(last_visit__isnull=True) | Q(last_visit__lt=since))
        .order_by("region_id", "name", "id")
    )


def can_see_phone(user, instructor: PartyInstructor) -> bool:
    """An instructor's phone is for party work: party officers and instructors of the region."""
    access = access_for(user)
    if access.kind == Kind.SYSTEM:
        return access.can("party:read") and access.covers_region(instructor.region_id)
    return access.has_role(Role.PARTY_OFFICER, Role.INSTRUCTOR) and (
        access.covers_region(instructor.region_id) or instructor.user_id == access.user_id
    )


# Secretaries' reports


def secretary_reports_visible_to(user) -> QuerySet[SecretaryReport]:
    qs = SecretaryReport.objects.select_related("party_organization", "party_organization__parent")
    access = access_for(user)
    if _sees_region(access):
        # the node's own region, or the region of the node above it (the level that evaluates)
        return qs.filter(
            access.region_q("party_organization__region")
            | access.region_q("party_organization__parent__region")
        )
    return qs.filter(party_organization__in=party_organizations_visible_to(user).values("pk"))


# Work stations


def work_stations_visible_to(user) -> QuerySet[WorkStation]:
    qs = WorkStation.objects.select_related("region").prefetch_related("funding", "organizations")
    access = access_for(user)
    if _sees_region(access):
        return qs.filter(access.region_q())
    if is_instructor_only(access):
        return qs.filter(organizations__in=organizations_visible_to(user).values("pk")).distinct()
    return qs.none()


# Leaders and the privacy of party membership


def leaders_visible_to(user) -> QuerySet[OrganizationLeader]:
    return OrganizationLeader.objects.select_related("organization").filter(_org_scope(user, "organization"))


def can_see_party_membership(user, organization: Organization | int) -> bool:
    """Whether a named person is a party member: party officers and instructors within their scope, a system
    with `party:read` in its region, and the organization's own users. Nobody else (public, supervising units,
    other organizations, registrars), in pages, the API and exports."""
    access = access_for(user)
    org_id = organization if isinstance(organization, int) else organization.pk
    if access.kind == Kind.ORG:
        return access.organization_id == org_id
    if access.kind == Kind.SYSTEM:
        if not access.can("party:read"):
            return False
    elif not access.has_role(Role.PARTY_OFFICER, Role.INSTRUCTOR):
        return False
    if not access.can("party:read"):
        return False
    return organizations_visible_to(user).filter(pk=org_id).exists()


def sees_party_membership(user) -> bool:
    """Whether the caller is party work at all (a party officer or instructor, or a system with `party:read`):
    who may see rows that tell, across organizations, whose leaders are party members."""
    access = access_for(user)
    if not access.can("party:read"):
        return False
    return access.kind == Kind.SYSTEM or access.has_role(Role.PARTY_OFFICER, Role.INSTRUCTOR)


def party_membership_visible_ids(user, organization_ids) -> set[int]:
    """Of these organizations, those whose leaders' party membership the caller may see (one query)."""
    access = access_for(user)
    ids = set(organization_ids)
    if not ids:
        return set()
    if access.kind == Kind.ORG:
        return {access.organization_id} & ids
    if not access.can("party:read"):
        return set()
    if access.kind != Kind.SYSTEM and not access.has_role(Role.PARTY_OFFICER, Role.INSTRUCTOR):
        return set()
    return set(organizations_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def leader_reviews_visible_to(user) -> QuerySet[LeaderReview]:
    access = access_for(user)
    if not (access.kind == Kind.SYSTEM or access.has_role(Role.PARTY_OFFICER, Role.INSTRUCTOR)):
        return LeaderReview.objects.none()
    return LeaderReview.objects.select_related("organization", "reviewed_by").filter(
        _org_scope(user, "organization")
    )


# Six synchronous steps


def sync_steps_visible_to(user) -> QuerySet[SyncStep]:
    qs = SyncStep.objects.select_related("organization", "region")
    access = access_for(user)
    if _sees_region(access):
        return qs.filter(access.region_q())
    if is_instructor_only(access):
        return qs.filter(organization__in=organizations_visible_to(user).values("pk"))
    return qs.none()


# Coverage ("两个覆盖"), computed in the database


def _ratio(numerator: int, denominator: int) -> dict:
    return {
        "numerator": numerator,
        "denominator": denominator,
        "rate": round(numerator / denominator, 4) if denominator else None,
    }


def secretary_on_board_exists(on: date) -> Exists:
    """双向进入: the secretary of the party organization covering the organization sits among its leaders."""
    on_board = OrganizationLeader.objects.filter(
        organization=OuterRef("organization"),
        name=OuterRef("party_organization__secretary"),
        created_at__date__lte=on,
    )
    return Exists(
        PartyCoverage.objects.filter(
            live_coverage_q(on), Exists(on_board), organization=OuterRef("pk")
        ).exclude(party_organization__secretary="")
    )


def president_is_member_exists(on: date) -> Exists:
    """交叉任职: the organization's president is a party member."""
    return Exists(
        OrganizationLeader.objects.filter(
            organization=OuterRef("pk"),
            position=OrganizationLeader.Position.PRESIDENT,
            is_party_member=True,
            created_at__date__lte=on,
        )
    )


@lru_cache(maxsize=32)
def coverage_flags(on: date) -> dict:
    """The per-organization flags of the coverage figures on `on`. Built once per date (building the three
    subqueries costs more than running them for a county); Django copies an expression whenever a query
    uses it, so the cached ones are never changed."""
    return {
        "_covered": covered_exists(on),
        "_instructed": instructed_exists(on),
        "_cross": ExpressionWrapper(
            Q(secretary_on_board_exists(on)) | Q(president_is_member_exists(on)), output_field=BooleanField()
        ),
    }


def coverage_base(organizations: QuerySet, *, on: date) -> QuerySet:
    """Organizations registered on `on`, each with whether a party organization covers it, an instructor is
    assigned to it, and (for the cross-appointment rate) whether the secretary sits on its board or its
    president is a party member."""
    return organizations.filter(existing_organization_q(on)).order_by().annotate(**coverage_flags(on))


@lru_cache(maxsize=32)
def compiled_coverage_flags(on: date, using: str) -> dict:
    """`coverage_flags` compiled to SQL once per date and database: resolving and compiling their four EXISTS
    subqueries costs more than running them for a county. The SQL names the organization as
    "orgs_organization"."id", so it is only for a query run as it is (coverage_counts), never nested."""
    query = Organization.objects.annotate(**coverage_flags(on)).query
    compiler = query.get_compiler(using=using)
    return {
        name: RawSQL(*compiler.compile(query.annotations[name]), output_field=BooleanField())
        for name in ("_covered", "_instructed", "_cross")
    }


COVERAGE_COUNTS = {
    "denominator": "COUNT(*)",
    "org_numerator": "COUNT(*) FILTER (WHERE q._covered)",
    "work_numerator": "COUNT(*) FILTER (WHERE q._covered OR q._instructed)",
    "cross_numerator": "COUNT(*) FILTER (WHERE q._covered AND q._cross)",
}


def coverage_statement(
    organizations: QuerySet, *, on: date, keys: tuple[str, ...] = (), fence: bool = False
) -> tuple[str, tuple]:
    """The SQL and parameters of coverage_counts.

    Unfenced, PostgreSQL flattens the subquery and each FILTER clause runs the EXISTS it needs, probing the
    indexes per organization. `fence` (OFFSET 0) evaluates each flag once per organization and lets
    PostgreSQL hash the subqueries' tables, which pays only for the whole country (7.9 s fenced, 14.1 s
    not); a province took 2.5 s fenced and 1.2 s not, a county 67 ms and 15 ms (bench/party.py's dataset)."""
    flags = (
        organizations.filter(existing_organization_q(on))
        .order_by()
        .annotate(**compiled_coverage_flags(on, organizations.db))
        .values(*keys, "_covered", "_instructed", "_cross")
    )
    sql, params = flags.query.get_compiler(using=flags.db).as_sql()
    connection = connections[flags.db]
    fence_sql = " OFFSET 0" if fence and connection.vendor == "postgresql" else ""
    columns = [f"q.{connection.ops.quote_name(key)}" for key in keys]
    counts = [f"{expression} AS {name}" for name, expression in COVERAGE_COUNTS.items()]
    group = f" GROUP BY {', '.join(columns)} ORDER BY {', '.join(columns)}" if keys else ""
    return f"SELECT {', '.join(columns + counts)} FROM ({sql}{fence_sql}) q{group}", tuple(params)


def run_coverage_statement(
    statement: tuple[str, tuple], *, keys: tuple[str, ...] = (), using: str
) -> list[dict]:
    """The rows of a coverage statement: its keys, then the four counts."""
    with connections[using].cursor() as cursor:
        cursor.execute(*statement)
        names = [*keys, *COVERAGE_COUNTS]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def coverage_counts(
    organizations: QuerySet, *, on: date, keys: tuple[str, ...] = (), fence: bool = False
) -> list[dict]:
    """The coverage counts of the organizations registered on `on` (see coverage_base), grouped by `keys`
    (fields or annotations of `organizations`); see coverage_statement."""
    statement = coverage_statement(organizations, on=on, keys=keys, fence=fence)
    return run_coverage_statement(statement, keys=keys, using=organizations.db)


def _row(values: dict, **keys) -> dict:
    return {
        **keys,
        "org_coverage": _ratio(values["org_numerator"] or 0, values["denominator"] or 0),
        "work_coverage": _ratio(values["work_numerator"] or 0, values["denominator"] or 0),
        # of the organizations with a party organization: secretary on the board or president a party member
        "cross_appointment": _ratio(values["cross_numerator"] or 0, values["org_numerator"] or 0),
    }


def coverage(
    *,
    user,
    region: str,
    org_type: str = "",
    category: str = "",
    group_by: str = "",
    on: date | None = None,
) -> dict:
    """Live coverage of the region (prefix), type and category: the totals, or rows by region one level down
    (plus a row for the organizations registered at the level itself, region = the queried code), by type
    or by category. Rows add up to the total. A few queries, whatever the number of organizations."""
    on = on or timezone.localdate()
    access = access_for(user)
    using = router.db_for_read(Organization)
    statement, keys = _live_coverage_statement(
        access, timezone.localdate(), region, org_type, category, group_by, on, using
    )
    rows = run_coverage_statement(statement, keys=keys, using=using)
    if not group_by:
        return _row(rows[0], region=region)
    if group_by == "region":
        return {"region": region, "results": _region_rows(rows)}
    return {"region": region, "results": [_row(r, region=region, **{group_by: r[group_by]}) for r in rows]}


def _region_rows(rows: list[dict]) -> list[dict]:
    names = dict(Region.objects.filter(code__in=[r["_key"] for r in rows]).values_list("code", "name"))
    return [_row(r, region=r["_key"], name=names.get(r["_key"], "")) for r in rows]


def coverage_by_region_and_type(
    *, user, region: str, org_type: str = "", category: str = "", on: date | None = None
) -> tuple[list[dict], list[dict]]:
    """coverage()'s rows by region and by type, as the coverage page shows them, from one pass over the
    organizations: counted by region × type and added up both ways (with a pass for each, the whole country's
    page took 15.8–19.4 s; 10.8–11.5 s now, bench/README.md)."""
    on = on or timezone.localdate()
    using = router.db_for_read(Organization)
    statement, keys = _live_coverage_statement(
        access_for(user), timezone.localdate(), region, org_type, category, "region,org_type", on, using
    )
    by_region: dict[str, dict] = {}
    by_type: dict[str, dict] = {}
    for row in run_coverage_statement(statement, keys=keys, using=using):
        for sums, key in ((by_region, row["_key"]), (by_type, row["org_type"])):
            counts = sums.setdefault(key, dict.fromkeys(COVERAGE_COUNTS, 0))
            for name in COVERAGE_COUNTS:
                counts[name] += row[name] or 0
    region_rows = _region_rows([{"_key": key, **counts} for key, counts in sorted(by_region.items())])
    type_rows = [_row(counts, region=region, org_type=key) for key, counts in sorted(by_type.items())]
    return region_rows, type_rows


@lru_cache(maxsize=256)
def _live_coverage_statement(
    access: Access,
    today: date,
    region: str,
    org_type: str,
    category: str,
    group_by: str,
    on: date,
    using: str,
) -> tuple[tuple[str, tuple], tuple[str, ...]]:
    """coverage()'s statement and keys, built once per caller's access and parameters (what a caller sees
    depends only on the access and the day). Built for each call, the county's selector spent 2.3 ms of CPU,
    0.7 ms with it (bench/README.md). `group_by`: fields, comma-separated; `region` is the region one level
    down, as the key `_key`."""
    organizations = organizations_of_access(access).using(using).filter(region__code__startswith=region)
    if org_type:
        organizations = organizations.filter(org_type=org_type)
    if category:
        organizations = organizations.filter(category=category)
    groups = group_by.split(",") if group_by else []
    if "region" in groups:
        organizations = organizations.annotate(_key=Substr("region_id", 1, NEXT_LEVEL[len(region)]))
    keys = tuple("_key" if group == "region" else group for group in groups)
    fence = not region  # the whole country: see coverage_statement
    return coverage_statement(organizations, on=on, keys=keys, fence=fence), keys


def coverage_total(rows: list[dict], *, region: str) -> dict:
    """The coverage of a region from its rows by `group_by` (they add up to it): the page shows both and
    saves a pass over the region's organizations (6.3 s for the whole country)."""
    counts = {
        "denominator": sum(row["org_coverage"]["denominator"] for row in rows),
        "org_numerator": sum(row["org_coverage"]["numerator"] for row in rows),
        "work_numerator": sum(row["work_coverage"]["numerator"] for row in rows),
        "cross_numerator": sum(row["cross_appointment"]["numerator"] for row in rows),
    }
    return _row(counts, region=region)


# Worklists behind the coverage


def _latest_accepted(field: str):
    return Subquery(
        AnnualReport.objects.filter(organization=OuterRef("pk"), status=AnnualReport.Status.ACCEPTED)
        .order_by("-year")
        .values(field)[:1],
        output_field=IntegerField(),
    )


def _latest_recorded(field: str, output_field):
    return Subquery(
        PartyMemberRecord.objects.filter(organization=OuterRef("pk"))
        .order_by("-recorded_on", "-id")
        .values(field)[:1],
        output_field=output_field,
    )


def with_party_members(queryset: QuerySet[Organization]) -> QuerySet[Organization]:
    """`party_members_known`: the formal party members by the newer of the latest accepted annual report (about
    its year) and the officer's latest record (newer when made in a later year than the report's)."""
    return queryset.annotate(
        report_party_members=_latest_accepted("party_members"),
        report_year=_latest_accepted("year"),
        recorded_party_members=_latest_recorded("formal_members", IntegerField()),
        recorded_on=_latest_recorded("recorded_on", DateField()),
    ).annotate(
        party_members_known=Case(
            When(
                Q(recorded_party_members__isnull=False)
                & (Q(report_year__isnull=True) | Q(recorded_on__year__gt=F("report_year"))),
                then=F("recorded_party_members"),
            ),
            default=Coalesce("report_party_members", Value(0)),
            output_field=IntegerField(),
        )
    )


def _worklist_base(user, region: str, org_type: str = "", category: str = "") -> QuerySet[Organization]:
    """The region's condition only where it narrows the caller's scope: with a city's prefix written twice (the
    scope's and the filter's), PostgreSQL expected 2 of the 614 organizations on the city's 应建未建 list and joined
    every region and supervising unit to them row by row (bench/README.md)."""
    today = timezone.localdate()
    qs = organizations_visible_to(user).filter(existing_organization_q(today))
    if region != access_for(user).region_code:
        qs = qs.filter(region__code__startswith=region)
    if org_type:
        qs = qs.filter(org_type=org_type)
    if category:
        qs = qs.filter(category=category)
    return qs


def should_build(*, user, region: str, org_type: str = "", category: str = "") -> QuerySet[Organization]:
    """应建未建: 3 or more formal party members (the newer of the latest accepted annual report and the officer's record),
    and no party organization of their own (a joint branch does not count)."""
    today = timezone.localdate()
    return (
        with_party_members(_worklist_base(user, region, org_type, category))
        .filter(party_members_known__gte=SHOULD_BUILD_MEMBERS)
        .exclude(covered_exists(today, own_only=True))
        .order_by("region_id", "name", "id")
    )


def uncovered(*, user, region: str, org_type: str = "", category: str = "") -> QuerySet[Organization]:
    """Organizations with neither a party organization nor an instructor."""
    today = timezone.localdate()
    return (
        _worklist_base(user, region, org_type, category)
        .exclude(covered_exists(today))
        .exclude(instructed_exists(today))
        .order_by("region_id", "name", "id")
    )


# Statistics: rows per region x type x category for the metric registry


STAT_RATIOS = {
    "org": ("org_numerator", "denominator"),
    "work": ("work_numerator", "denominator"),
    "cross": ("cross_numerator", "org_numerator"),
}


def coverage_stat_rows(*, year: int, kind: str) -> list[dict]:
    """org_coverage / work_coverage / cross_appointment_rate as of 31 December of `year`: numerator and
    denominator per region x type x category, in one grouped query (the same definitions as the live figures)."""
    on = date(year, 12, 31)
    numerator, denominator = STAT_RATIOS[kind]
    rows = coverage_counts(
        Organization.objects.all(), on=on, keys=("region_id", "org_type", "category"), fence=True
    )
    return [
        {
            "region": r["region_id"],
            "org_type": r["org_type"],
            "category": r["category"],
            "value": r[numerator],
            "denominator": r[denominator],
        }
        for r in rows
    ]


# Six synchronous steps: the share closed on time (within 30 days)


def steps_due_q(on: date) -> Q:
    """Steps that can be judged on `on`: closed, or due before it."""
    return ~Q(status=SyncStep.Status.OPEN) | Q(due_on__lt=on)


def steps_on_time_q() -> Q:
    return ~Q(status=SyncStep.Status.OPEN) & Q(completed_at__date__lte=F("due_on"))


def sync_steps_on_time(*, user, region: str, on: date | None = None) -> dict:
    """Per region one level down (plus the level itself): steps closed on time over steps closed or overdue."""
    on = on or timezone.localdate()
    width = NEXT_LEVEL[len(region)]
    rows = (
        sync_steps_visible_to(user)
        .filter(steps_due_q(on), region__code__startswith=region)
        .order_by()
        .annotate(_key=Substr("region_id", 1, width))
        .values("_key")
        .annotate(denominator=Count("pk"), numerator=Count("pk", filter=steps_on_time_q()))
        .order_by("_key")
    )
    rows = list(rows)
    names = dict(Region.objects.filter(code__in=[r["_key"] for r in rows]).values_list("code", "name"))
    results = [
        {"region": r["_key"], "name": names.get(r["_key"], ""), **_ratio(r["numerator"], r["denominator"])}
        for r in rows
    ]
    total = _ratio(sum(r["numerator"] for r in rows), sum(r["denominator"] for r in rows))
    return {"region": region, **total, "results": results}
