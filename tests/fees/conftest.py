from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import make_person

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def future(days=30):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def supervisor_gusu(db):
    return make_person("supervisor_gusu", kind="staff", region_code="320508", roles=["supervisor"])
