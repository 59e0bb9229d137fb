"""Shared sources: the metrics that aggregate the same rows are built together, in one grouped query."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext

from orgs.metrics import ACCEPTED_REPORTS, ORGANIZATIONS
from orgs.models import AnnualReport, Organization
from reports import registry
from reports.models import Stat
from reports.registry import Metric
from reports.services import stats_rebuild_year
from tests.factories import as_user

from .conftest import Y2
from .test_build import expected_figures


def _drilldown(year, region_prefix, org_type=None, category=None):
    return Organization.objects.none(), "id"


@pytest.fixture
def foundations_metric():
    metric = registry.register(
        Metric(
            code="zz_foundations",
            label="Foundations",
            unit="count",
            aggregate="sum",
            source=ORGANIZATIONS,
            value=lambda year: Count("id", filter=Q(org_type="foundation")),
            drilldown=_drilldown,
            group="zzz",
        )
    )
    yield metric
    registry.unregister("zz_foundations")


def test_a_metric_needs_compute_or_a_source_with_a_value():
    with pytest.raises(ValueError, match="compute"):
        Metric("zz_none", "None", "count", "sum", drilldown=_drilldown)
    with pytest.raises(ValueError, match="source"):
        Metric("zz_half", "Half", "count", "sum", drilldown=_drilldown, source=ORGANIZATIONS)
    with pytest.raises(ValueError, match="drilldown"):
        Metric("zz_blind", "Blind", "count", "sum", source=ORGANIZATIONS, value=lambda year: Count("id"))


def test_the_outcome_figures_read_the_reports_once(world):
    outcomes = [m for m in registry.all() if m.source is ACCEPTED_REPORTS]
    assert len(outcomes) >= 20
    with CaptureQueriesContext(connection) as queries:
        stats_rebuild_year(year=Y2, metrics=outcomes)
    reading_reports = [q["sql"] for q in queries.captured_queries if '"orgs_annualreport"' in q["sql"]]
    assert len(reading_reports) == 1
    accepted = AnnualReport.objects.filter(year=Y2, status="accepted")
    assert (
        Stat.objects.get(metric="jobs_posted", year=Y2, region="", org_type="", category="").value
        == accepted.aggregate(total=Sum("jobs_posted"))["total"]
    )


def test_a_metric_added_to_a_source_is_built_with_it_and_computes_the_same(world, foundations_metric):
    build = stats_rebuild_year(year=Y2)
    assert build.status == "done"
    foundations = Organization.objects.filter(org_type="foundation").count()
    assert foundations > 0
    assert (
        Stat.objects.get(metric="zz_foundations", year=Y2, region="", org_type="", category="").value
        == foundations
    )
    # by region: the figure of 3205 counts the foundations registered under it
    assert (
        Stat.objects.get(metric="zz_foundations", year=Y2, region="3205", org_type="", category="").value
        == Organization.objects.filter(org_type="foundation", region__code__startswith="3205").count()
    )
    # compute() gives the rows of the same grouped query
    assert sum(row["value"] for row in foundations_metric.compute(Y2)) == foundations


def test_a_zero_figure_is_not_stored_but_reads_as_zero(built, statistician_city):
    zeros = [
        (code, region)
        for region in ("3205", "320508", "320506")
        for code, value in expected_figures(Y2, region, "").items()
        if value == 0
    ]
    assert zeros, "the world has a zero figure to look at"
    code, region = zeros[0]
    assert not Stat.objects.filter(metric=code, year=Y2, region=region, org_type="", category="").exists()
    [row] = (
        as_user(statistician_city)
        .get("/api/v1/stats/", {"metric": code, "year": Y2, "region": region})
        .json()["results"]
    )
    assert Decimal(row["value"]) == 0
