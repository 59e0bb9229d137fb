"""A name search's pages are cut from the matches' keys (orgs.paging): the same rows, in the same order."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgs.models import Organization
from orgs.paging import keys_first
from tests.factories import as_user, make_org

from .api_helpers import ORGS


@pytest.fixture
def silk(db):
    """Seven associations that a search for 丝绸 finds, with distinct and tied `updated_at`, and two it must not."""
    now = timezone.now()
    found = [make_org("320508", name=f"苏州丝绸{n}协会") for n in range(7)]
    for n, org in enumerate(found):
        Organization.objects.filter(pk=org.pk).update(updated_at=now - timedelta(minutes=n // 2))
    make_org("320508", name="苏州光伏行业协会")
    make_org("320506", name="吴中区围棋协会")
    return found


def walk(client, url, params):
    """Every page's names, following `next`."""
    pages, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200
        body = response.json()
        pages.append([row["name"] for row in body["results"]])
        if not body["next"]:
            return pages
        response = client.get(body["next"])


@pytest.mark.parametrize("ordering", [None, "name", "-registered_capital"])
def test_search_pages_are_the_registry_in_order(
    registrar_city, silk, ordering, django_assert_max_num_queries
):
    client = as_user(registrar_city)
    params = {"q": "丝绸", "page_size": 3, **({"ordering": ordering} if ordering else {})}
    with django_assert_max_num_queries(12):
        pages = walk(client, ORGS, params)
    order = [ordering or "-updated_at", "-id" if (ordering or "-").startswith("-") else "id"]
    expected = list(
        Organization.objects.filter(name__contains="丝绸").order_by(*order).values_list("name", flat=True)
    )
    assert [len(page) for page in pages] == [3, 3, 1]
    assert sum(pages, []) == expected


def test_a_search_page_is_one_statement_of_keys_then_rows(registrar_city, silk):
    with CaptureQueriesContext(connection) as queries:
        response = as_user(registrar_city).get(ORGS, {"q": "丝绸", "page_size": 3})
    assert response.status_code == 200
    rows = [q["sql"] for q in queries.captured_queries if 'FROM "orgs_organization"' in q["sql"]]
    assert len(rows) == 1
    assert ' WHERE "orgs_organization"."id" IN (SELECT ' in rows[0]  # the page's keys, then their rows


def test_a_list_without_search_is_read_as_before(registrar_city, silk):
    with CaptureQueriesContext(connection) as queries:
        response = as_user(registrar_city).get(ORGS, {"page_size": 3})
    assert response.status_code == 200
    assert not any(" IN (SELECT " in q["sql"] for q in queries.captured_queries)


def test_keys_first_keeps_the_query_as_it_is_read(silk):
    matches = Organization.objects.filter(name__contains="丝绸").order_by("-updated_at", "-id")
    paged = keys_first(matches)
    assert [o.pk for o in paged[2:5]] == [o.pk for o in matches[2:5]]
    assert paged.count() == 7 and paged.filter(pk=silk[0].pk).get() == silk[0]
    # Rows that carry more than the model's columns, and rows that are not models, are read as usual.
    annotated = keys_first(matches.annotate(label=Value("x"), doubled=F("registered_capital") * 2))[:2]
    assert [(o.label, o.doubled) for o in annotated] == [("x", o.registered_capital * 2) for o in matches[:2]]
    assert list(keys_first(matches.values_list("name", flat=True))[:2]) == list(
        matches.values_list("name", flat=True)[:2]
    )
    assert [o.pk for o in keys_first(matches.distinct())[1:3]] == [o.pk for o in matches[1:3]]
    deferred = keys_first(matches.only("name"))[:1][0]
    assert deferred.get_deferred_fields() >= {"address", "phone"}
