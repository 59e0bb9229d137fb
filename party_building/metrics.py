"""Party-building figures for the statistics engine (reports/registry.py: the contract). party_building owns the
queries; the engine rolls the rows up to every region level and type/category total.

All counted as of 31 December of the year, in the database (one grouped query per metric):
- party_organizations / party_members: party organizations in being that day (founded by then, or created by
  then when the founding date is unknown; not dissolved on or before it); members = formal + probationary.
- org_coverage / work_coverage / cross_appointment_rate: ratios over the organizations registered that day,
  the same definitions as the live figures of ``/api/v1/party/coverage/`` (selectors.coverage_base).
- instructors: instructors with an assignment in force that day; instructor_visits: visits logged in the year.
- work_stations: stations set up by then; work_station_funding: the year's funding (yuan).
- sync_steps_on_time: of the steps due in the year, the share closed (done or not applicable) by their due
  date (30 days after the registry event).

A figure about an organization carries that organization's region, type and category. A party organization
carries its own region and the type and category of the organization it covers (the one with the lowest id
for a joint branch); one that covers none (两新工委, 行业党委), an instructor and a work station carry
``UNATTACHED`` as type and category: they count in every region total, and in the by-type breakdown under
that code, so the breakdown still adds up to the total.
"""

from datetime import date

from django.db.models import Case, CharField, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from orgs.models import Organization
from reports.registry import Metric, register

from .models import (
    Assignment,
    PartyCoverage,
    PartyInstructor,
    PartyOrganization,
    SyncStep,
    Visit,
    WorkStation,
    WorkStationFunding,
)
from .selectors import (
    STAT_RATIOS,
    coverage_base,
    coverage_stat_rows,
    current_assignment_q,
    live_coverage_q,
    live_party_organization_q,
    sees_party_membership,
    steps_on_time_q,
)

UNATTACHED = "unattached"
ONE = Value(1, output_field=IntegerField())
ZERO = Value(0, output_field=IntegerField())
GROUP = "party_building"


def year_end(year: int) -> date:
    return date(year, 12, 31)


def _narrow(
    queryset, region_prefix, org_type, category, *, region="region__code", kind="org_type", cat="category"
):
    if region_prefix:
        queryset = queryset.filter(**{f"{region}__startswith": region_prefix})
    if org_type:
        queryset = queryset.filter(**{kind: org_type})
    if category:
        queryset = queryset.filter(**{cat: category})
    return queryset


def _rows(queryset, region: str, org_type: str, category: str, **aggregates):
    rows = queryset.order_by().values(_r=F(region), _t=F(org_type), _c=F(category)).annotate(**aggregates)
    for row in rows:
        yield {
            "region": row.pop("_r"),
            "org_type": row.pop("_t"),
            "category": row.pop("_c"),
            **row,
        }


def _unattached(queryset):
    return queryset.annotate(
        _type=Value(UNATTACHED, output_field=CharField()),
        _category=Value(UNATTACHED, output_field=CharField()),
    )


# Party organizations and their members


def _anchor(on: date, field: str):
    """The type/category of the organization a party organization covers on `on` (lowest id first)."""
    covers = (
        PartyCoverage.objects.filter(live_coverage_q(on), party_organization=OuterRef("pk"))
        .order_by("organization_id")
        .values(f"organization__{field}")[:1]
    )
    return Coalesce(Subquery(covers, output_field=CharField()), Value(UNATTACHED, output_field=CharField()))


def party_organizations_at(year: int):
    on = year_end(year)
    return PartyOrganization.objects.filter(live_party_organization_q(on)).annotate(
        _type=_anchor(on, "org_type"), _category=_anchor(on, "category")
    )


MEMBERS = F("formal_members") + F("probationary_members")


def party_organizations_compute(year):
    return _rows(party_organizations_at(year), "region_id", "_type", "_category", value=Count("pk"))


def party_organizations_drilldown(year, region_prefix, org_type=None, category=None):
    queryset = _narrow(
        party_organizations_at(year), region_prefix, org_type, category, kind="_type", cat="_category"
    )
    return queryset.select_related("region"), ONE


def party_members_compute(year):
    return _rows(party_organizations_at(year), "region_id", "_type", "_category", value=Sum(MEMBERS))


def party_members_drilldown(year, region_prefix, org_type=None, category=None):
    queryset = _narrow(
        party_organizations_at(year), region_prefix, org_type, category, kind="_type", cat="_category"
    )
    return queryset.select_related("region"), MEMBERS


# The two coverages and the cross-appointment rate (ratios over organizations)


def _ratio_metric(kind: str):
    numerator, _denominator = STAT_RATIOS[kind]

    def compute(year):
        return coverage_stat_rows(year=year, kind=kind)

    def drilldown(year, region_prefix, org_type=None, category=None):
        """The organizations of the denominator; each contributes 1 if it counts in the numerator."""
        base = coverage_base(Organization.objects.select_related("region"), on=year_end(year))
        if kind == "cross":
            base = base.filter(_covered=True)
        conditions = {
            "org": Q(_covered=True),
            "work": Q(_covered=True) | Q(_instructed=True),
            "cross": Q(_cross=True),
        }
        contribution = Case(When(conditions[kind], then=ONE), default=ZERO, output_field=IntegerField())
        return _narrow(base, region_prefix, org_type, category), contribution

    return compute, drilldown


# Instructors and visits


def instructors_at(year: int):
    on = year_end(year)
    assigned = Assignment.objects.filter(current_assignment_q(on)).values("instructor_id")
    return _unattached(PartyInstructor.objects.filter(pk__in=assigned))


def instructors_compute(year):
    return _rows(instructors_at(year), "region_id", "_type", "_category", value=Count("pk"))


