"""The two coverages and their worklists, against numbers computed independently in the test."""

from datetime import date, timedelta

from django.utils import timezone

from orgs.models import AnnualReport, Organization
from party_building.models import PartyMemberRecord, Visit
from party_building.selectors import coverage_stat_rows
from tests.factories import as_token, as_user, make_org, make_person

from .conftest import make_instructor

URL = "/api/v1/party/coverage/"


def expected(organizations, world):
    organizations = list(organizations)
    org_num = sum(1 for o in organizations if o in world["org_covered"])
    work_num = sum(1 for o in organizations if o in world["org_covered"] or o in world["instructed"])
    return (org_num, work_num, len(organizations))


def figures(row):
    return (
        row["org_coverage"]["numerator"],
        row["work_coverage"]["numerator"],
        row["org_coverage"]["denominator"],
    )


def test_district_coverage(party_officer_city, world):
    data = as_user(party_officer_city).get(URL, {"region": "320508"}).json()
    assert data["region"] == "320508"
    assert figures(data) == expected(world["g"], world) == (3, 4, 5)
    assert data["org_coverage"]["rate"] == 0.6
    assert data["work_coverage"]["rate"] == 0.8
    wuzhong = as_user(party_officer_city).get(URL, {"region": "320506"}).json()
    assert figures(wuzhong) == expected(world["w"], world) == (1, 1, 3)


def test_city_is_the_sum_of_its_districts_and_its_own_level(party_officer_city, world):
    client = as_user(party_officer_city)
    total = client.get(URL, {"region": "3205"}).json()
    everything = world["g"] + world["w"] + world["city"]
    assert figures(total) == expected(everything, world) == (4, 6, 9)
    rows = client.get(URL, {"region": "3205", "group_by": "region"}).json()["results"]
    by_region = {row["region"]: figures(row) for row in rows}
    assert by_region == {
        "3205": expected(world["city"], world),
        "320506": expected(world["w"], world),
        "320508": expected(world["g"], world),
    }
    assert tuple(map(sum, zip(*by_region.values(), strict=True))) == figures(total)


def test_grouped_by_type_and_category_add_up(party_officer_city, world):
    client = as_user(party_officer_city)
    total = figures(client.get(URL, {"region": "3205"}).json())
    for group_by in ("org_type", "category"):
        rows = client.get(URL, {"region": "3205", "group_by": group_by}).json()["results"]
        assert tuple(map(sum, zip(*(figures(r) for r in rows), strict=True))) == total
    foundations = client.get(URL, {"region": "3205", "org_type": "foundation"}).json()
    assert figures(foundations) == (0, 1, 1)


def test_coverage_scope_and_validation(party_officer_wuzhong, registrar_city, world):
    client = as_user(party_officer_wuzhong)
    assert client.get(URL, {"region": "320508"}).status_code == 404
    assert client.get(URL).json()["region"] == "320506"
    assert client.get(URL, {"group_by": "colour"}).status_code == 400
    assert client.get(URL, {"region": "32050"}).status_code == 400
    assert as_user(registrar_city).get(URL).status_code == 403
    assert as_token(scopes=["party:read"], region="3205").get(URL).status_code == 200


def test_each_instructor_login_counts_only_their_own_organizations(instructor_user, world):
    """Two instructors with the same region and role: each one's figures are their own assignments', and
    ending an assignment changes the next answer (the statement is built once per caller, not per region)."""
    other_user = make_person("instructor_wang", kind="staff", region_code="3205", roles=["instructor"])
    make_instructor("李指导", user=instructor_user, organizations=[world["g"][0], world["g"][4]])
    other = make_instructor("王指导", user=other_user, organizations=[world["w"][0]])
    mine = as_user(instructor_user).get(URL, {"region": "3205"}).json()
    assert figures(mine) == (1, 2, 2)  # 姑苏甲 (its own branch) and 姑苏戊 (now an instructor's)
    theirs = as_user(other_user).get(URL, {"region": "3205"}).json()
    assert figures(theirs) == (1, 1, 1)
    other.assignments.update(to_date=timezone.localdate() - timedelta(days=1))
    assert figures(as_user(other_user).get(URL, {"region": "3205"}).json()) == (0, 0, 0)


def test_coverage_queries_do_not_grow(party_officer_city, world, django_assert_max_num_queries):
    for _ in range(30):
        make_org("320508")
    with django_assert_max_num_queries(4):
        as_user(party_officer_city).get(URL, {"region": "3205", "group_by": "region"})


