"""Exports: N rows in, N rows out with the list's values; small ones at once, large ones in the background with
progress; the caller's scope applies."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from orgs.models import Organization
from reports import exports
from reports.models import Export
from tests.factories import as_user, make_org

from .conftest import Y2

URL = "/api/v1/exports/"


def read_csv(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel opens the Chinese right
    return list(csv.reader(io.StringIO(text[1:])))


def download(client, export_json) -> bytes:
    response = client.get(export_json["download_url"])
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_organizations_csv_has_the_rows_and_values_of_the_list(built, statistician_city):
    client = as_user(statistician_city)
    listed = client.get("/api/v1/organizations/", {"page_size": 200, "org_type": "social_group"}).json()[
        "results"
    ]
    response = client.post(
        URL,
        {"source": "organizations", "format": "csv", "filters": {"org_type": "social_group"}},
        format="json",
    )
    assert response.status_code == 201 and response.json()["status"] == "done"
    header, *rows = read_csv(download(client, response.json()))
    assert len(rows) == len(listed) == response.json()["total_rows"] == 4  # g1, w1, w2, late (not 无锡's x1)
    by_id = {int(row[0]): row for row in rows}
    with translation.override("zh-hans"):
        social_group, active = (
            str(Organization.OrgType.SOCIAL_GROUP.label),
            str(Organization.Status.ACTIVE.label),
        )
    for org in listed:
        row = by_id[org["id"]]
        assert (row[1], row[2], row[6]) == (org["name"], org["credit_code"], org["region"])
        # labels in the site's language, an empty field for a missing value, dates as ISO
        assert row[4] == social_group == "社会团体" and row[3] == ""
        assert row[8] == active or org["status"] != "active"
        assert row[9] == (org["registered_on"] or "")


def test_stats_xlsx_has_the_rows_and_values_of_the_api(built, statistician_city):
    client = as_user(statistician_city)
    params = {"metric": "funds_raised", "year": Y2, "region": "3205", "group_by": "region"}
    api_rows = client.get("/api/v1/stats/", params).json()["results"]
    response = client.post(URL, {"source": "stats", "format": "xlsx", "filters": params}, format="json")
    assert response.status_code == 201
    sheet = load_workbook(io.BytesIO(download(client, response.json())), read_only=True).active
    header, *rows = list(sheet.values)
    assert len(rows) == len(api_rows) == 2
    assert [(r[3], r[7]) for r in rows] == [(a["region"], a["value"]) for a in api_rows]


def test_drilldown_csv_sums_to_the_figure(built, statistician_city):
    client = as_user(statistician_city)
    params = {"metric": "fees_reduced", "year": Y2, "region": "3205"}
    api = client.get("/api/v1/stats/drilldown/", params).json()
    response = client.post(URL, {"source": "drilldown", "format": "csv", "filters": params}, format="json")
    header, *rows = read_csv(download(client, response.json()))
    assert len(rows) == len(api["results"]) == 3
    assert sorted((int(r[0]), Decimal(r[-1])) for r in rows) == sorted(
        (a["id"], Decimal(a["contribution"])) for a in api["results"]
    )
    assert sum(Decimal(r[-1]) for r in rows) == Decimal(api["total"])


def test_exports_respect_the_callers_scope(built, statistician_gusu, statistician_city):
    client = as_user(statistician_gusu)
    response = client.post(URL, {"source": "organizations", "format": "csv"}, format="json")
    header, *rows = read_csv(download(client, response.json()))
    assert {row[6] for row in rows} == {"320508"} and len(rows) == 4
    outside = {
        "source": "stats",
        "format": "csv",
        "filters": {"metric": "orgs_total", "year": Y2, "region": "320506"},
    }
    assert client.post(URL, outside, format="json").status_code == 404
    # Another user's export is not found, nor its file.
    other = (
        as_user(statistician_city)
        .post(URL, {"source": "organizations", "format": "csv"}, format="json")
        .json()
    )
    assert client.get(f"{URL}{other['id']}/").status_code == 404
    assert client.get(f"{URL}{other['id']}/download/").status_code == 404


def test_bad_export_requests_name_the_field(statistician_city):
    client = as_user(statistician_city)
    assert "source" in client.post(URL, {"source": "x", "format": "csv"}, format="json").json()
    assert "format" in client.post(URL, {"source": "organizations", "format": "pdf"}, format="json").json()
    assert (
        "metric"
        in client.post(
            URL, {"source": "stats", "filters": {"metric": "x", "year": 2025}}, format="json"
        ).json()
    )


def test_a_large_export_runs_in_the_background_with_progress(
    statistician_city, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 5
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 4)
    for _ in range(12):
        make_org("320506")
    seen = []
    report = exports._report_progress

    def spy(export_id, written, total):
        report(export_id, written, total)
        seen.append(Export.objects.values_list("status", "progress", "rows_written").get(pk=export_id))

    monkeypatch.setattr(exports, "_report_progress", spy)
    client = as_user(statistician_city)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(URL, {"source": "organizations", "format": "xlsx"}, format="json")
    assert response.status_code == 202
    started = response.json()
    assert (started["status"], started["progress"], started["download_url"]) == ("pending", 0, None)
    assert started["total_rows"] == 12
    # The page polls with htmx while it runs.
    page = _page_client(statistician_city).get(f"/reports/exports/{started['id']}/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in page.content.decode() and "export-download" not in page.content.decode()
    assert client.get(f"{URL}{started['id']}/download/").status_code == 409
    for callback in callbacks:  # the worker
        callback()
    assert seen == [("running", 33, 4), ("running", 66, 8), ("running", 99, 12)]
    done = client.get(f"{URL}{started['id']}/").json()
    assert (done["status"], done["progress"], done["rows_written"]) == ("done", 100, 12)
    sheet = load_workbook(io.BytesIO(download(client, done)), read_only=True).active
    assert len(list(sheet.values)) == 1 + 12
    page = _page_client(statistician_city).get(f"/reports/exports/{started['id']}/", HTTP_HX_REQUEST="true")
    assert "every 1s" not in page.content.decode() and "export-download" in page.content.decode()


def _page_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("rows", [10, 100])
def test_streaming_csv_keeps_queries_flat(statistician_city, rows, django_assert_max_num_queries):
    for _ in range(rows):
        make_org("320506")
    client = _page_client(statistician_city)
    with django_assert_max_num_queries(8):
        response = client.get("/reports/exports/", {"source": "organizations", "format": "csv"})
        content = b"".join(response.streaming_content)
    assert len(read_csv(content)) == 1 + rows


def test_each_source_needs_its_own_right(built, unit_staff, statistician_city):
    """Supervising-unit staff may export their organizations (orgs:read) but not statistics (stats:read)."""
    client = _page_client(unit_staff)
    response = client.get("/reports/exports/", {"source": "organizations", "format": "csv"})
    assert response.status_code == 200
    header, *rows = read_csv(b"".join(response.streaming_content))
    assert len(rows) == 1  # g1, the only organization under `unit`
    assert (
        client.get("/reports/exports/", {"source": "stats", "format": "csv", "year": Y2}).status_code == 403
    )
    stats = {"source": "stats", "format": "csv", "filters": {"metric": "orgs_total", "year": Y2}}
    assert as_user(unit_staff).post(URL, stats, format="json").status_code == 403


def test_the_registry_list_links_to_its_export(built, statistician_city):
    html = _page_client(statistician_city).get("/organizations/", {"org_type": "foundation"}).content.decode()
    assert "/reports/exports/?source=organizations&amp;format=xlsx&amp;org_type=foundation" in html
