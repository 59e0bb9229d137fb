"""List endpoints and list pages: the same query bound for 10 and 100 rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import AnnualReport, CreditListEntry, Rating
from tests.factories import as_user, make_org

YEAR = 2024


def _rows(count, unit):
    for index in range(count):
        organization = make_org("320508", supervising_unit=unit if index % 2 else None)
        AnnualReport.objects.create(
            organization=organization, year=YEAR, status="submitted" if index % 2 else "unit_reviewed"
        )
        Rating.objects.create(
            organization=organization, grade=3, awarded_on=date(2022, 1, 1), valid_until=date(2027, 1, 1)
        )
        CreditListEntry.objects.create(
            organization=organization, list="abnormal", reason="x", listed_on=date(2025, 6, 1)
        )


@pytest.mark.parametrize("rows", [10, 100])
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/annual-reports/",
        "/api/v1/ratings/",
        "/api/v1/credit-list-entries/",
        "/api/v1/public/organizations/",
    ],
)
def test_api_lists(registrar_gusu, unit, rows, url, django_assert_max_num_queries):
    _rows(rows, unit)
    client = as_user(registrar_gusu)
    with django_assert_max_num_queries(6):
        response = client.get(url, {"page_size": 200})
    assert response.status_code == 200
    assert len(response.json()["results"]) >= rows


@pytest.mark.parametrize("rows", [10, 100])
@pytest.mark.parametrize(
    "url",
    [
        "/annual-reports/",
        "/annual-reports/?state=in_review",
        "/annual-reports/?state=not_filed",
        "/annual-reports/queue/",
        "/ratings/",
        "/credit-lists/",
        "/public/?q=测试",
        "/public/credit-lists/",
    ],
)
def test_list_pages(client, registrar_gusu, unit, rows, url, django_assert_max_num_queries):
    _rows(rows, unit)
    client.force_login(registrar_gusu)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [10, 100])
def test_unit_queue(client, unit_staff, unit, rows, django_assert_max_num_queries):
    _rows(rows, unit)
    client.force_login(unit_staff)
    with django_assert_max_num_queries(12):
        response = client.get("/annual-reports/queue/")
    assert response.status_code == 200


API_LISTS = ["/api/v1/annual-reports/", "/api/v1/ratings/", "/api/v1/credit-list-entries/",
             "/api/v1/public/organizations/"]  # fmt: skip
PAGES = ["/annual-reports/", "/annual-reports/?state=late", "/annual-reports/queue/", "/ratings/",
         "/credit-lists/", "/public/?q=测试", "/public/credit-lists/"]  # fmt: skip


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(queries)


def test_the_same_number_of_queries_for_10_and_100_rows(client, registrar_gusu, unit):
    """Not only a ceiling: the count does not move when the rows grow tenfold."""
    api = as_user(registrar_gusu)
    client.force_login(registrar_gusu)
    client.get(
        "/annual-reports/"
    )  # the logged-in user is read once, then kept in the cache (CALLER_CACHE_SECONDS)
    _rows(10, unit)
    before = {url: _count(api, url, {"page_size": 200}) for url in API_LISTS}
    before |= {url: _count(client, url) for url in PAGES}
    _rows(90, unit)
    after = {url: _count(api, url, {"page_size": 200}) for url in API_LISTS}
    after |= {url: _count(client, url) for url in PAGES}
    assert after == before


@pytest.mark.parametrize(("state", "counts"), [("", 1), ("not_filed", 2)])
def test_the_overview_counts_the_due_organizations_once(registrar_gusu, unit, state, counts):
    from django.test import Client

    _rows(12, unit)
    client = Client()
    client.force_login(registrar_gusu)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/annual-reports/", {"year": YEAR, "state": state})
        sql = [query["sql"] for query in captured.captured_queries]
    assert response.status_code == 200
    assert sum(q.startswith('SELECT COUNT(*) AS "__count" FROM "orgs_organization"') for q in sql) == counts
