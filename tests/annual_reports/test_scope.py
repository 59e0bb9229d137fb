"""Who must NOT see or touch what."""

from tests.factories import as_user, make_person

from .conftest import YEAR, make_report

URL = "/api/v1/annual-reports/"


def test_an_organization_cannot_see_or_touch_another_ones_report(org_user, other_org_user, report):
    other = as_user(other_org_user)
    assert other.get(f"{URL}{report.pk}/").status_code == 404
    assert other.patch(f"{URL}{report.pk}/", {"staff": 1}, format="json").status_code == 404
    assert other.post(f"{URL}{report.pk}/submit/").status_code == 404
    assert other.get(URL).json()["results"] == []
    assert other.post(f"{URL}{report.pk}/review/", {"decision": "pass"}).status_code == 403


def test_an_organization_cannot_review_its_own_report(org_user, gusu_org):
    report = make_report(gusu_org, org_user, status="submitted")
    assert as_user(org_user).post(f"{URL}{report.pk}/review/", {"decision": "pass"}).status_code == 403


def test_a_unit_cannot_review_another_units_report(org_user, gusu_org, other_unit_staff):
    report = make_report(gusu_org, org_user, status="submitted")
    client = as_user(other_unit_staff)
    assert client.get(f"{URL}{report.pk}/").status_code == 404
    assert client.post(f"{URL}{report.pk}/review/", {"decision": "pass"}).status_code == 404


def test_unit_staff_cannot_file(unit_staff, gusu_org):
    response = as_user(unit_staff).post(URL, {"organization": gusu_org.pk, "year": YEAR}, format="json")
    assert response.status_code == 403


def test_a_district_registrar_cannot_review_outside_the_district(org_user, gusu_org, registrar_wuzhong):
    report = make_report(gusu_org, org_user, status="unit_reviewed")
    client = as_user(registrar_wuzhong)
    assert client.get(f"{URL}{report.pk}/").status_code == 404
    assert client.post(f"{URL}{report.pk}/review/", {"decision": "qualified"}).status_code == 404


def test_staff_without_the_registrar_role_cannot_decide(
    org_user, gusu_org, statistician_city, supervisor_city
):
    report = make_report(gusu_org, org_user, status="unit_reviewed")
    assert (
        as_user(statistician_city).post(f"{URL}{report.pk}/review/", {"decision": "qualified"}).status_code
        == 403
    )
    assert (
        as_user(supervisor_city).post(f"{URL}{report.pk}/review/", {"decision": "qualified"}).status_code
        == 403
    )


def test_drafts_are_hidden_from_reviewers(report, registrar_city, unit_staff):
    assert as_user(registrar_city).get(URL).json()["results"] == []
    assert as_user(unit_staff).get(f"{URL}{report.pk}/").status_code == 404


def test_anonymous_gets_401(report):
    assert as_user(None).get(URL).status_code == 401


def test_ratings_and_entries_are_scoped(gusu_org, wuzhong_org, registrar_gusu, registrar_wuzhong):
    client = as_user(registrar_gusu)
    assert (
        client.post(
            "/api/v1/ratings/", {"organization": gusu_org.pk, "grade": 4, "awarded_on": "2024-03-01"}
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/ratings/", {"organization": wuzhong_org.pk, "grade": 4, "awarded_on": "2024-03-01"}
        ).status_code
        == 400
    )
    assert as_user(registrar_wuzhong).get("/api/v1/ratings/").json()["results"] == []
    entry = client.post(
        "/api/v1/credit-list-entries/", {"organization": gusu_org.pk, "list": "abnormal", "reason": "失联"}
    ).json()
    assert (
        as_user(registrar_wuzhong)
        .post(f"/api/v1/credit-list-entries/{entry['id']}/remove/", {"removal_reason": "x"})
        .status_code
        == 404
    )
    unit = make_person("reader", kind="unit", unit=gusu_org.supervising_unit)
    assert (
        as_user(unit)
        .post("/api/v1/ratings/", {"organization": gusu_org.pk, "grade": 4, "awarded_on": "2024-03-01"})
        .status_code
        == 403
    )


def test_each_role_has_its_own_queue(
    client, org_user, gusu_org, no_unit_org, no_unit_user, unit_staff, other_unit_staff, registrar_gusu,
    registrar_wuzhong, statistician_city,
):  # fmt: skip
    from datetime import timedelta

    from django.utils import timezone

    from orgs.models import AnnualReport

    older = make_report(gusu_org, org_user, year=YEAR - 1, status="submitted")
    newer = make_report(gusu_org, org_user, status="submitted")
    AnnualReport.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=3))
    without_unit = make_report(no_unit_org, no_unit_user, status="submitted")

    def queue(user):
        client.force_login(user)
        response = client.get("/annual-reports/queue/")
        return response.status_code, [row.record.pk for row in response.context["table"].rows] if (
            response.status_code == 200
        ) else None

    assert queue(unit_staff) == (200, [older.pk, newer.pk])  # oldest first
    assert queue(other_unit_staff) == (200, [])
    assert queue(registrar_gusu) == (200, [without_unit.pk])  # the unit has not passed the others yet
    assert queue(registrar_wuzhong) == (200, [])
    assert queue(statistician_city)[0] == 403
