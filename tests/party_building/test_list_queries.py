"""Every party-building list costs the same number of queries with 10 rows as with 100."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from orgs.models import AnnualReport
from party_building.models import (
    LeaderReview,
    SecretaryReport,
    StationActivity,
    SyncStep,
    WorkStation,
    WorkStationFunding,
)
from tests.factories import as_user, make_org

from .conftest import make_instructor, make_node

MAX_QUERIES = 6


@pytest.fixture
def many(request, db):
    rows = request.param
    organizations = [make_org("320508") for _ in range(rows)]
    parent = make_node("苏州市行业协会党委", "industry_committee", "3205", formal_members=0)
    for index, organization in enumerate(organizations):
        node = make_node(f"支部{index}", "branch", "320508", parent=parent, organizations=[organization])
        SecretaryReport.objects.create(party_organization=node, year=2025, content="述职")
        station = WorkStation.objects.create(name=f"工作站{index}", region_id="320508")
        station.organizations.set([organization])
        WorkStationFunding.objects.create(station=station, year=2025, amount=100000)
        StationActivity.objects.create(station=station, date=date(2025, 5, 1), title="活动")
        LeaderReview.objects.create(
            organization=organization, candidate_name=f"候选人{index}", role="president", result="passed"
        )
        SyncStep.objects.create(
            organization=organization,
            region_id="320508",
            event="established",
            step="collect_members",
            title="收集党员信息",
            due_on=timezone.localdate() + timedelta(days=30),
        )
        uncovered = make_org("320506")
        AnnualReport.objects.create(organization=uncovered, year=2024, status="accepted", party_members=5)
        make_instructor(f"指导员{index}", organizations=[uncovered])
    return rows


LISTS = [
    "/api/v1/party-organizations/",
    "/api/v1/secretary-reports/",
    "/api/v1/work-stations/",
    "/api/v1/leader-reviews/",
    "/api/v1/sync-steps/",
    "/api/v1/party-instructors/",
    "/api/v1/party/worklists/should-build/",
    "/api/v1/party/worklists/idle-instructors/",
]


@pytest.mark.parametrize("many", [10, 100], indirect=True)
@pytest.mark.parametrize("url", LISTS)
def test_api_lists_do_not_grow(party_officer_city, many, url, django_assert_max_num_queries):
    client = as_user(party_officer_city)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url, {"page_size": 200, "region": "3205"})
    assert response.status_code == 200, response.content
    expected = many + 1 if url == "/api/v1/party-organizations/" else many
    assert len(response.json()["results"]) == expected


@pytest.mark.parametrize("many", [10, 100], indirect=True)
def test_uncovered_list_does_not_grow(party_officer_city, many, django_assert_max_num_queries):
    # the 吴中 organizations have an instructor; add as many with nothing
    for _ in range(many):
        make_org("320506")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = as_user(party_officer_city).get(
            "/api/v1/party/worklists/uncovered/", {"page_size": 200, "region": "3205"}
        )
    assert len(response.json()["results"]) == many


@pytest.mark.parametrize("many", [10, 100], indirect=True)
@pytest.mark.parametrize("path", ["/party/reports/", "/party/stations/", "/party/steps/", "/party/reviews/"])
def test_pages_do_not_grow(party_officer_city, many, path, django_assert_max_num_queries):
    from .test_pages import browser

    client = browser(party_officer_city)
    with django_assert_max_num_queries(MAX_QUERIES + 6):
        response = client.get(path)
    assert response.status_code == 200
