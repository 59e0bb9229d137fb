"""A statistician opens the dashboard, clicks a figure, lands on the list that sums to it, and exports it."""

import csv
import io
import re
from decimal import Decimal

import pytest

from reports.models import Stat
from reports.services import stats_rebuild_year
from tests.reports.conftest import Y2, build_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def built_world(db, unit, statistician_city):
    world = build_world(unit)
    stats_rebuild_year(year=Y2)
    return world


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip())


def test_figure_to_list_to_export(page, login, built_world, statistician_city):
    login(page, "statistician_city")
    page.goto("/reports/")
    assert "数据截至" in page.locator("#built-at").inner_text()
    # ECharts, served from the local static files, drew the trend.
    page.wait_for_function("document.querySelector('#chart-trend canvas') !== null")

    figure = page.locator('#headline a.stat-value[data-metric="jobs_posted"]')
    shown = number(figure.inner_text())
    stat = Stat.objects.get(metric="jobs_posted", year=Y2, region="3205", org_type="", category="")
    assert shown == stat.value > 0
    figure.click()
    page.wait_for_url(re.compile(r"/reports/drilldown/\?"))

    assert number(page.locator("#drilldown-total").inner_text()) == shown
    cells = page.locator("#drilldown td.contribution")
    values = [Decimal(cells.nth(i).get_attribute("data-value")) for i in range(cells.count())]
    assert len(values) == 3 and sum(values) == shown

    with page.expect_download() as download_info:
        page.locator("#export-csv").click()
    content = download_info.value.path().read_text(encoding="utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) == len(values)
    assert sum(Decimal(row[-1]) for row in rows) == shown


def test_clicking_a_sub_region_descends(page, login, built_world, statistician_city):
    login(page, "statistician_city")
    page.goto(f"/reports/?year={Y2}&metric=orgs_total")
    page.locator('#sub-regions a[data-region="320508"]').click()
    page.wait_for_url(re.compile(r"region=320508"))
    assert "姑苏区" in page.locator("h1").inner_text()
    assert page.locator('#headline a.stat-value[data-metric="orgs_total"]').inner_text() == "3"
