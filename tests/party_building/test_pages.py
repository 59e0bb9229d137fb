"""The party-building pages, in Chinese: the tree (htmx), nodes, moving, coverage, instructors, 述职, stations,
steps and reviews; who may open them; query counts with 10 and 100 rows."""

from datetime import date

import pytest
from django.test import Client

from orgs.hooks import registry_event
from orgs.models import Organization
from party_building.models import (
    LeaderReview,
    PartyCoverage,
    PartyOrganization,
    SecretaryReport,
    SyncStep,
    Visit,
    WorkStation,
)
from tests.factories import PASSWORD, make_org

from .conftest import make_instructor, make_node


def browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_tree_page_and_htmx_children(party_officer_city, work_committee, industry_committee):
    branch = make_node("丝绸协会党支部", "branch", "320508", parent=industry_committee)
    client = browser(party_officer_city)
    html = client.get("/party/").content.decode()
    assert work_committee.name in html and branch.name not in html
    assert f'hx-get="/party/tree/{work_committee.pk}/children/"' in html
    children = client.get(
        f"/party/tree/{work_committee.pk}/children/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert industry_committee.name in children and "<html" not in children
    deeper = client.get(
        f"/party/tree/{industry_committee.pk}/children/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert branch.name in deeper


def test_pages_refuse_without_party_scope(registrar_city, unit_staff):
    for user in (registrar_city, unit_staff):
        client = browser(user)
        for path in (
            "/party/",
            "/party/coverage/",
            "/party/coverage/worklists/should-build/",
            "/party/coverage/worklists/uncovered/",
            "/party/coverage/worklists/idle/",
            "/party/instructors/",
            "/party/reports/",
            "/party/steps/",
        ):
            assert client.get(path).status_code == 403, path
    assert Client().get("/party/").status_code == 302


def test_node_outside_the_region_is_404(party_officer_wuzhong):
    node = make_node("姑苏支部", "branch", "320508")
    assert browser(party_officer_wuzhong).get(f"/party/nodes/{node.pk}/").status_code == 404


def node_form(**extra):
    return {
        "name": "新支部",
        "level": "branch",
        "region": "320508",
        "formal_members": 3,
        "probationary_members": 0,
        **extra,
    }


def test_creating_a_joint_branch_in_the_browser(party_officer_city, industry_committee):
    first, second = make_org("320508"), make_org("320508")
    client = browser(party_officer_city)
    response = client.post(
        "/party/nodes/new/",
        node_form(level="joint_branch", parent=industry_committee.pk, organizations=[first.pk, second.pk]),
    )
    node = PartyOrganization.objects.get(name="新支部")
    assert response.status_code == 302 and response["Location"] == f"/party/nodes/{node.pk}/"
    assert set(
        PartyCoverage.objects.filter(party_organization=node).values_list("organization_id", flat=True)
    ) == {
        first.pk,
        second.pk,
    }
    detail = client.get(f"/party/nodes/{node.pk}/").content.decode()
    assert first.name in detail and second.name in detail
    # the organizations under the industry committee include those of its joint branch
    assert first.name in client.get(f"/party/nodes/{industry_committee.pk}/").content.decode()


def test_a_rule_broken_in_the_browser_shows_beside_its_field(party_officer_city):
    organization = make_org("320508")
    response = browser(party_officer_city).post(
        "/party/nodes/new/", node_form(level="joint_branch", organizations=[organization.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "is-invalid" in html
    assert "联合党支部至少覆盖两个社会组织" in html
    assert not PartyOrganization.objects.exists()


def test_moving_a_subtree_in_the_browser(party_officer_city, work_committee, industry_committee):
    other = make_node("另一党委", "industry_committee", "3205", parent=work_committee, formal_members=0)
    branch = make_node("支部", "branch", "320508", parent=industry_committee)
    client = browser(party_officer_city)
    client.post(f"/party/nodes/{industry_committee.pk}/move/", {"parent": other.pk})
    branch.refresh_from_db()
    assert branch.path.startswith(other.path)
    refused = client.post(f"/party/nodes/{other.pk}/move/", {"parent": branch.pk}, follow=True)
    assert "不能移到自身或其下级组织之下" in refused.content.decode()


def test_coverage_page_shows_figures_and_worklists(party_officer_city):
    covered = make_org("320508", name="有支部协会")
    make_org("320508", name="无人覆盖协会")
    make_node("支部", "branch", "320508", organizations=[covered])
    client = browser(party_officer_city)
    html = client.get("/party/coverage/", {"region": "320508"}).content.decode()
    assert "50.0%" in html
    assert "两个覆盖" in html
    # The worklists follow the figures: the page asks for each with its own filter.
    for name in ("should-build", "uncovered", "idle"):
        assert f'hx-get="/party/coverage/worklists/{name}/?region=320508"' in html
    uncovered = client.get(
        "/party/coverage/worklists/uncovered/", {"region": "320508"}, HTTP_HX_REQUEST="true"
    )
    assert "无人覆盖协会" in uncovered.content.decode()
    assert "有支部协会" not in uncovered.content.decode()
    assert "<html" not in uncovered.content.decode()


def test_coverage_worklists_keep_to_the_callers_region(party_officer_wuzhong, party_officer_city):
    make_org("320508", name="姑苏未覆盖协会")
    make_org("320506", name="吴中未覆盖协会")
    wuzhong = browser(party_officer_wuzhong)
    own = wuzhong.get("/party/coverage/worklists/uncovered/").content.decode()
    assert "吴中未覆盖协会" in own and "姑苏未覆盖协会" not in own
    assert wuzhong.get("/party/coverage/worklists/uncovered/", {"region": "320508"}).status_code == 404
    assert browser(party_officer_city).get("/party/coverage/worklists/elsewhere/").status_code == 404


def test_coverage_worklist_counts_beyond_the_rows_shown(party_officer_city):
    from party_building.views import WORKLIST_ROWS

    for index in range(WORKLIST_ROWS + 2):
        make_org("320508", name=f"未覆盖协会{index:03d}")
    response = browser(party_officer_city).get("/party/coverage/worklists/uncovered/", {"region": "320508"})
    assert response.context["worklist"]["count"] == WORKLIST_ROWS + 2
    assert len(response.context["worklist"]["rows"]) == WORKLIST_ROWS
    assert f">{WORKLIST_ROWS + 2}</span>" in response.content.decode()


def test_secretary_report_pages(party_officer_gusu, party_officer_city, industry_committee):
    branch = make_node("支部", "branch", "320508", parent=industry_committee)
    district = browser(party_officer_gusu)
    response = district.post(
        "/party/reports/", {"party_organization": branch.pk, "year": 2025, "content": "述职内容"}
    )
    report = SecretaryReport.objects.get()
    assert response["Location"] == f"/party/reports/{report.pk}/"
    district.post(f"/party/reports/{report.pk}/", {"verb": "submit"})
    report.refresh_from_db()
    assert report.status == "submitted"
    assert 'value="evaluate"' not in district.get(f"/party/reports/{report.pk}/").content.decode()
    city = browser(party_officer_city)
    assert 'value="evaluate"' in city.get(f"/party/reports/{report.pk}/").content.decode()
    city.post(f"/party/reports/{report.pk}/", {"verb": "evaluate", "grade": "good", "comment": "好"})
    report.refresh_from_db()
    assert (report.status, report.grade) == ("evaluated", "good")


def test_steps_page_marks_done_and_not_applicable(party_officer_city, gusu_org):
    registry_event.send(Organization, event="established", organization=gusu_org, actor=None, data={})
    registry_event.send(Organization, event="charter_changed", organization=gusu_org, actor=None, data={})
    done, other = SyncStep.objects.order_by("id")
    client = browser(party_officer_city)
    assert "收集党员信息" in client.get("/party/steps/").content.decode()
    client.post(f"/party/steps/{done.pk}/complete/", {"status": "done"})
    refused = client.post(f"/party/steps/{other.pk}/complete/", {"status": "not_applicable"}, follow=True)
    assert "说明" in refused.content.decode()
    client.post(
        f"/party/steps/{other.pk}/complete/", {"status": "not_applicable", "note": "章程已含党建条款"}
    )
    assert set(SyncStep.objects.values_list("status", flat=True)) == {"done", "not_applicable"}


def test_instructor_pages(party_officer_city, instructor_user, gusu_org):
    client = browser(party_officer_city)
    client.post(
        "/party/instructors/", {"name": "新指导员", "unit": "区委组织部", "region": "320508", "phone": "1"}
    )
    instructor = make_instructor(user=instructor_user, organizations=[gusu_org])
    own = browser(instructor_user)
    own.post(
        f"/party/instructors/{instructor.pk}/",
        {
            "form": "visit",
            "instructor": instructor.pk,
            "organization": gusu_org.pk,
            "visited_on": "2026-01-02",
            "content": "谈心",
        },
    )
    assert Visit.objects.filter(instructor=instructor).count() == 1
    listing = own.get("/party/instructors/").content.decode()
    assert "新指导员" not in listing and instructor.name in listing


def test_reviews_and_stations_pages(party_officer_city, gusu_org):
    client = browser(party_officer_city)
    client.post(
        "/party/reviews/",
        {
            "organization": gusu_org.pk,
            "candidate_name": "赵六",
            "role": "legal_representative",
            "result": "passed",
        },
    )
    assert LeaderReview.objects.get().reviewed_by == party_officer_city
    assert "赵六" in client.get("/party/reviews/").content.decode()
    client.post(
        "/party/stations/",
        {
            "name": "党建工作站",
            "region": "320508",
            "organizations": [gusu_org.pk],
            "funding-year": 2025,
            "funding-amount": "100000",
        },
    )
    station = WorkStation.objects.get()
    assert station.funding.get().amount == 100000
    client.post(
        f"/party/stations/{station.pk}/",
        {
            "form": "activity",
            "date": "2026-01-03",
            "title": "联建活动",
            "participants": 20,
            "organizations": [gusu_org.pk],
        },
    )
    assert "联建活动" in client.get(f"/party/stations/{station.pk}/").content.decode()


@pytest.mark.parametrize("rows", [10, 100])
def test_page_queries_do_not_grow(party_officer_city, rows, django_assert_max_num_queries):
    root = make_node("两新工委", "work_committee", "3205", formal_members=0)
    for index in range(rows):
        organization = make_org("320508")
        make_node(f"支部{index}", "branch", "320508", parent=root, organizations=[organization])
        instructor = make_instructor(f"指导员{index}", organizations=[make_org("320506")])
        Visit.objects.create(
            instructor=instructor, organization=organization, visited_on=date(2026, 1, 1), content="x"
        )
        registry_event.send(Organization, event="established", organization=organization, actor=None, data={})
        SecretaryReport.objects.create(
            party_organization=PartyOrganization.objects.last(), year=2025, content="x"
        )
    client = browser(party_officer_city)
    client.get("/party/")  # warm the session and the access cache
    budgets = {
        "/party/": 10,
        f"/party/tree/{root.pk}/children/": 12,
        f"/party/nodes/{root.pk}/": 16,
        "/party/coverage/": 8,
        "/party/coverage/worklists/should-build/": 4,
        "/party/coverage/worklists/uncovered/": 4,
        "/party/coverage/worklists/idle/": 4,
        "/party/instructors/": 14,
        "/party/reports/": 12,
        "/party/steps/": 12,
        "/party/leaders/": 12,
        "/party/reviews/": 12,
        "/party/stations/": 12,
    }
    for path, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert client.get(path).status_code == 200, path


def test_coverage_page_shows_the_cross_appointment_rate(party_officer_city):
    from party_building.models import OrganizationLeader

    with_secretary = make_org("320508", name="书记进班子协会")
    other = make_org("320508", name="未交叉任职协会")
    make_node("甲支部", "branch", "320508", organizations=[with_secretary], secretary="周书记")
    make_node("乙支部", "branch", "320508", organizations=[other], secretary="吴书记")
    OrganizationLeader.objects.create(organization=with_secretary, name="周书记", position="director")
    OrganizationLeader.objects.create(organization=other, name="郑会长", position="president")
    response = browser(party_officer_city).get("/party/coverage/", {"region": "320508"})
    assert response.context["total"]["cross_appointment"] == {"numerator": 1, "denominator": 2, "rate": 0.5}
    assert "交叉任职" in response.content.decode()


def test_steps_page_shows_the_share_closed_on_time_per_region(party_officer_city, gusu_org, wuzhong_org):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    for organization in (gusu_org, wuzhong_org):
        registry_event.send(Organization, event="established", organization=organization, actor=None, data={})
    gusu_step = SyncStep.objects.get(organization=gusu_org)
    SyncStep.objects.filter(pk=gusu_step.pk).update(status="done", completed_at=timezone.now())  # on time
    # 吴中's step was due yesterday and is still open: late
    SyncStep.objects.filter(organization=wuzhong_org).update(due_on=today - timedelta(days=1))
    response = browser(party_officer_city).get("/party/steps/")
    on_time = response.context["on_time"]
    assert (on_time["numerator"], on_time["denominator"]) == (1, 2)
    rows = {row["region"]: (row["numerator"], row["denominator"]) for row in on_time["results"]}
    assert rows == {"320508": (1, 1), "320506": (0, 1)}
    assert "50.0%" in response.content.decode()


def test_an_instructor_is_not_offered_the_officers_forms(instructor_user, party_officer_city, gusu_org):
    """An instructor (party:write for their visits) sees no form whose service only an officer may call."""
    make_instructor(user=instructor_user, organizations=[gusu_org])
    node = make_node("支部", "branch", "320508", organizations=[gusu_org])
    registry_event.send(Organization, event="established", organization=gusu_org, actor=None, data={})
    for user, offered in ((instructor_user, False), (party_officer_city, True)):
        client = browser(user)
        pages = {
            "/party/": "/party/nodes/new/",
            f"/party/nodes/{node.pk}/": f"/party/nodes/{node.pk}/edit/",
            "/party/coverage/": "/party/member-records/",
            "/party/steps/": "/complete/",
            "/party/stations/": 'name="funding-amount"',
        }
        for path, marker in pages.items():
            response = client.get(path)
            assert response.status_code == 200, path
            assert (marker in response.content.decode()) is offered, (user.username, path)


def test_station_list_adds_up_equal_yearly_amounts(party_officer_city, gusu_org, wuzhong_org):
    from decimal import Decimal

    from party_building.models import WorkStationFunding

    station = WorkStation.objects.create(name="姑苏党建工作站", region_id="320508")
    station.organizations.set([gusu_org, make_org("320508")])
    for year in (2024, 2025):
        WorkStationFunding.objects.create(station=station, year=year, amount=Decimal("100000.00"))
    response = browser(party_officer_city).get("/party/stations/")
    (row,) = list(response.context["page"])
    assert (row.org_count, row.funding_total) == (2, Decimal("200000.00"))


def test_the_coverage_pages_total_is_the_sum_of_its_regions(party_officer_city):
    from party_building.selectors import coverage

    covered = [make_org("320508", name="姑苏覆盖协会"), make_org("3205", name="市本级覆盖协会")]
    make_org("320506", name="吴中未覆盖协会")
    make_org("3205", name="市本级未覆盖基金会", org_type="foundation")
    make_node("支部", "branch", "3205", organizations=covered, secretary="王书记")
    response = browser(party_officer_city).get("/party/coverage/")
    expected = coverage(user=party_officer_city, region="3205")
    assert response.context["total"] == expected
    assert expected["org_coverage"] == {"numerator": 2, "denominator": 4, "rate": 0.5}


def test_the_coverage_page_counts_by_region_and_type_in_one_pass(party_officer_city):
    """Its rows by region and by type are coverage()'s, from a single pass over the organizations."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from party_building.selectors import coverage

    covered = [make_org("320508", name="姑苏覆盖协会"), make_org("3205", name="市本级覆盖协会")]
    make_org("320506", name="吴中未覆盖协会")
    make_org("3205", name="市本级未覆盖基金会", org_type="foundation")
    make_org("320506", name="吴中社会服务中心", org_type="social_service_agency", category="other")
    make_node("支部", "branch", "3205", organizations=covered, secretary="王书记")
    client = browser(party_officer_city)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/party/coverage/")
    assert response.status_code == 200
    by_region = coverage(user=party_officer_city, region="3205", group_by="region")["results"]
    by_type = coverage(user=party_officer_city, region="3205", group_by="org_type")["results"]
    assert [r["region"] for r in by_region] == ["3205", "320506", "320508"]
    assert response.context["by_region"] == by_region
    assert [(r["org_type"], r["org_coverage"]["denominator"]) for r in response.context["by_type"]] == [
        ("foundation", 1),
        ("social_group", 3),
        ("social_service_agency", 1),
    ]
    assert [{k: v for k, v in r.items() if k != "label"} for r in response.context["by_type"]] == by_type
    passes = [q["sql"] for q in captured if "FILTER (WHERE" in q["sql"]]
    assert len(passes) == 1