def test_statistics_count_as_of_the_end_of_the_year(world):
    """A branch founded in 2019 counts for 2019; the joint branch (founded with no date) counts too; a
    deregistered organization counts while it existed."""
    rows = coverage_stat_rows(year=2025, kind="org")
    assert sum(r["value"] for r in rows) == 4
    assert sum(r["denominator"] for r in rows) == 9
    rows_2018 = coverage_stat_rows(year=2018, kind="org")
    # 姑苏甲支部 was founded in 2019; the covers of the rest start on 2020-01-01 (the builder's default)
    assert sum(r["value"] for r in rows_2018) == 0
    assert sum(r["denominator"] for r in rows_2018) == 10  # 姑苏己 still existed in 2018


# Worklists


def accepted_report(organization, year, party_members):
    return AnnualReport.objects.create(
        organization=organization, year=year, status=AnnualReport.Status.ACCEPTED, party_members=party_members
    )


def test_should_build_list(party_officer_city, world):
    """应建未建: 3+ formal party members (latest accepted report or officer's record), no own party org."""
    g_none = world["g"][4]
    g_joint = world["g"][1]
    g_instr = world["g"][3]
    w_own = world["w"][0]
    accepted_report(g_none, 2024, 5)
    accepted_report(g_joint, 2024, 4)  # under a joint branch: should still build its own
    accepted_report(w_own, 2024, 9)  # has its own branch
    accepted_report(g_instr, 2023, 2)
    AnnualReport.objects.create(
        organization=g_instr, year=2024, status="submitted", party_members=7
    )  # not accepted
    PartyMemberRecord.objects.create(organization=world["w"][1], formal_members=3)
    client = as_user(party_officer_city)
    names = [
        o["name"]
        for o in client.get("/api/v1/party/worklists/should-build/", {"region": "3205"}).json()["results"]
    ]
    assert sorted(names) == sorted([g_none.name, g_joint.name, world["w"][1].name])
    gusu = client.get("/api/v1/party/worklists/should-build/", {"region": "320508"}).json()["results"]
    assert sorted(o["name"] for o in gusu) == sorted([g_none.name, g_joint.name])


def test_uncovered_list(party_officer_city, world):
    response = as_user(party_officer_city).get("/api/v1/party/worklists/uncovered/", {"region": "3205"})
    names = {o["name"] for o in response.json()["results"]}
    assert names == {world["g"][4].name, world["w"][1].name, world["w"][2].name}
    wuzhong = as_user(party_officer_city).get("/api/v1/party/worklists/uncovered/", {"region": "320506"})
    assert {o["name"] for o in wuzhong.json()["results"]} == {world["w"][1].name, world["w"][2].name}


def test_idle_instructors_list(party_officer_city, world):
    busy = make_instructor("忙指导员", organizations=[world["g"][4]])
    Visit.objects.create(
        instructor=busy,
        organization=world["g"][4],
        visited_on=timezone.localdate() - timedelta(days=10),
        content="x",
    )
    old = make_instructor("久未走访", organizations=[world["w"][1]])
    Visit.objects.create(
        instructor=old,
        organization=world["w"][1],
        visited_on=timezone.localdate() - timedelta(days=91),
        content="x",
    )
    response = as_user(party_officer_city).get(
        "/api/v1/party/worklists/idle-instructors/", {"region": "3205"}
    )
    names = {row["name"] for row in response.json()["results"]}
    assert names == {"李指导", "久未走访"}


def test_worklist_query_counts(party_officer_city, world, django_assert_max_num_queries):
    for _ in range(20):
        accepted_report(make_org("320508"), 2024, 4)
    with django_assert_max_num_queries(4):
        response = as_user(party_officer_city).get(
            "/api/v1/party/worklists/should-build/", {"region": "3205", "page_size": 200}
        )
    assert len(response.json()["results"]) == 20
    assert Organization.objects.count() > 20


def test_should_build_takes_the_newer_of_report_and_record(party_officer_city, world):
    """The officer's record made after the report's year replaces the report's figure, either way; a record
    made during the report's own year does not."""
    dropped, grown, same_year = world["w"][1], world["w"][2], world["g"][4]
    accepted_report(dropped, 2024, 6)
    PartyMemberRecord.objects.create(organization=dropped, formal_members=1, recorded_on=date(2025, 5, 1))
    accepted_report(grown, 2024, 1)
    PartyMemberRecord.objects.create(organization=grown, formal_members=4, recorded_on=date(2025, 5, 1))
    accepted_report(same_year, 2025, 5)
    PartyMemberRecord.objects.create(organization=same_year, formal_members=0, recorded_on=date(2025, 3, 1))
    rows = as_user(party_officer_city).get("/api/v1/party/worklists/should-build/", {"region": "3205"}).json()
    found = {row["name"]: row["party_members"] for row in rows["results"]}
    assert found == {grown.name: 4, same_year.name: 5}
