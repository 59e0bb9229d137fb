"""XLSX export (openpyxl write-only, row by row) and import parsing; the import's columns are the export's."""

import tempfile
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from ..models.annual_reports import FIGURE_FIELDS

HEAD = ["credit_code", "name", "region", "year", "status", "result", "submitted_at", *FIGURE_FIELDS]
IMPORT_REQUIRED = {"credit_code", "year", "result"}


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_reports(reports) -> tempfile.SpooledTemporaryFile:
    """The reports as an XLSX file (a temporary file, rewound). Reports are read with .iterator()."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("annual_reports")
    sheet.append(HEAD)
    for report in reports.iterator(chunk_size=2000):
        organization = report.organization
        sheet.append(
            [
                organization.credit_code or organization.filing_number,
                organization.name,
                organization.region_id,
                report.year,
                report.status,
                report.result,
                timezone.localtime(report.submitted_at).replace(tzinfo=None) if report.submitted_at else None,
                *(_cell(getattr(report, name)) for name in FIGURE_FIELDS),
            ]
        )
    output = tempfile.SpooledTemporaryFile(max_size=16 * 2**20)  # noqa: SIM115  (the response closes it)
    workbook.save(output)
    output.seek(0)
    return output


def read_rows(upload) -> list[dict]:
    """Rows of the first sheet as dicts keyed by the header row's column codes, with `row` = sheet row number."""
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not XLSX
        raise ValidationError({"file": [_("This is not an .xlsx spreadsheet.")]}) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    head = [str(c).strip() if c is not None else "" for c in next(rows, [])]
    missing = IMPORT_REQUIRED - set(head)
    if missing:
        raise ValidationError(
            {"file": [_("Missing columns: %(columns)s.") % {"columns": ", ".join(sorted(missing))}]}
        )
    result = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        row = {name: value for name, value in zip(head, values, strict=False) if name}
        row["row"] = number
        result.append(row)
    workbook.close()
    if not result:
        raise ValidationError({"file": [_("The spreadsheet has no rows.")]})
    return result
