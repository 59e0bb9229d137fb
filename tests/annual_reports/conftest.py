"""Annual-report helpers: valid figures, a PDF, reports in a given state."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from orgs.annual_reports import services
from orgs.models import AnnualReport
from tests.factories import make_org, make_person

YEAR = timezone.localdate().year - 1
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

FIGURES = {
    "members_unit": 120,
    "members_individual": 30,
    "staff": 6,
    "party_members": 3,
    "income_total": "500000.00",
    "income_dues": "200000.00",
    "income_donations": "100000.00",
    "income_government": "50000.00",
    "expense_total": "420000.00",
    "net_assets": "-1000.00",
    "jobs_posted": 40,
    "graduate_jobs": 10,
    "internship_posts": 5,
    "graduates_hired": 12,
    "standards_drafted": 2,
    "funds_raised": "30000.00",
}


def pdf(name="statement.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def figures(**changes) -> dict:
    data = {k: (Decimal(v) if isinstance(v, str) else v) for k, v in FIGURES.items()}
    data.update(changes)
    return data


def make_report(organization, actor, *, year=YEAR, status="draft", **changes) -> AnnualReport:
    """A report driven through the services to `status` (draft, submitted, unit_reviewed, accepted, returned)."""
    report = services.annual_report_create(
        actor=actor, organization=organization, year=year, **figures(**changes)
    )
    if status == "draft":
        return report
    report = services.annual_report_attach(actor=actor, report=report, upload=pdf())
    report = services.annual_report_submit(actor=actor, report=report)
    return report if status == "submitted" else _review_to(report, status)


def _review_to(report, status):
    from orgs.models import UserScope

    organization = report.organization
    if organization.supervising_unit_id:
        reviewer = UserScope.objects.filter(
            kind="unit", supervising_unit_id=organization.supervising_unit_id
        ).first()
        reviewer = (
            reviewer.user
            if reviewer
            else make_person(f"unit{report.pk}", kind="unit", unit=organization.supervising_unit)
        )
        if status == "returned":
            return services.annual_report_review(
                actor=reviewer, report=report, decision="return", comment="补充"
            )
        report = services.annual_report_review(actor=reviewer, report=report, decision="pass")
        if status == "unit_reviewed":
            return report
    registrar = make_person(
        f"reg{report.pk}", kind="staff", region_code=organization.region_id[:4], roles=["registrar"]
    )
    if status == "returned":
        return services.annual_report_review(
            actor=registrar, report=report, decision="return", comment="补充"
        )
    return services.annual_report_review(actor=registrar, report=report, decision="qualified")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded statements go to a temporary folder, not the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def report(org_user, gusu_org):
    return make_report(gusu_org, org_user)


@pytest.fixture
def no_unit_org(db):
    return make_org("320508", name="姑苏区无主管协会", supervising_unit=None)


@pytest.fixture
def no_unit_user(no_unit_org):
    return make_person("no_unit_user", kind="org", org=no_unit_org)
