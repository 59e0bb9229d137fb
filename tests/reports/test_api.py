"""The statistics API: metrics, figures, drill-down, scope (404 outside the caller's region, 403 without the scope)."""

from decimal import Decimal

import pytest

from reports import registry
from reports.models import Stat
from reports.services import stats_rebuild_year
from tests.factories import as_token, as_user, make_org

from .conftest import Y1, Y2

STATS = "/api/v1/stats/"
METRICS = "/api/v1/stats/metrics/"
DRILL = "/api/v1/stats/drilldown/"


def test_metrics_lists_every_registered_metric_with_labels(statistician_city):
    response = as_user(statistician_city).get(METRICS, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert set(rows) == set(registry.codes())
    assert rows["jobs_posted"]["unit"] == "count" and rows["funds_raised"]["unit"] == "yuan"
    assert rows["filing_rate"]["aggregate"] == "ratio"


def test_total_and_group_by_region_as_decimal_strings(built, statistician_city):
    client = as_user(statistician_city)
    total = client.get(STATS, {"metric": "funds_raised", "year": Y2, "region": "3205"}).json()
    assert total["built_at"]
    [row] = total["results"]
    assert set(row) >= {"metric", "year", "region", "org_type", "category", "value"}
    stat = Stat.objects.get(metric="funds_raised", year=Y2, region="3205", org_type="", category="")
    assert row["value"] == str(stat.value) and isinstance(row["value"], str)
    by_region = client.get(
        STATS, {"metric": "funds_raised", "year": Y2, "region": "3205", "group_by": "region"}
    ).json()
    regions = {r["region"]: r["value"] for r in by_region["results"]}
    assert set(regions) == {"320508", "320506"}  # the districts with figures; 无锡 is not under 苏州
    assert sum(Decimal(v) for v in regions.values()) == stat.value
    by_type = client.get(STATS, {"metric": "orgs_total", "year": Y2, "group_by": "org_type"}).json()[
        "results"
    ]
    assert {r["org_type"] for r in by_type} == {"social_group", "social_service_agency", "foundation"}
    assert sum(int(r["value"]) for r in by_type) == int(
        client.get(STATS, {"metric": "orgs_total", "year": Y2}).json()["results"][0]["value"]
    )
    trend = client.get(STATS, {"metric": "orgs_total", "group_by": "year"}).json()["results"]
    assert [r["year"] for r in trend] == [Y1, Y2]


def test_ratio_rows_carry_numerator_denominator_and_rate(built, statistician_city):
    [row] = as_user(statistician_city).get(STATS, {"metric": "filing_rate", "year": Y2}).json()["results"]
    assert Decimal(row["rate"]) == (Decimal(row["value"]) / Decimal(row["denominator"])).quantize(
        Decimal("0.0001")
    )


def test_bad_parameters_name_the_field(statistician_city):
    client = as_user(statistician_city)
    assert "metric" in client.get(STATS, {"metric": "nope", "year": Y2}).json()
    assert "year" in client.get(STATS, {"metric": "orgs_total"}).json()
    assert "region" in client.get(STATS, {"metric": "orgs_total", "year": Y2, "region": "32x"}).json()
    assert client.get(STATS, {"metric": "orgs_total", "year": Y2, "group_by": "x"}).status_code == 400


def test_drilldown_is_cursor_paged_and_sums_to_the_figure(built, statistician_city):
    client = as_user(statistician_city)
    stat = Stat.objects.get(metric="jobs_posted", year=Y2, region="3205", org_type="", category="")
    seen, url, params = [], DRILL, {"metric": "jobs_posted", "year": Y2, "region": "3205", "page_size": 1}
    while url:
        page = client.get(url, params).json()
        assert Decimal(page["total"]) == stat.value
        seen += page["results"]
        url, params = page["next"], None
    assert len(seen) == 3  # g1, g2, w2: the accepted reports of 苏州 in Y2
    assert {r["kind"] for r in seen} == {"annualreport"}
    assert sum(Decimal(r["contribution"]) for r in seen) == stat.value


def test_a_district_statistician_cannot_read_the_district_next_door(built, statistician_gusu):
    client = as_user(statistician_gusu)
    assert client.get(STATS, {"metric": "orgs_total", "year": Y2, "region": "320506"}).status_code == 404
    assert client.get(STATS, {"metric": "orgs_total", "year": Y2, "region": "3205"}).status_code == 404
    assert client.get(DRILL, {"metric": "orgs_total", "year": Y2, "region": "320506"}).status_code == 404
    own = client.get(STATS, {"metric": "orgs_total", "year": Y2}).json()["results"][0]
    assert own["region"] == "320508" and own["value"] == "3"
    rows = client.get(DRILL, {"metric": "orgs_total", "year": Y2}).json()["results"]
    assert {r["region"] for r in rows} == {"320508"}


def test_tokens_are_limited_to_their_scope_and_region(built):
    token = as_token(scopes=["stats:read"], region="320508")
    assert token.get(STATS, {"metric": "orgs_total", "year": Y2}).json()["results"][0]["value"] == "3"
    assert token.get(STATS, {"metric": "orgs_total", "year": Y2, "region": "3205"}).status_code == 404
    assert as_token(scopes=["orgs:read"], region="3205").get(METRICS).status_code == 403
    assert as_user(None).get(METRICS).status_code == 401


def test_people_without_the_stats_scope_are_refused(built, org_user, unit_staff):
    assert as_user(org_user).get(STATS, {"metric": "orgs_total", "year": Y2}).status_code == 403
    assert as_user(unit_staff).get(DRILL, {"metric": "orgs_total", "year": Y2}).status_code == 403


@pytest.mark.parametrize("rows", [10, 100])
def test_list_queries_do_not_grow(statistician_city, rows, django_assert_max_num_queries):
    for index in range(rows):
        make_org("320508" if index % 2 else "320506", org_type="social_group")
    stats_rebuild_year(year=Y2)
    client = as_user(statistician_city)
    with django_assert_max_num_queries(6):
        response = client.get(DRILL, {"metric": "orgs_total", "year": Y2, "page_size": 200})
    assert len(response.json()["results"]) == rows and response.json()["total"] == str(rows)
    with django_assert_max_num_queries(6):
        response = client.get(STATS, {"metric": "orgs_total", "year": Y2, "group_by": "region"})
    assert sum(int(r["value"]) for r in response.json()["results"]) == rows
    with django_assert_max_num_queries(4):
        response = client.get(METRICS)
    assert response.status_code == 200