def instructors_drilldown(year, region_prefix, org_type=None, category=None):
    queryset = _narrow(instructors_at(year), region_prefix, org_type, category, kind="_type", cat="_category")
    return queryset.select_related("region"), ONE


def visits_in(year: int):
    return Visit.objects.filter(visited_on__year=year)


def instructor_visits_compute(year):
    return _rows(
        visits_in(year),
        "organization__region_id",
        "organization__org_type",
        "organization__category",
        value=Count("pk"),
    )


def instructor_visits_drilldown(year, region_prefix, org_type=None, category=None):
    queryset = _narrow(
        visits_in(year),
        region_prefix,
        org_type,
        category,
        region="organization__region__code",
        kind="organization__org_type",
        cat="organization__category",
    )
    return queryset.select_related("organization", "instructor"), ONE


# Work stations and their funding


def stations_at(year: int):
    return _unattached(WorkStation.objects.filter(created_at__date__lte=year_end(year)))


def work_stations_compute(year):
    return _rows(stations_at(year), "region_id", "_type", "_category", value=Count("pk"))


def work_stations_drilldown(year, region_prefix, org_type=None, category=None):
    queryset = _narrow(stations_at(year), region_prefix, org_type, category, kind="_type", cat="_category")
    return queryset.select_related("region"), ONE


def funding_in(year: int):
    return _unattached(WorkStationFunding.objects.filter(year=year))


def work_station_funding_compute(year):
    return _rows(funding_in(year), "station__region_id", "_type", "_category", value=Sum("amount"))


def work_station_funding_drilldown(year, region_prefix, org_type=None, category=None):
    queryset = _narrow(
        funding_in(year),
        region_prefix,
        org_type,
        category,
        region="station__region__code",
        kind="_type",
        cat="_category",
    )
    return queryset.select_related("station"), F("amount")


# Six synchronous steps


def steps_due_in(year: int):
    return SyncStep.objects.filter(due_on__year=year)


def sync_steps_on_time_compute(year):
    return _rows(
        steps_due_in(year),
        "organization__region_id",
        "organization__org_type",
        "organization__category",
        value=Count("pk", filter=steps_on_time_q()),
        denominator=Count("pk"),
    )


def sync_steps_on_time_drilldown(year, region_prefix, org_type=None, category=None):
    queryset = _narrow(
        steps_due_in(year),
        region_prefix,
        org_type,
        category,
        region="organization__region__code",
        kind="organization__org_type",
        cat="organization__category",
    )
    contribution = Case(When(steps_on_time_q(), then=ONE), default=ZERO, output_field=IntegerField())
    return queryset.select_related("organization"), contribution


org_coverage_compute, org_coverage_drilldown = _ratio_metric("org")
work_coverage_compute, work_coverage_drilldown = _ratio_metric("work")
cross_appointment_compute, cross_appointment_drilldown = _ratio_metric("cross")

METRICS = [
    Metric(
        "party_organizations",
        _("Party organizations"),
        "count",
        "sum",
        party_organizations_compute,
        party_organizations_drilldown,
        description=_("Party organizations in being on 31 December."),
    ),
    Metric(
        "party_members",
        _("Party members"),
        "person",
        "sum",
        party_members_compute,
        party_members_drilldown,
        description=_("Formal and probationary members of the party organizations in being on 31 December."),
    ),
    Metric(
        "org_coverage",
        _("Party-organization coverage"),
        "ratio",
        "ratio",
        org_coverage_compute,
        org_coverage_drilldown,
        description=_("Organizations covered by a party organization of their own or a joint branch."),
    ),
    Metric(
        "work_coverage",
        _("Party-work coverage"),
        "ratio",
        "ratio",
        work_coverage_compute,
        work_coverage_drilldown,
        description=_("Organizations covered by a party organization or an assigned instructor."),
    ),
    Metric(
        "instructors",
        _("Party-building instructors"),
        "person",
        "sum",
        instructors_compute,
        instructors_drilldown,
        description=_("Instructors with an assignment in force on 31 December."),
    ),
    Metric(
        "instructor_visits",
        _("Instructors' visits"),
        "count",
        "sum",
        instructor_visits_compute,
        instructor_visits_drilldown,
    ),
    Metric(
        "work_stations",
        _("Party-building work stations"),
        "count",
        "sum",
        work_stations_compute,
        work_stations_drilldown,
    ),
    Metric(
        "work_station_funding",
        _("Work-station funding"),
        "yuan",
        "sum",
        work_station_funding_compute,
        work_station_funding_drilldown,
    ),
    Metric(
        "cross_appointment_rate",
        _("Cross-appointment rate"),
        "ratio",
        "ratio",
        cross_appointment_compute,
        cross_appointment_drilldown,
        # The rows tell whose president is a party member: party-work staff only.
        drilldown_allowed=sees_party_membership,
        description=_(
            "Of the organizations with a party organization: the secretary sits on the board or the president "
            "is a party member."
        ),
    ),
    Metric(
        "sync_steps_on_time",
        _("Synchronous steps closed on time"),
        "ratio",
        "ratio",
        sync_steps_on_time_compute,
        sync_steps_on_time_drilldown,
        description=_("Of the steps due in the year, those closed within 30 days of the registry event."),
    ),
]

for order, metric in enumerate(METRICS):
    register(
        Metric(
            metric.code,
            metric.label,
            metric.unit,
            metric.aggregate,
            metric.compute,
            metric.drilldown,
            group=GROUP,
            description=metric.description,
            drilldown_allowed=metric.drilldown_allowed,
            order=10 * (order + 1),
            app="party_building",
        )
    )
