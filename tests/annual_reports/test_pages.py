"""The pages: an organization files in sections (htmx), errors beside fields, submits; reviewers decide."""

import re

import pytest

from orgs.annual_reports import services
from orgs.models import AnnualReport, ReportReview

from .conftest import FIGURES, YEAR, make_report, pdf


def _section_data(section, **changes):
    from orgs.models.annual_reports import REPORT_SECTIONS

    values = {
        **{name: 0 for name in REPORT_SECTIONS[section]},
        **{k: v for k, v in FIGURES.items() if k in REPORT_SECTIONS[section]},
        **changes,
    }
    return {f"{section}-{name}": value for name, value in values.items()}


def test_my_home_shows_the_task_and_the_deadline(client, org_user):
    client.force_login(org_user)
    response = client.get("/my/")
    assert response.status_code == 200
    assert response.context["year"] == YEAR
    assert 'data-testid="days-left"' in response.content.decode() or response.context["days_left"] < 0


def test_filing_in_sections_with_htmx(client, org_user, gusu_org):
    client.force_login(org_user)
    assert client.get(f"/my/annual-reports/{YEAR}/").status_code == 200
    assert client.post(f"/my/annual-reports/{YEAR}/").status_code == 302
    report = AnnualReport.objects.get(organization=gusu_org, year=YEAR)
    url = f"/my/annual-reports/{YEAR}/sections/outcomes/"
    response = client.post(url, _section_data("outcomes", graduate_jobs=99), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="graduate_jobs"' in body and "is-invalid" in body
    report.refresh_from_db()
    assert report.graduate_jobs == 0
    response = client.post(url, _section_data("outcomes"), HTTP_HX_REQUEST="true")
    assert 'data-testid="saved"' in response.content.decode()
    for section in ("members", "people", "finances"):
        client.post(
            f"/my/annual-reports/{YEAR}/sections/{section}/", _section_data(section), HTTP_HX_REQUEST="true"
        )
    report.refresh_from_db()
    assert report.graduate_jobs == FIGURES["graduate_jobs"] and report.members_unit == FIGURES["members_unit"]

    # Submit without the statement: the error is beside the attachment field.
    response = client.post(f"/my/annual-reports/{YEAR}/submit/")
    assert response.status_code == 400 and 'data-field="audited_statement"' in response.content.decode()
    response = client.post(f"/my/annual-reports/{YEAR}/attachment/", {"audited_statement": pdf()})
    assert response.status_code == 302
    assert client.post(f"/my/annual-reports/{YEAR}/submit/").status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    # Read-only now: the form redirects to the printable report; a section post is refused.
    assert client.get(f"/my/annual-reports/{YEAR}/").url == f"/annual-reports/{report.pk}/"
    client.post(url, _section_data("outcomes", staff=1))
    report.refresh_from_db()
    assert report.status == "submitted"
    assert client.get(f"/annual-reports/{report.pk}/").status_code == 200


def test_negative_values_are_shown_beside_the_field(client, org_user, report):
    client.force_login(org_user)
    response = client.post(
        f"/my/annual-reports/{YEAR}/sections/people/",
        _section_data("people", staff=-3),
        HTTP_HX_REQUEST="true",
    )
    assert 'data-field="staff"' in response.content.decode()


def test_pages_are_for_the_right_people(client, org_user, registrar_city, unit_staff, report):
    client.force_login(registrar_city)
    assert client.get("/my/").status_code == 403
    assert client.get(f"/annual-reports/{report.pk}/").status_code == 404  # a draft
    client.force_login(org_user)
    # "Annual reports" in the navigation takes an organization to its own page, a unit to its queue;
    # the overview itself, its export and the import stay closed to them.
    assert client.get("/annual-reports/")["Location"] == "/my/"
    assert client.get("/annual-reports/export.xlsx").status_code == 403
    assert client.get("/annual-reports/import/").status_code == 403
    assert client.get("/annual-reports/queue/").status_code == 403
    rating = {"credit_code": report.organization.credit_code, "grade": 5, "awarded_on": "2024-01-01"}
    assert client.post("/ratings/", rating).status_code == 403
    assert not report.organization.ratings.exists()
    client.force_login(unit_staff)
    assert client.get("/annual-reports/")["Location"] == "/annual-reports/queue/"
    assert client.get("/annual-reports/export.xlsx").status_code == 403
    assert client.get("/annual-reports/import/").status_code == 403
    assert client.get("/annual-reports/queue/").status_code == 200


def test_review_through_the_pages(client, org_user, gusu_org, unit_staff, registrar_gusu, other_unit_staff):
    report = make_report(gusu_org, org_user, year=YEAR - 1, status="accepted")
    current = make_report(gusu_org, org_user, status="submitted", members_unit=150)
    client.force_login(other_unit_staff)
    assert client.get(f"/annual-reports/queue/{current.pk}/").status_code == 404
    client.force_login(unit_staff)
    queue = client.get("/annual-reports/queue/")
    assert gusu_org.name in queue.content.decode()
    page = client.get(f"/annual-reports/queue/{current.pk}/")
    assert page.context["previous"] == report
    members = page.context["sections"][0]["rows"][0]
    assert (members["value"], members["before"], members["change"]) == (150, 120, 25)
    response = client.post(f"/annual-reports/queue/{current.pk}/", {"decision": "return"})
    assert response.status_code == 400
    assert (
        client.post(f"/annual-reports/queue/{current.pk}/", {"decision": "pass", "comment": ""}).status_code
        == 302
    )
    client.force_login(registrar_gusu)
    assert client.post(f"/annual-reports/queue/{current.pk}/", {"decision": "qualified"}).status_code == 302
    current.refresh_from_db()
    assert (current.status, current.result) == ("accepted", "qualified")
    assert ReportReview.objects.filter(report=current).count() == 3


def test_returned_report_shows_the_comment(client, org_user, gusu_org):
    make_report(gusu_org, org_user, status="returned")
    client.force_login(org_user)
    response = client.get(f"/my/annual-reports/{YEAR}/")
    assert 'data-testid="returned"' in response.content.decode() and "补充" in response.content.decode()


def test_overview_counts(
    client, registrar_city, org_user, gusu_org, wuzhong_org, other_org_user, no_unit_org
):
    make_report(gusu_org, org_user, status="accepted")
    make_report(wuzhong_org, other_org_user, status="draft")
    client.force_login(registrar_city)
    response = client.get("/annual-reports/", {"year": YEAR})
    counts = response.context["counts"]
    assert (counts["total"], counts["filed"], counts["accepted"], counts["not_filed"]) == (3, 1, 1, 2)
    assert counts["late"] == 2  # the deadline for last year has passed (today is after 31 May)
    response = client.get("/annual-reports/", {"year": YEAR, "state": "late"})
    names = {row.record.name for row in response.context["table"].page.object_list}
    assert names == {wuzhong_org.name, no_unit_org.name}
    response = client.get("/annual-reports/", {"year": YEAR, "region": "320506"})
    assert response.context["counts"]["total"] == 1


@pytest.mark.parametrize("path", ["/ratings/", "/credit-lists/"])
def test_ratings_and_credit_pages(client, registrar_gusu, gusu_org, path):
    client.force_login(registrar_gusu)
    assert client.get(path).status_code == 200
    if path == "/ratings/":
        response = client.post(
            path, {"credit_code": gusu_org.credit_code, "grade": 5, "awarded_on": "2024-05-01"}
        )
        assert response.status_code == 302 and gusu_org.ratings.get().grade == 5
        response = client.post(
            path, {"credit_code": "51320000MJ0000000X", "grade": 5, "awarded_on": "2024-05-01"}
        )
        assert response.status_code == 400 and response.context["form"].errors["credit_code"]
    else:
        response = client.post(
            path,
            {
                "credit_code": gusu_org.credit_code,
                "list": "abnormal",
                "reason_code": "other",
                "reason": "失联",
            },
        )
        assert response.status_code == 302
        entry = gusu_org.credit_entries.get()
        assert (
            client.post(f"/credit-lists/{entry.pk}/remove/", {"removal_reason": "恢复联系"}).status_code
            == 302
        )
        entry.refresh_from_db()
        assert entry.removed_on is not None


def test_the_report_page_shows_who_changed_what(client, org_user, gusu_org, unit_staff, other_unit_staff):
    report = make_report(gusu_org, org_user, members_unit=120)
    services.annual_report_update(actor=org_user, report=report, members_unit=135)
    services.annual_report_attach(actor=org_user, report=report, upload=pdf())
    services.annual_report_submit(actor=org_user, report=report)
    client.force_login(unit_staff)
    response = client.get(f"/annual-reports/{report.pk}/")
    history = response.context["history"]
    change = next(c for e in history for c in e["changes"] if c["field"] == "members_unit")
    assert (change["old_display"], change["new_display"]) == (120, 135)
    assert history[0]["actor"] == org_user.get_username()
    statuses = [c for e in history for c in e["changes"] if c["field"] == "status"]
    assert str(statuses[0]["new_display"]) == str(AnnualReport.Status.SUBMITTED.label)
    submitted = next(c for e in history for c in e["changes"] if c["field"] == "submitted_at")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", submitted["new_display"])
    assert 'id="report-history"' in response.content.decode()
    client.force_login(other_unit_staff)
    assert client.get(f"/annual-reports/{report.pk}/").status_code == 404
