"""The whole path through the API: draft → submit → unit review → bureau result, and each return."""

import pytest

from orgs.hooks import Event, registry_event
from orgs.models import AnnualReport, ReportReview
from tests.factories import as_token, as_user

from .conftest import FIGURES, YEAR, make_report, pdf

URL = "/api/v1/annual-reports/"


def _file(client, payload=None):
    response = client.post(URL, {"year": YEAR, **(payload or FIGURES)}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _attach_and_submit(client, pk):
    response = client.post(f"{URL}{pk}/attachment/", {"file": pdf()}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["audited_statement"]
    response = client.post(f"{URL}{pk}/submit/")
    assert response.status_code == 200, response.json()
    return response.json()


def test_whole_path_with_a_supervising_unit(org_user, unit_staff, registrar_gusu, gusu_org):
    events = []

    def listener(sender, event, **kwargs):
        events.append(event)

    registry_event.connect(listener)
    try:
        org = as_user(org_user)
        data = _file(org)
        assert data["status"] == "draft" and data["organization"] == gusu_org.pk
        assert org.patch(f"{URL}{data['id']}/", {"staff": 9}, format="json").json()["staff"] == 9
        assert _attach_and_submit(org, data["id"])["status"] == "submitted"
        # Read-only after submission.
        assert org.patch(f"{URL}{data['id']}/", {"staff": 1}, format="json").status_code == 409
        assert org.post(f"{URL}{data['id']}/submit/").status_code == 409

        # The bureau cannot decide before the unit.
        response = as_user(registrar_gusu).post(f"{URL}{data['id']}/review/", {"decision": "qualified"})
        assert response.status_code == 409
        response = as_user(unit_staff).post(f"{URL}{data['id']}/review/", {"decision": "qualified"})
        assert response.status_code == 400 and "decision" in response.json()
        response = as_user(unit_staff).post(
            f"{URL}{data['id']}/review/", {"decision": "pass", "comment": "好"}
        )
        assert response.status_code == 200 and response.json()["status"] == "unit_reviewed"
        assert as_user(unit_staff).post(f"{URL}{data['id']}/review/", {"decision": "pass"}).status_code == 409

        response = as_user(registrar_gusu).post(
            f"{URL}{data['id']}/review/", {"decision": "basically_qualified"}
        )
        assert response.status_code == 200
        assert response.json()["status"] == "accepted" and response.json()["result"] == "basically_qualified"
        assert (
            as_user(registrar_gusu)
            .post(f"{URL}{data['id']}/review/", {"decision": "return", "comment": "x"})
            .status_code
            == 409
        )
    finally:
        registry_event.disconnect(listener)
    steps = list(
        ReportReview.objects.filter(report_id=data["id"]).values_list("step", "decision", "actor__username")
    )
    assert steps == [
        ("submit", "submit", "org_user"),
        ("unit", "pass", "unit_staff"),
        ("bureau", "basically_qualified", "registrar_gusu"),
    ]
    assert Event.REPORT_ACCEPTED in events


def test_without_a_unit_the_bureau_reviews_at_once(no_unit_user, no_unit_org, registrar_gusu, unit_staff):
    client = as_user(no_unit_user)
    data = _file(client)
    _attach_and_submit(client, data["id"])
    assert as_user(unit_staff).post(f"{URL}{data['id']}/review/", {"decision": "pass"}).status_code == 404
    response = as_user(registrar_gusu).post(f"{URL}{data['id']}/review/", {"decision": "unqualified"})
    assert response.status_code == 200 and response.json()["result"] == "unqualified"


def test_unit_returns_then_the_organization_corrects_and_resubmits(org_user, unit_staff, gusu_org):
    report = make_report(gusu_org, org_user, status="submitted")
    staff = as_user(unit_staff)
    response = staff.post(f"{URL}{report.pk}/review/", {"decision": "return"})
    assert response.status_code == 400 and "comment" in response.json()
    response = staff.post(f"{URL}{report.pk}/review/", {"decision": "return", "comment": "会员数有误"})
    assert response.status_code == 200 and response.json()["status"] == "returned"
    org = as_user(org_user)
    assert org.patch(f"{URL}{report.pk}/", {"members_unit": 121}, format="json").status_code == 200
    assert org.post(f"{URL}{report.pk}/submit/").json()["status"] == "submitted"


def test_bureau_returns(org_user, registrar_gusu, gusu_org):
    report = make_report(gusu_org, org_user, status="unit_reviewed")
    response = as_user(registrar_gusu).post(
        f"{URL}{report.pk}/review/", {"decision": "return", "comment": "补充审计报告"}
    )
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert ReportReview.objects.filter(
        report=report, step="bureau", decision="return", comment="补充审计报告"
    ).exists()


def test_a_draft_cannot_be_reviewed(report, registrar_gusu, unit_staff):
    # A draft is the organization's own: reviewers do not even see it.
    assert as_user(unit_staff).post(f"{URL}{report.pk}/review/", {"decision": "pass"}).status_code == 404


def test_accepted_report_cannot_be_reviewed_again(org_user, gusu_org, registrar_gusu):
    report = make_report(gusu_org, org_user, status="accepted")
    response = as_user(registrar_gusu).post(f"{URL}{report.pk}/review/", {"decision": "qualified"})
    assert response.status_code == 409


def test_a_system_token_files_for_organizations_of_its_region(gusu_org, wuzhong_org):
    client = as_token(scopes=["reports:read", "reports:write"], region="320508")
    response = client.post(URL, {"organization": gusu_org.pk, "year": YEAR, **FIGURES}, format="json")
    assert response.status_code == 201, response.json()
    response = client.post(URL, {"organization": wuzhong_org.pk, "year": YEAR, **FIGURES}, format="json")
    assert response.status_code == 400 and "organization" in response.json()
    assert client.post(URL, {"year": YEAR}, format="json").status_code == 400
    read_only = as_token(scopes=["reports:read"], region="320508")
    assert (
        read_only.post(URL, {"organization": gusu_org.pk, "year": YEAR - 1}, format="json").status_code == 403
    )


def test_filters(org_user, gusu_org, registrar_city, wuzhong_org, other_org_user):
    make_report(gusu_org, org_user, status="submitted")
    make_report(wuzhong_org, other_org_user, status="submitted", year=YEAR - 1)
    client = as_user(registrar_city)
    assert len(client.get(URL).json()["results"]) == 2
    assert [r["organization"] for r in client.get(URL, {"region": "320506"}).json()["results"]] == [
        wuzhong_org.pk
    ]
    assert [r["year"] for r in client.get(URL, {"year": YEAR}).json()["results"]] == [YEAR]
    assert client.get(URL, {"status": "accepted"}).json()["results"] == []
    assert len(client.get(URL, {"organization": gusu_org.pk}).json()["results"]) == 1
    assert client.get(URL, {"updated_since": "2999-01-01T00:00:00Z"}).json()["results"] == []
    assert client.get(URL, {"region": "32x"}).status_code == 400


def test_schema_documents_the_endpoints(registrar_city):
    response = as_user(registrar_city).get("/api/schema/", {"format": "json"})
    paths = response.json()["paths"]
    for path in (
        "/api/v1/annual-reports/", "/api/v1/annual-reports/{id}/submit/", "/api/v1/annual-reports/{id}/review/",
        "/api/v1/annual-reports/{id}/attachment/", "/api/v1/ratings/", "/api/v1/credit-list-entries/{id}/remove/",
        "/api/v1/public/organizations/", "/api/v1/public/organizations/{id}/",
    ):  # fmt: skip
        assert path in paths, path
    assert (
        "multipart/form-data"
        in paths["/api/v1/annual-reports/{id}/attachment/"]["post"]["requestBody"]["content"]
    )


@pytest.mark.parametrize("status", ["draft", "submitted", "unit_reviewed", "accepted", "returned"])
def test_every_state_can_be_reached(status, org_user, gusu_org):
    assert make_report(gusu_org, org_user, status=status).status == status
    assert AnnualReport.objects.get().status == status
