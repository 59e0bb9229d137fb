"""Exports of lists and statistics to CSV / XLSX, written as a stream: rows come from `.values_list()`
iterated with `.iterator(chunk_size=…)`, CSV through the csv module, XLSX through openpyxl's write-only
workbook, so memory stays flat however many rows. Every source reads through the caller's scoped selector.
A table whose rows are exactly one values_list (the registry) is written to CSV by PostgreSQL itself
(`COPY (…) TO STDOUT WITH (FORMAT csv)`, streamed in blocks) when the database is PostgreSQL.

A small export (≤ EXPORT_SYNC_MAX_ROWS rows) is written at once; a larger one is a Celery job (`Export`)
whose progress the page polls."""

import codecs
import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import connections, transaction
from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from orgs.access import access_for
from orgs.models import AnnualReport, Organization
from orgs.models.annual_reports import FIGURE_FIELDS

from . import registry, selectors
from .models import Export

CHUNK = 2000
PROGRESS_EVERY = 2000  # rows between two progress updates


def sync_max_rows() -> int:
    return int(getattr(settings, "EXPORT_SYNC_MAX_ROWS", 5000))


@dataclass
class Table:
    """What an export writes: a header and a lazily produced stream of rows, and how many there are."""

    name: str
    header: list[str]
    rows: Iterator[list]
    count: int
    # The values_list the rows are, column for column, when they are one: PostgreSQL can COPY it
    copy_query: QuerySet | None = None


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def _label_of(field: str, choices) -> Case:
    """A choice field's label in the active language, computed by the database (the code when unknown)."""
    whens = [When(**{field: value}, then=Value(str(label))) for value, label in choices]
    return Case(*whens, default=F(field), output_field=CharField())


def organizations_table(user, filters) -> Table:
    from orgs.selectors import organization_list

    qs = organization_list(user=user, filters=filters).order_by("pk")
    rows = qs.annotate(
        type_label=_label_of("org_type", Organization.OrgType.choices),
        category_label=_label_of("category", Organization.Category.choices),
        status_label=_label_of("status", Organization.Status.choices),
    ).values_list(
        "pk", "name", "credit_code", "filing_number", "type_label", "category_label", "region_id", "region__name",
        "status_label", "registered_on", "legal_representative", "supervising_unit__name", "address", "phone",
    )  # fmt: skip
    header = [
        _("ID"), _("Name"), _("Unified social credit code"), _("Filing number"), _("Type"), _("Category"),
        _("Region code"), _("Region"), _("Status"), _("Registered on"), _("Legal representative"),
        _("Supervising unit"), _("Address"), _("Phone"),
    ]  # fmt: skip
    return Table("organizations", header, rows.iterator(chunk_size=CHUNK), qs.count(), copy_query=rows)


def annual_reports_table(user, filters) -> Table:
    try:
        from orgs.annual_reports.selectors import report_list
    except ImportError:  # pragma: no cover - the annual-report selectors are part of the tree
        report_list = None
    if report_list is not None:
        qs = report_list(user=user, filters=filters)
    else:  # pragma: no cover
        from orgs.selectors import organizations_visible_to

        qs = AnnualReport.objects.filter(organization__in=organizations_visible_to(user).values("pk"))
    qs = qs.order_by("pk")
    statuses, results = _labels(AnnualReport.Status.choices), _labels(AnnualReport.Result.choices)
    columns = [
        "pk", "organization__name", "organization__credit_code", "organization__region_id", "year", "status",
        "result", *FIGURE_FIELDS,
    ]  # fmt: skip
    header = [
        _("ID"), _("Organization"), _("Unified social credit code"), _("Region code"), _("Year"), _("Status"),
        _("Result"), *(str(AnnualReport._meta.get_field(name).verbose_name) for name in FIGURE_FIELDS),
    ]  # fmt: skip

    def rows():
        for row in qs.values_list(*columns).iterator(chunk_size=CHUNK):
            row = list(row)
            row[5], row[6] = statuses.get(row[5], row[5]), results.get(row[6], row[6])
            yield row

    return Table("annual_reports", header, rows(), qs.count())


