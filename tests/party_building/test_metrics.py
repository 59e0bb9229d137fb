"""The party-building metrics in the statistics registry: the built figures against numbers computed in the test,
a city's rate from the sums over its districts, and each drill-down adding up to its figure."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from party_building.metrics import UNATTACHED
from party_building.models import OrganizationLeader, SyncStep, Visit, WorkStation, WorkStationFunding
from reports import registry
from reports.models import Stat
from reports.services import stats_rebuild_year

from .conftest import make_instructor, make_node

CODES = [
    "party_organizations",
    "party_members",
    "org_coverage",
    "work_coverage",
    "instructors",
    "instructor_visits",
    "work_stations",
    "work_station_funding",
    "cross_appointment_rate",
    "sync_steps_on_time",
]
YEAR = 2025


def aware(d: date):
    return timezone.make_aware(datetime(d.year, d.month, d.day, 10))


@pytest.fixture
def built(world):
    """The small world of conftest plus leaders, visits, stations and steps; 2025 built for our metrics."""
    g_own, g_joint1, g_joint2, g_instr, g_none = world["g"]
    w_own = world["w"][0]
    # the branches' secretaries: 姑苏甲支部's secretary 王书记 sits on 姑苏甲's board; 吴中 has a member president
    from party_building.models import PartyOrganization

    PartyOrganization.objects.filter(name="姑苏甲支部").update(secretary="王书记")
    PartyOrganization.objects.filter(name="吴中甲支部").update(secretary="赵书记")
    # entered today with their founding dates (without one, a node counts from the day it was entered)
    PartyOrganization.objects.filter(name__in=["吴中甲支部", "姑苏联合支部"]).update(
        founded_on=date(2020, 1, 1)
    )
    leader = OrganizationLeader.objects.create
    leader(organization=g_own, name="王书记", position="director")
    leader(organization=w_own, name="钱会长", position="president", is_party_member=True)
    leader(organization=g_joint1, name="孙会长", position="president", is_party_member=False)
    leader(organization=g_none, name="李会长", position="president", is_party_member=True)  # no party org
    OrganizationLeader.objects.update(created_at=aware(date(2025, 1, 1)))  # on record during the year
    instructor = world["instructor"]
    Visit.objects.create(
        instructor=instructor, organization=g_instr, visited_on=date(2025, 3, 1), content="x"
    )
    Visit.objects.create(
        instructor=instructor, organization=g_instr, visited_on=date(2025, 9, 1), content="y"
    )
    Visit.objects.create(
        instructor=instructor, organization=world["city"][0], visited_on=date(2025, 5, 1), content="z"
    )
    Visit.objects.create(
        instructor=instructor, organization=g_instr, visited_on=date(2024, 5, 1), content="old"
    )
    make_instructor("已离任", organizations=[g_none], from_date=date(2020, 1, 1)).assignments.update(
        to_date=date(2024, 6, 30)
    )
    station = WorkStation.objects.create(name="姑苏党建工作站", region_id="320508")
    WorkStation.objects.filter(pk=station.pk).update(created_at=aware(date(2024, 2, 1)))
    WorkStationFunding.objects.create(station=station, year=2025, amount=Decimal("100000.00"))
    WorkStationFunding.objects.create(station=station, year=2024, amount=Decimal("80000.00"))
    late = WorkStation.objects.create(name="吴中党建工作站", region_id="320506")
    WorkStation.objects.filter(pk=late.pk).update(created_at=aware(date(2026, 2, 1)))

    def step(org, due, completed=None, status="open"):
        return SyncStep.objects.create(
            organization=org,
            region_id=org.region_id,
            event="established",
            step="collect_members",
            title="x",
            due_on=due,
            status=status,
            completed_at=aware(completed) if completed else None,
        )

    step(g_own, date(2025, 4, 1), date(2025, 3, 20), "done")  # on time
    step(g_none, date(2025, 4, 1), date(2025, 4, 20), "done")  # late
    step(w_own, date(2025, 6, 1), date(2025, 6, 1), "not_applicable")  # on time
    step(w_own, date(2025, 8, 1))  # never closed
    step(g_own, date(2026, 1, 10), date(2026, 1, 2), "done")  # due next year: not in 2025
    metrics = [registry.get(code) for code in CODES]
    stats_rebuild_year(year=YEAR, metrics=metrics)
    return world


def stat(code, region="", org_type="", category=""):
    return Stat.objects.get(metric=code, year=YEAR, region=region, org_type=org_type, category=category)


def test_every_metric_is_registered_by_party_building():
    for code in CODES:
        metric = registry.get(code)
        assert metric.app == "party_building"
    ratios = {code for code in CODES if registry.get(code).is_ratio}
    assert ratios == {"org_coverage", "work_coverage", "cross_appointment_rate", "sync_steps_on_time"}


def test_coverages_built_at_district_and_city_level(built):
    world = built
    covered, instructed = world["org_covered"], world["instructed"]
    for code, members in (("320508", world["g"]), ("320506", world["w"])):
        org, work = stat("org_coverage", code), stat("work_coverage", code)
        assert (org.value, org.denominator) == (sum(o in covered for o in members), len(members))
        assert work.value == sum(o in covered or o in instructed for o in members)
    everyone = world["g"] + world["w"] + world["city"]
    city_org, city_work = stat("org_coverage", "3205"), stat("work_coverage", "3205")
    assert (city_org.value, city_org.denominator) == (4, len(everyone)) == (4, 9)
    assert (city_work.value, city_work.denominator) == (6, 9)
    # the city is the sum of its districts plus the organizations registered at the city itself
    districts = Stat.objects.filter(metric="org_coverage", year=YEAR, level=6, org_type="", category="")
    assert sum(s.value for s in districts) + 0 == city_org.value
    assert sum(s.denominator for s in districts) + len(world["city"]) == city_org.denominator


def test_counts_and_sums(built):
    # live on 31 Dec 2025: 姑苏甲支部 (5), 姑苏联合支部 (5), 吴中甲支部 (5); the dissolved one not
    assert stat("party_organizations", "3205").value == 3
    assert stat("party_organizations", "320508").value == 2
    assert stat("party_members", "3205").value == 15
    assert stat("instructors", "3205").value == 1  # the other one's assignment ended in 2024
    assert stat("instructors", "3205", org_type=UNATTACHED).value == 1
    assert stat("instructor_visits", "3205").value == 3
    assert stat("instructor_visits", "320508").value == 2
    assert stat("work_stations", "3205").value == 1
    assert stat("work_station_funding", "320508").value == Decimal("100000.00")


def test_cross_appointment_rate(built):
    # with a party org: 姑苏甲 (secretary on the board), 姑苏乙, 姑苏丙 (joint, no), 吴中甲 (member president)
    rate = stat("cross_appointment_rate", "3205")
    assert (rate.value, rate.denominator) == (2, 4)
    assert (
        stat("cross_appointment_rate", "320508").value,
        stat("cross_appointment_rate", "320508").denominator,
    ) == (
        1,
        3,
    )


def test_sync_steps_on_time(built):
    figure = stat("sync_steps_on_time", "3205")
    assert (figure.value, figure.denominator) == (2, 4)
    gusu = stat("sync_steps_on_time", "320508")
    assert (gusu.value, gusu.denominator) == (1, 2)


@pytest.mark.parametrize("code", CODES)
def test_drilldown_adds_up_to_the_figure(built, code):
    metric = registry.get(code)
    for region in ("3205", "320508"):
        queryset, contribution = metric.drilldown(YEAR, region, None, None)
        rows = queryset.annotate(contribution=contribution)
        total = sum(Decimal(r.contribution or 0) for r in rows)
        built_figure = Stat.objects.filter(
            metric=code, year=YEAR, region=region, org_type="", category=""
        ).values_list("value", flat=True)
        assert total == (built_figure[0] if built_figure else 0), (code, region)


def test_coverage_counts_a_party_organization_by_its_dates(world):
    """Founded after the year end: not yet counted; dissolved during the year: no longer counted."""
    late = make_node("新支部", "branch", "320506", founded_on=date(2026, 3, 1))
    assert late.pk
    metric = registry.get("party_organizations")
    rows = list(metric.compute(YEAR))
    # 2025: only 姑苏甲支部 (founded 2019); the two without a founding date were entered this year
    assert sum(r["value"] for r in rows) == 1
    assert sum(r["value"] for r in metric.compute(timezone.localdate().year)) == 3 + (
        late.founded_on <= date.today()
    )
    assert not [r for r in rows if not r["org_type"] or not r["category"]]


def test_live_coverage_equals_the_built_figures(built, party_officer_city):
    """Nothing changed since the year end: the live endpoint and the built statistics agree, per district too."""
    from tests.factories import as_user

    client = as_user(party_officer_city)
    for region in ("3205", "320508", "320506"):
        live = client.get("/api/v1/party/coverage/", {"region": region}).json()
        for key, code in (
            ("org_coverage", "org_coverage"),
            ("work_coverage", "work_coverage"),
            ("cross_appointment", "cross_appointment_rate"),
        ):
            figure = stat(code, region)
            assert (live[key]["numerator"], live[key]["denominator"]) == (figure.value, figure.denominator), (
                region,
                key,
            )
