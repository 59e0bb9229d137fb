"""Every rule of the report, each error on its field; nothing saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orgs.models import AnnualReport
from tests.factories import as_user, make_org, make_person

from .conftest import FIGURES, YEAR, pdf

URL = "/api/v1/annual-reports/"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"staff": -1}, "staff"),
        ({"expense_total": "-0.01"}, "expense_total"),
        ({"funds_raised": "-5"}, "funds_raised"),
        ({"income_total": "100.00"}, "income_total"),
        ({"graduate_jobs": 41}, "graduate_jobs"),
        ({"graduates_hired": 16}, "graduates_hired"),
    ],
)
def test_rules_name_their_field(org_user, changes, field):
    response = as_user(org_user).post(URL, {"year": YEAR, **FIGURES, **changes}, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not AnnualReport.objects.exists()


def test_net_assets_may_be_negative(org_user):
    assert (
        as_user(org_user).post(URL, {"year": YEAR, **FIGURES, "net_assets": "-5"}, format="json").status_code
        == 201
    )


def test_rules_apply_to_patch_too(org_user, report):
    response = as_user(org_user).patch(f"{URL}{report.pk}/", {"graduate_jobs": 999}, format="json")
    assert response.status_code == 400 and "graduate_jobs" in response.json()
    report.refresh_from_db()
    assert report.graduate_jobs == FIGURES["graduate_jobs"]


@pytest.mark.parametrize("year", [YEAR + 1, YEAR + 5, 2014])
def test_future_current_and_pre_registration_years_are_refused(org_user, year):
    response = as_user(org_user).post(URL, {"year": year, **FIGURES}, format="json")
    assert response.status_code == 400 and "year" in response.json()


def test_one_report_per_organization_and_year(org_user, report):
    response = as_user(org_user).post(URL, {"year": YEAR, **FIGURES}, format="json")
    assert response.status_code == 400 and "year" in response.json()


def test_the_attachment_must_be_a_pdf_by_content(org_user, report):
    fake = SimpleUploadedFile(
        "statement.pdf", b"PK\x03\x04 not a pdf at all" * 10, content_type="application/pdf"
    )
    response = as_user(org_user).post(f"{URL}{report.pk}/attachment/", {"file": fake}, format="multipart")
    assert response.status_code == 400 and "audited_statement" in response.json()
    report.refresh_from_db()
    assert not report.audited_statement


def test_the_attachment_must_be_at_most_20_mb(org_user, report, settings):
    settings.MAX_ATTACHMENT_BYTES = 1024
    response = as_user(org_user).post(
        f"{URL}{report.pk}/attachment/",
        {"file": pdf(content=b"%PDF-1.4\n" + b"0" * 2048)},
        format="multipart",
    )
    assert response.status_code == 400 and "audited_statement" in response.json()


def test_submission_needs_the_statement(org_user, report):
    response = as_user(org_user).post(f"{URL}{report.pk}/submit/")
    assert response.status_code == 400 and "audited_statement" in response.json()
    report.refresh_from_db()
    assert report.status == "draft"


def test_organization_registered_in_the_year_may_file(db):
    from datetime import date

    organization = make_org("320508", registered_on=date(YEAR, 12, 31))
    user = make_person("late_org", kind="org", org=organization)
    assert as_user(user).post(URL, {"year": YEAR}, format="json").status_code == 201