def stats_table(user, filters) -> Table:
    """The rows of the stats API for the same parameters (metric, year, region, group_by, org_type, category);
    without a metric, those of every metric."""
    codes = [filters["metric"]] if filters.get("metric") else registry.codes()
    params = {k: filters.get(k) for k in ("year", "region", "group_by", "org_type", "category")}
    rows = [row for code in codes for row in selectors.stat_rows(user=user, metric=code, **params)]
    header = [_("Metric"), _("Label"), _("Year"), _("Region code"), _("Region"), _("Type"), _("Category"),
              _("Value"), _("Denominator"), _("Rate")]  # fmt: skip
    types, categories = _labels(Organization.OrgType.choices), _labels(Organization.Category.choices)

    def out():
        for row in rows:
            yield [
                row["metric"], str(registry.get(row["metric"]).label), row["year"], row["region"],
                row.get("region_name", ""), types.get(row["org_type"], row["org_type"]),
                categories.get(row["category"], row["category"]), row["value"], row.get("denominator"), row.get("rate"),
            ]  # fmt: skip

    return Table("statistics", header, out(), len(rows))


def drilldown_table(user, filters) -> Table:
    qs = selectors.drilldown(
        user=user,
        metric=filters.get("metric"),
        year=filters.get("year"),
        region=filters.get("region"),
        org_type=filters.get("org_type", ""),
        category=filters.get("category", ""),
    )
    header = [_("ID"), _("Organization"), _("Unified social credit code"), _("Region code"), _("Type"),
              _("Category"), _("Year"), _("Contribution")]  # fmt: skip
    types, categories = _labels(Organization.OrgType.choices), _labels(Organization.Category.choices)

    def rows():
        for obj in qs.iterator(chunk_size=CHUNK):
            row = selectors.drilldown_row(obj)
            yield [
                row["id"], row["organization_name"], row["credit_code"], row["region"],
                types.get(row["org_type"], row["org_type"]), categories.get(row["category"], row["category"]),
                row["year"], row["contribution"],
            ]  # fmt: skip

    return Table(f"drilldown-{filters.get('metric')}", header, rows(), qs.count())


SOURCES = {
    "organizations": organizations_table,
    "annual_reports": annual_reports_table,
    "stats": stats_table,
    "drilldown": drilldown_table,
}


# The right each source needs, besides the caller's region (every source reads through a scoped selector).
SOURCE_SCOPES = {
    "organizations": "orgs:read",
    "annual_reports": "reports:read",
    "stats": "stats:read",
    "drilldown": "stats:read",
}


def table_for(*, user, source: str, filters: dict) -> Table:
    if source not in SOURCES:
        raise ValidationError({"source": [_("Unknown source.")]})
    if not access_for(user).can(SOURCE_SCOPES[source]):
        raise PermissionDenied(_("You may not export this list."))
    if source in ("stats", "drilldown"):
        selectors.region_in_scope(user, filters.get("region"))  # 404 outside scope, before any work
    if source == "drilldown":
        metric = selectors.metric_or_400((filters or {}).get("metric"))
        if metric.drilldown_allowed and not metric.drilldown_allowed(user):
            raise PermissionDenied(_("You may not export this list."))
    return SOURCES[source](user, dict(filters or {}))


def write_csv(table: Table, stream, on_row=None) -> int:
    """Write the table to a text stream (UTF-8 with BOM so that Excel opens the Chinese right)."""
    stream.write("\ufeff")
    if table.copy_query is not None and connections[table.copy_query.db].vendor == "postgresql":
        csv.writer(stream, lineterminator="\n").writerow(table.header)
        return _copy_csv(table, stream, on_row)
    writer = csv.writer(stream)
    writer.writerow(table.header)
    written = 0
    # csv writes None as an empty field: the rows go out as they come
    for written, row in enumerate(table.rows, start=1):
        writer.writerow(row)
        if on_row:
            on_row(written)
    return written


def write_xlsx(table: Table, path_or_stream, on_row=None) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.name[:31])
    sheet.append(table.header)
    written = 0
    for row in table.rows:
        sheet.append(["" if v is None else v for v in row])
        written += 1
        if on_row:
            on_row(written)
    workbook.save(path_or_stream)
    return written


