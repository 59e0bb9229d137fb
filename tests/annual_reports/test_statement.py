"""The audited financial statement is private: served only through scoped views, never by a guessable URL."""

from django.test import Client

from orgs.annual_reports import services
from tests.factories import as_user

from .conftest import PDF_BYTES, make_report, pdf

URL = "/api/v1/annual-reports/"


def _page(user, report):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"/annual-reports/{report.pk}/statement.pdf")


def test_the_organization_downloads_its_statement(org_user, report):
    report = services.annual_report_attach(actor=org_user, report=report, upload=pdf("审计报告.pdf"))
    assert report.statement_filename == "审计报告.pdf"
    # A random folder in the stored path: the file's location cannot be guessed from the year and the id.
    folder = report.audited_statement.name.split("/")[-2]
    assert len(folder) == 32 and folder not in (str(report.year), str(report.organization_id))
    response = _page(org_user, report)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Cache-Control"] == "private, no-store"
    data = as_user(org_user).get(f"{URL}{report.pk}/").json()
    assert data["audited_statement"].endswith(f"{URL}{report.pk}/statement/")
    api = as_user(org_user).get(f"{URL}{report.pk}/statement/")
    assert api.status_code == 200 and b"".join(api.streaming_content) == PDF_BYTES


def test_nobody_else_gets_it(
    org_user, other_org_user, unit_staff, other_unit_staff, registrar_wuzhong, report
):
    services.annual_report_attach(actor=org_user, report=report, upload=pdf())
    # A draft is the organization's own: not even its unit or its bureau sees the statement yet.
    for user in (other_org_user, unit_staff, other_unit_staff, registrar_wuzhong):
        assert _page(user, report).status_code == 404, user
        assert as_user(user).get(f"{URL}{report.pk}/statement/").status_code == 404, user
    anonymous = _page(None, report)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert Client().get(f"{URL}{report.pk}/statement/").status_code == 401


def test_reviewers_get_it_once_submitted(org_user, gusu_org, unit_staff, registrar_gusu, other_unit_staff):
    report = make_report(gusu_org, org_user, status="submitted")
    assert _page(unit_staff, report).status_code == 200
    assert _page(registrar_gusu, report).status_code == 200
    assert _page(other_unit_staff, report).status_code == 404
    review = Client()
    review.force_login(registrar_gusu)
    body = review.get(f"/annual-reports/queue/{report.pk}/").content.decode()
    assert f"/annual-reports/{report.pk}/statement.pdf" in body and "/media/" not in body


def test_no_statement_is_404(org_user, report):
    assert _page(org_user, report).status_code == 404
    assert as_user(org_user).get(f"{URL}{report.pk}/").json()["audited_statement"] is None
    assert as_user(org_user).get(f"{URL}{report.pk}/statement/").status_code == 404
