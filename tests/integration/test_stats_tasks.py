"""The statistics build and a background export in a real Celery worker (PostgreSQL, Redis)."""

import csv
import io
import os
import time

import pytest
from celery.result import EagerResult

from orgs.models import AnnualReport
from reports import exports
from reports.models import Export, Stat, StatBuild
from reports.tasks import stats_build_year
from tests.factories import as_user, make_org
from tests.reports.conftest import Y2, build_world

pytestmark = pytest.mark.integration


def snapshot(year):
    return sorted(
        Stat.objects.filter(year=year).values_list(
            "metric", "region", "org_type", "category", "value", "denominator"
        )
    )


@pytest.mark.django_db(transaction=True)
def test_the_build_runs_in_the_worker_and_twice_gives_the_same_figures(celery_worker_process, unit):
    build_world(unit)
    result = stats_build_year.delay(Y2)
    assert not isinstance(result, EagerResult)
    rows = result.get(timeout=180)
    assert celery_worker_process.pid != os.getpid()
    assert celery_worker_process.wait_for_log(result.id), celery_worker_process.log()[-2000:]
    assert rows == Stat.objects.filter(year=Y2).count() > 0
    accepted = AnnualReport.objects.filter(year=Y2, status="accepted")
    for region in ("", "32", "3205", "320508", "320506", "320211"):
        stat = Stat.objects.filter(
            metric="jobs_posted", year=Y2, region=region, org_type="", category=""
        ).first()
        expected = sum(r.jobs_posted for r in accepted if r.organization.region_id.startswith(region))
        assert (stat.value if stat else 0) == expected, region
    first = snapshot(Y2)
    assert stats_build_year.delay(Y2).get(timeout=180) == rows
    assert snapshot(Y2) == first
    assert list(StatBuild.objects.filter(year=Y2).values_list("status", flat=True)) == ["done", "done"]


@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_written_by_the_worker(celery_worker_process, statistician_city, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 5  # decided here, in the web process: 30 rows go to the worker
    orgs = [make_org("320506") for _ in range(30)]
    response = as_user(statistician_city).post(
        "/api/v1/exports/", {"source": "organizations", "format": "csv"}, format="json"
    )
    assert response.status_code == 202
    export_id = response.json()["id"]
    deadline = time.monotonic() + 120
    while Export.objects.get(pk=export_id).status not in ("done", "failed"):
        assert time.monotonic() < deadline, celery_worker_process.log()[-2000:]
        time.sleep(0.3)
    export = Export.objects.get(pk=export_id)
    assert (export.status, export.progress, export.rows_written) == ("done", 100, 30), export.error
    try:
        done = as_user(statistician_city).get(f"/api/v1/exports/{export_id}/").json()
        assert done["download_url"].endswith(f"/api/v1/exports/{export_id}/download/")
        with export.file.open("rb") as stream:
            header, *rows = list(csv.reader(io.StringIO(stream.read().decode("utf-8-sig"))))
        assert sorted(int(row[0]) for row in rows) == sorted(o.pk for o in orgs)
        assert exports.CONTENT_TYPES["csv"].startswith("text/csv")
    finally:
        export.file.delete(save=False)