def _copy_csv(table: Table, stream, on_row=None) -> int:
    """The rows of `table.copy_query` as CSV written by PostgreSQL, streamed block by block (flat memory).
    The connection is busy with the COPY until it ends, so progress is reported once, at the end (a million
    rows take seconds)."""
    from psycopg import ClientCursor

    queryset = table.copy_query
    connection = connections[queryset.db]
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    connection.ensure_connection()
    statement = ClientCursor(connection.connection).mogrify(sql, params)  # COPY takes no bound parameters
    decoder = codecs.getincrementaldecoder("utf-8")()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                stream.write(decoder.decode(bytes(block)))
        written = cursor.cursor.rowcount
    stream.write(decoder.decode(b"", final=True))
    if on_row:
        on_row(written)
    return written


def csv_stream(table: Table) -> Iterator[str]:
    """CSV lines for a StreamingHttpResponse (the page's direct download)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(row)
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def filename_for(table: Table, fmt: str) -> str:
    return f"{table.name}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


# --- background exports -----------------------------------------------------------------------------


def export_create(*, user, source: str, format: str, filters: dict | None = None) -> Export:  # noqa: A002
    """Check the request (source, format, filters, scope) and start the export: written at once when small,
    else enqueued after the commit. Returns the Export (status done or pending)."""
    if format not in Export.Format.values:
        raise ValidationError({"format": [_("Use xlsx or csv.")]})
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    table = table_for(user=user, source=source, filters=filters)  # validates filters and scope
    with transaction.atomic():
        export = Export.objects.create(
            user=user, source=source, format=format, filters=filters, total_rows=table.count
        )
    if table.count <= sync_max_rows():
        export_write(export_id=export.pk, table=table)
        export.refresh_from_db()
    else:
        from .tasks import export_run

        transaction.on_commit(lambda: export_run.delay(export.pk))
    return export


def _report_progress(export_id: int, written: int, total: int) -> None:
    progress = min(99, int(written * 100 / total)) if total else 99
    Export.objects.filter(pk=export_id).update(
        progress=progress, rows_written=written, updated_at=timezone.now()
    )


def export_write(*, export_id: int, table: Table | None = None) -> Export:
    """Write an export's file under MEDIA_ROOT/exports/, recording progress; safe to run again."""
    export = Export.objects.select_related("user").get(pk=export_id)
    if export.status == Export.Status.DONE and export.file:
        return export
    Export.objects.filter(pk=export_id).update(status=Export.Status.RUNNING, progress=0, error="")
    try:
        with override(settings.LANGUAGE_CODE):
            table = table or table_for(user=export.user, source=export.source, filters=export.filters)
            total = table.count

            def on_row(written):
                if written % PROGRESS_EVERY == 0 or written == total:
                    _report_progress(export_id, written, total)

            name = filename_for(table, export.format)
            directory = os.path.join(settings.MEDIA_ROOT, "exports", "tmp")
            os.makedirs(directory, exist_ok=True)
            temp_path = os.path.join(directory, f"{export_id}-{name}")
            if export.format == Export.Format.CSV:
                with open(temp_path, "w", encoding="utf-8", newline="") as stream:
                    written = write_csv(table, stream, on_row)
            else:
                written = write_xlsx(table, temp_path, on_row)
            with open(temp_path, "rb") as stream:
                export.file.save(name, File(stream), save=False)
            os.remove(temp_path)
    except Exception as error:
        Export.objects.filter(pk=export_id).update(
            status=Export.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    Export.objects.filter(pk=export_id).update(
        status=Export.Status.DONE,
        progress=100,
        rows_written=written,
        total_rows=written,
        file=export.file.name,
        finished_at=timezone.now(),
    )
    export.refresh_from_db()
    return export


CONTENT_TYPES = {
    Export.Format.CSV: "text/csv; charset=utf-8",
    Export.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_file_response(export: Export) -> FileResponse:
    """The finished file of an export, as an attachment (streamed from storage)."""
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.file.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES[export.format],
    )


def exports_visible_to(user):
    """Each user sees only the exports they asked for."""
    if not getattr(user, "is_authenticated", False):
        return Export.objects.none()
    return Export.objects.filter(user=user)
