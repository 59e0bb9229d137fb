"""述职, the leader-candidate review, the six synchronous steps, instructors and their scope, work stations."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from orgs.hooks import Event, registry_event
from orgs.models import Organization
from party_building.models import LeaderReview, SecretaryReport, SyncStep, SyncStepRule
from tests.factories import as_user, id_number_for, make_org, make_person

from .conftest import make_instructor, make_node

REPORTS = "/api/v1/secretary-reports/"
REVIEWS = "/api/v1/leader-reviews/"
STEPS = "/api/v1/sync-steps/"


# 述职


@pytest.fixture
def gusu_branch(industry_committee):
    """A branch in 姑苏 whose parent (the industry committee) sits at city level."""
    return make_node("丝绸协会党支部", "branch", "320508", parent=industry_committee, secretary="王书记")


def test_secretary_report_path_and_evaluation_by_the_level_above_only(
    party_officer_gusu, party_officer_city, gusu_branch
):
    district = as_user(party_officer_gusu)
    created = district.post(REPORTS, {"party_organization": gusu_branch.pk, "year": 2025}, format="json")
    assert created.status_code == 201, created.json()
    report_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    empty = district.post(f"{REPORTS}{report_id}/submit/")
    assert empty.status_code == 400 and "content" in empty.json()
    district.patch(f"{REPORTS}{report_id}/", {"content": "全年组织生活会4次……"}, format="json")
    assert district.post(f"{REPORTS}{report_id}/submit/").json()["status"] == "submitted"
    assert district.patch(f"{REPORTS}{report_id}/", {"content": "改"}, format="json").status_code == 409

    # the district officer is not the level above a branch under a city industry committee
    refused = district.post(f"{REPORTS}{report_id}/evaluate/", {"grade": "good"}, format="json")
    assert refused.status_code == 403
    city = as_user(party_officer_city)
    returned = city.post(f"{REPORTS}{report_id}/return/", {"comment": "缺少问题清单"}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "draft"
    assert returned.json()["comment"] == "缺少问题清单"
    district.post(f"{REPORTS}{report_id}/submit/")
    bad_grade = city.post(f"{REPORTS}{report_id}/evaluate/", {"grade": "excellent"}, format="json")
    assert bad_grade.status_code == 400 and "grade" in bad_grade.json()
    evaluated = city.post(
        f"{REPORTS}{report_id}/evaluate/", {"grade": "fairly_good", "comment": "较好"}, format="json"
    )
    assert evaluated.status_code == 200
    assert evaluated.json() | {"updated_at": None} == {
        "id": report_id,
        "party_organization": gusu_branch.pk,
        "year": 2025,
        "content": "全年组织生活会4次……",
        "status": "evaluated",
        "grade": "fairly_good",
        "comment": "较好",
        "updated_at": None,
    }
    again = city.post(f"{REPORTS}{report_id}/evaluate/", {"grade": "good"}, format="json")
    assert again.status_code == 409
    assert SecretaryReport.objects.get().evaluated_by == party_officer_city


def test_a_node_under_a_district_parent_is_evaluated_by_the_district(
    party_officer_gusu, party_officer_wuzhong
):
    parent = make_node("姑苏区综合党委", "industry_committee", "320508", formal_members=0)
    branch = make_node("支部", "branch", "320508", parent=parent)
    report = SecretaryReport.objects.create(
        party_organization=branch, year=2025, content="x", status="submitted"
    )
    assert (
        as_user(party_officer_wuzhong).post(f"{REPORTS}{report.pk}/evaluate/", {"grade": "good"}).status_code
        == 404
    )
    assert (
        as_user(party_officer_gusu).post(f"{REPORTS}{report.pk}/evaluate/", {"grade": "good"}).status_code
        == 200
    )


def test_one_report_per_year(party_officer_city, gusu_branch):
    client = as_user(party_officer_city)
    client.post(REPORTS, {"party_organization": gusu_branch.pk, "year": 2025}, format="json")
    second = client.post(REPORTS, {"party_organization": gusu_branch.pk, "year": 2025}, format="json")
    assert second.status_code == 400 and "year" in second.json()


# Leader-candidate review blocks the registry's PATCH


def test_leader_review_blocks_a_change_of_legal_representative_until_passed(
    registrar_gusu, party_officer_city, gusu_org
):
    registry = as_user(registrar_gusu)
    url = f"/api/v1/organizations/{gusu_org.pk}/"
    candidate_id = id_number_for("320508")
    missing = registry.patch(url, {"legal_representative": "赵六"}, format="json")
    assert missing.status_code == 400
    assert "legal_representative" in missing.json()
    assert "赵六" in missing.json()["legal_representative"][0]

    officer = as_user(party_officer_city)
    failed = officer.post(
        REVIEWS,
        {
            "organization": gusu_org.pk,
            "candidate_name": "赵六",
            "candidate_id_number": candidate_id,
            "role": "legal_representative",
            "result": "failed",
            "comment": "不符合条件",
        },
        format="json",
    )
    assert failed.status_code == 201, failed.json()
    blocked = registry.patch(url, {"legal_representative": "赵六"}, format="json")
    assert blocked.status_code == 400 and "legal_representative" in blocked.json()
    gusu_org.refresh_from_db()
    assert gusu_org.legal_representative == "张三"

    officer.post(
        REVIEWS,
        {
            "organization": gusu_org.pk,
            "candidate_name": "赵六",
            "candidate_id_number": candidate_id,
            "role": "legal_representative",
            "result": "passed",
        },
        format="json",
    )
    other_id = registry.patch(
        url,
        {"legal_representative": "赵六", "legal_representative_id_number": id_number_for("320508")},
        format="json",
    )
    assert other_id.status_code == 400  # a different person of the same name was not reviewed
    passed = registry.patch(
        url, {"legal_representative": "赵六", "legal_representative_id_number": candidate_id}, format="json"
    )
    assert passed.status_code == 200, passed.json()
    assert Organization.objects.get(pk=gusu_org.pk).legal_representative == "赵六"
    # and the change of leader created its synchronous step
    assert SyncStep.objects.filter(organization=gusu_org, event="leader_changed").count() == 1


def test_only_a_party_officer_records_a_review(instructor_user, registrar_city, gusu_org):
    payload = {"organization": gusu_org.pk, "candidate_name": "赵六", "role": "president", "result": "passed"}
    assert as_user(instructor_user).post(REVIEWS, payload, format="json").status_code == 403
    assert as_user(registrar_city).post(REVIEWS, payload, format="json").status_code == 403
    assert not LeaderReview.objects.exists()


def test_a_new_president_waits_for_a_passed_review(party_officer_city, gusu_org):
    client = as_user(party_officer_city)
    payload = {"organization": gusu_org.pk, "name": "孙七", "position": "president", "is_party_member": True}
    refused = client.post("/api/v1/organization-leaders/", payload, format="json")
    assert refused.status_code == 400 and "name" in refused.json()
    client.post(
        REVIEWS,
        {"organization": gusu_org.pk, "candidate_name": "孙七", "role": "president", "result": "passed"},
        format="json",
    )
    assert client.post("/api/v1/organization-leaders/", payload, format="json").status_code == 201


# Six synchronous steps


@pytest.mark.parametrize(
    ("event", "step"),
    [
        (Event.ESTABLISHED, "collect_party_members"),
        (Event.CHARTER_CHANGED, "check_charter_clause"),
        (Event.LEADER_CHANGED, "leader_candidate_review"),
        (Event.REPORT_ACCEPTED, "annual_report_party_section"),
        (Event.RATING_AWARDED, "rating_party_work"),
        (Event.DEREGISTERED, "party_org_transfer_or_dissolution"),
    ],
)
def test_each_registry_event_creates_its_step(party_officer_city, gusu_org, event, step):
    registry_event.send(Organization, event=event, organization=gusu_org, actor=None, data={})
    created = SyncStep.objects.get(organization=gusu_org)
    assert (created.event, created.step, created.status) == (event, step, "open")
    assert created.region_id == "320508"
    assert created.due_on == timezone.localdate() + timedelta(days=30)
    rows = as_user(party_officer_city).get(STEPS, {"event": event}).json()["results"]
    assert [r["step"] for r in rows] == [step]


def test_which_step_belongs_to_which_event_is_data(gusu_org):
    SyncStepRule.objects.create(event="rating_awarded", step="extra_check", title="额外检查")
    registry_event.send(Organization, event="rating_awarded", organization=gusu_org, actor=None, data={})
    assert set(SyncStep.objects.values_list("step", flat=True)) == {"rating_party_work", "extra_check"}


def test_registry_changes_send_their_events(registrar_gusu, gusu_org):
    registry = as_user(registrar_gusu)
    registry.patch(f"/api/v1/organizations/{gusu_org.pk}/", {"phone": "0512-1"}, format="json")
    assert not SyncStep.objects.exists()
    gusu_org.charter = "第一条……"
    registry.post(
        f"/api/v1/organizations/{gusu_org.pk}/change-status/", {"status": "deregistered"}, format="json"
    )
    assert list(SyncStep.objects.values_list("event", flat=True)) == ["deregistered"]


def test_officer_completes_a_step(party_officer_city, party_officer_wuzhong, gusu_org):
    registry_event.send(Organization, event="established", organization=gusu_org, actor=None, data={})
    step = SyncStep.objects.get()
    assert (
        as_user(party_officer_wuzhong).post(f"{STEPS}{step.pk}/complete/", {"status": "done"}).status_code
        == 404
    )
    client = as_user(party_officer_city)
    no_note = client.post(f"{STEPS}{step.pk}/complete/", {"status": "not_applicable"}, format="json")
    assert no_note.status_code == 400 and "note" in no_note.json()
    bad = client.post(f"{STEPS}{step.pk}/complete/", {"status": "open"}, format="json")
    assert bad.status_code == 400 and "status" in bad.json()
    done = client.post(f"{STEPS}{step.pk}/complete/", {"status": "done", "note": "已收集"}, format="json")
    assert done.status_code == 200 and done.json()["on_time"] is True
    assert client.post(f"{STEPS}{step.pk}/complete/", {"status": "done"}, format="json").status_code == 409
    assert client.get(STEPS, {"status": "done"}).json()["results"][0]["id"] == step.pk


# Instructors


def test_instructor_sees_only_the_organizations_of_their_current_assignments(
    instructor_user, gusu_org, wuzhong_org
):
    ended = make_org("320508")
    instructor = make_instructor(user=instructor_user, organizations=[gusu_org])
    from party_building.models import Assignment

    Assignment.objects.create(
        instructor=instructor, organization=ended, from_date=date(2020, 1, 1), to_date=date(2021, 1, 1)
    )
    client = as_user(instructor_user)
    ids = {o["id"] for o in client.get("/api/v1/organizations/").json()["results"]}
    assert ids == {gusu_org.pk}
    assert client.get(f"/api/v1/organizations/{wuzhong_org.pk}/").status_code == 404
    visit = client.post(
        "/api/v1/instructor-visits/",
        {
            "instructor": instructor.pk,
            "organization": gusu_org.pk,
            "visited_on": "2026-01-05",
            "content": "指导组织生活",
        },
        format="json",
    )
    assert visit.status_code == 201, visit.json()
    elsewhere = client.post(
        "/api/v1/instructor-visits/",
        {
            "instructor": instructor.pk,
            "organization": wuzhong_org.pk,
            "visited_on": "2026-01-05",
            "content": "x",
        },
        format="json",
    )
    assert elsewhere.status_code == 400 and "organization" in elsewhere.json()
    other = make_instructor("别人")
    not_mine = client.post(
        "/api/v1/instructor-visits/",
        {"instructor": other.pk, "organization": gusu_org.pk, "visited_on": "2026-01-05", "content": "x"},
        format="json",
    )
    assert not_mine.status_code == 404
    assert [i["id"] for i in client.get("/api/v1/party-instructors/").json()["results"]] == [instructor.pk]


def test_officer_creates_an_instructor_with_assignments(party_officer_city, registrar_city, gusu_org):
    payload = {
        "name": "周指导",
        "unit": "姑苏区委组织部",
        "region": "320508",
        "phone": "13800001111",
        "assignments": [{"organization": gusu_org.pk, "from_date": "2025-03-01", "to_date": None}],
    }
    response = as_user(party_officer_city).post("/api/v1/party-instructors/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["assignments"] == [
        {"organization": gusu_org.pk, "from_date": "2025-03-01", "to_date": None}
    ]
    assert response.json()["phone"] == "13800001111"
    reader = make_person("stat", kind="staff", region_code="3205", roles=["statistician"])
    masked = as_user(reader).get(f"/api/v1/party-instructors/{response.json()['id']}/").json()
    assert masked["phone"] == "138****1111"


@pytest.mark.parametrize("rows", [10, 100])
def test_instructor_and_visit_lists_do_not_grow(party_officer_city, rows, django_assert_max_num_queries):
    organizations = [make_org("320508") for _ in range(rows)]
    for index, organization in enumerate(organizations):
        instructor = make_instructor(f"指导员{index}", organizations=[organization])
        instructor.visits.create(organization=organization, visited_on=date(2026, 1, 1), content="x")
    client = as_user(party_officer_city)
    with django_assert_max_num_queries(5):
        assert len(client.get("/api/v1/party-instructors/", {"page_size": 200}).json()["results"]) == rows
    with django_assert_max_num_queries(5):
        assert len(client.get("/api/v1/instructor-visits/", {"page_size": 200}).json()["results"]) == rows
    with django_assert_max_num_queries(5):
        for _ in range(1):
            client.get("/api/v1/party/worklists/idle-instructors/", {"page_size": 200})


# Work stations


def test_work_station_with_funding(party_officer_city, gusu_org, wuzhong_org):
    client = as_user(party_officer_city)
    response = client.post(
        "/api/v1/work-stations/",
        {
            "name": "姑苏区社会组织党建工作站",
            "region": "320508",
            "organizations": [gusu_org.pk],
            "funding": [{"year": 2025, "amount": "100000.00"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["funding"] == [{"year": 2025, "amount": "100000.00"}]
    outside = client.post(
        "/api/v1/work-stations/",
        {"name": "x", "region": "320508", "organizations": [wuzhong_org.pk]},
        format="json",
    )
    assert outside.status_code == 400 and "organizations" in outside.json()
    negative = client.post(
        "/api/v1/work-stations/",
        {"name": "y", "region": "320508", "funding": [{"year": 2025, "amount": "-1"}]},
        format="json",
    )
    assert negative.status_code == 400 and "funding" in negative.json()
