"""The dashboard and the drill-down list in the browser's HTML: figures link to lists that add up to them,
sub-regions descend, scope as in the API (404 outside the region, 403 without the right)."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from reports.models import Stat
from reports.services import stats_rebuild_year
from tests.factories import make_org

from .conftest import Y1, Y2


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def drill_total(html: str) -> Decimal:
    match = re.search(r'id="drilldown-total">([^<]*)<', html)
    return Decimal(match.group(1).replace(",", ""))


def test_every_headline_figure_links_to_a_list_that_sums_to_it(built, statistician_city):
    client = client_for(statistician_city)
    html = client.get("/reports/", {"year": Y2}).content.decode()
    assert "数据截至" in html
    links = re.findall(r'<a class="stat-value" href="([^"]+)" data-metric="([a-z0-9_]+)">([^<]+)</a>', html)
    assert len(links) >= 10
    for url, code, shown in links:
        stat = Stat.objects.get(metric=code, year=Y2, region="3205", org_type="", category="")
        page = client.get(url.replace("&amp;", "&")).content.decode()
        if code == "filing_rate":
            assert drill_total(page) == stat.value  # the numerator of the rate
        else:
            assert drill_total(page) == stat.value == Decimal(shown.replace(",", "")), code


def test_the_dashboard_defaults_to_the_last_year_with_reports_and_descends(built, statistician_city):
    client = client_for(statistician_city)
    html = client.get("/reports/").content.decode()
    assert f"· {Y2}" in html  # not the current year, which has no annual reports yet
    assert 'data-region="320508"' in html and 'data-region="320506"' in html
    assert 'data-region="320211"' not in html  # 无锡's district is not under 苏州
    gusu = client.get("/reports/", {"region": "320508", "year": Y1, "metric": "jobs_posted"})
    assert gusu.status_code == 200 and "姑苏区" in gusu.content.decode()


def test_the_breakdown_by_type_and_category_links_to_matching_lists(built, statistician_city):
    client = client_for(statistician_city)
    html = client.get("/reports/", {"year": Y2, "metric": "jobs_posted"}).content.decode()
    table = html[html.index('id="by-type"') : html.index("</table>", html.index('id="by-type"'))]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', table)
    assert links
    for url, shown in links:
        assert drill_total(client.get(url.replace("&amp;", "&")).content.decode()) == Decimal(
            shown.replace(",", "")
        )


def test_a_district_statistician_cannot_open_the_next_district(built, statistician_gusu):
    client = client_for(statistician_gusu)
    assert client.get("/reports/", {"region": "320506"}).status_code == 404
    assert (
        client.get(
            "/reports/drilldown/", {"metric": "orgs_total", "year": Y2, "region": "320506"}
        ).status_code
        == 404
    )
    stats_export = {"source": "stats", "format": "csv", "metric": "orgs_total", "year": Y2, "region": "3205"}
    assert client.get("/reports/exports/", stats_export).status_code == 404
    own = client.get("/reports/", {"year": Y2}).content.decode()
    assert 'data-metric="orgs_total">3</a>' in own


def test_people_without_the_right_get_403(built, org_user):
    assert client_for(org_user).get("/reports/").status_code == 403
    assert (
        client_for(org_user).get("/reports/drilldown/", {"metric": "orgs_total", "year": Y2}).status_code
        == 403
    )
    assert Client().get("/reports/").status_code == 302  # to the login page


def test_drilldown_page_exports_the_same_rows(built, statistician_city):
    client = client_for(statistician_city)
    params = {"metric": "jobs_posted", "year": Y2, "region": "3205"}
    html = client.get("/reports/drilldown/", params).content.decode()
    shown = [Decimal(v) for v in re.findall(r'class="text-end contribution" data-value="([^"]+)"', html)]
    response = client.get("/reports/drilldown/", {**params, "format": "csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + len(shown) == 4
    assert sorted(Decimal(line.rsplit(",", 1)[1]) for line in lines[1:]) == sorted(shown)


@pytest.mark.parametrize("rows", [10, 100])
def test_dashboard_and_list_queries_do_not_grow(statistician_city, rows, django_assert_max_num_queries):
    for index in range(rows):
        make_org(["320508", "320506", "320505"][index % 3])
    stats_rebuild_year(year=Y2)
    client = client_for(statistician_city)
    with django_assert_max_num_queries(16):
        assert client.get("/reports/", {"year": Y2}).status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get("/reports/drilldown/", {"metric": "orgs_total", "year": Y2})
    assert response.content.decode().count('class="text-end contribution"') == rows


def test_a_national_user_starts_at_the_nation(built, national_admin):
    html = client_for(national_admin).get("/reports/", {"year": Y2}).content.decode()
    assert "全国" in html and 'data-region="32"' in html
    assert 'data-metric="orgs_total">7</a>' in html  # all but w3 (deregistered in Y2) and late (Y2 + 1)
