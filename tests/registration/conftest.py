"""Registration fixtures: the defaults (checklists, direct categories, time limits), proposals, PDFs."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orgs import calendar as workdays
from orgs.registration.defaults import ensure_defaults
from tests.factories import id_number_for

URL = "/api/v1/registration-applications/"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _registration_defaults(request):
    """Every test here uses the database with the default checklists, direct categories and time limits."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "live_server" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or bool(marker and marker.kwargs.get("transaction"))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    ensure_defaults()
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def street(db):
    """双塔街道 (320508001), a street of 姑苏区: community organizations are filed here."""
    from orgs.models import Region

    region, _created = Region.objects.get_or_create(
        code="320508001",
        defaults={
            "name": "双塔街道",
            "level": "street",
            "parent_id": "320508",
            "full_name": "江苏省苏州市姑苏区双塔街道",
        },
    )
    return region


def pdf(name="material.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def fake_pdf_file(name="material.pdf"):
    return io.BytesIO(PDF_BYTES)


def proposal(kind="establish", org_type="social_service_agency", **overrides):
    base = {
        "name": "苏州市姑苏区阳光社会工作服务中心",
        "org_type": org_type,
        "category": "other",
        "region": "320508",
        "legal_representative": "李明",
        "legal_representative_id_number": id_number_for("320508", born=date(1985, 3, 4)),
        "registered_capital": "100000.00",
        "address": "苏州市姑苏区人民路100号",
        "phone": "0512-65550001",
        "business_scope": "社会工作服务、养老服务、心理咨询",
    }
    if org_type == "social_group":
        base.update(
            name="苏州市姑苏区软件行业协会",
            category="industry_association",
            members_individual=60,
            members_unit=0,
            registered_capital="50000.00",
        )
    if org_type == "foundation":
        base.update(name="苏州市姑苏区助学基金会", category="charity", registered_capital="2000000.00")
    base.update(overrides)
    return base
