"""XLSX export and import: a bad row imports nothing and names the row and field."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from orgs.annual_reports.spreadsheets import HEAD
from orgs.models import AnnualReport
from tests.factories import make_org

from .conftest import YEAR, make_report


def _xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEAD)
    for row in rows:
        sheet.append([row.get(name) for name in HEAD])
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("import.xlsx", buffer.getvalue())


def _row(org, year=2022, **changes):
    return {"credit_code": org.credit_code, "year": year, "result": "qualified", "income_total": 100,
            "income_dues": 50, "jobs_posted": 5, "graduate_jobs": 2, **changes}  # fmt: skip


def test_export(client, org_user, gusu_org, registrar_city, wuzhong_org, other_org_user):
    make_report(gusu_org, org_user, status="accepted")
    make_report(wuzhong_org, other_org_user, status="submitted")
    client.force_login(registrar_city)
    response = client.get("/annual-reports/export.xlsx", {"year": YEAR, "region": "320508"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEAD
    assert [r[1] for r in rows[1:]] == [gusu_org.name]


def test_import_all_or_nothing(client, registrar_city, gusu_org, wuzhong_org):
    client.force_login(registrar_city)
    upload = _xlsx([_row(gusu_org), _row(wuzhong_org, graduate_jobs=9), _row(gusu_org, year=2023, staff=-1)])
    response = client.post("/annual-reports/import/", {"file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "graduate_jobs" in body and "staff" in body
    errors = dict(response.context["row_errors"])
    assert set(errors) == {"第3行", "第4行"} or set(errors) == {"row 3", "row 4"}
    assert not AnnualReport.objects.exists()

    response = client.post("/annual-reports/import/", {"file": _xlsx([_row(gusu_org), _row(wuzhong_org)])})
    assert response.status_code == 302
    assert set(AnnualReport.objects.values_list("status", "result", "year")) == {
        ("accepted", "qualified", 2022)
    }


def test_import_refuses_outside_the_jurisdiction_and_duplicates(
    client, registrar_gusu, wuzhong_org, gusu_org
):
    client.force_login(registrar_gusu)
    response = client.post(
        "/annual-reports/import/", {"file": _xlsx([_row(wuzhong_org), _row(gusu_org), _row(gusu_org)])}
    )
    assert response.status_code == 400
    errors = dict(response.context["row_errors"])
    assert len(errors) == 2 and any("credit_code" in " ".join(v) for v in errors.values())
    assert not AnnualReport.objects.exists()


def test_import_needs_a_spreadsheet_and_a_registrar(client, registrar_city, statistician_city):
    client.force_login(registrar_city)
    response = client.post("/annual-reports/import/", {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert response.status_code == 400 and response.context["form"].errors["file"]
    client.force_login(statistician_city)
    assert client.get("/annual-reports/import/").status_code == 403


def test_import_of_an_organization_registered_later(client, registrar_city, db):
    from datetime import date

    organization = make_org("320508", registered_on=date(2024, 1, 1))
    client.force_login(registrar_city)
    response = client.post("/annual-reports/import/", {"file": _xlsx([_row(organization, year=2022)])})
    assert response.status_code == 400 and "year" in str(response.context["row_errors"])


def test_import_refuses_more_than_two_decimal_places(client, registrar_city, gusu_org, wuzhong_org):
    client.force_login(registrar_city)
    upload = _xlsx([_row(wuzhong_org), _row(gusu_org, funds_raised="1234.567")])
    response = client.post("/annual-reports/import/", {"file": upload})
    assert response.status_code == 400
    errors = dict(response.context["row_errors"])
    assert list(errors) in (["第3行"], ["row 3"])
    assert any(message.startswith("funds_raised: ") for message in next(iter(errors.values())))
    assert not AnnualReport.objects.exists()
