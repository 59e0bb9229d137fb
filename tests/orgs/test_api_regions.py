"""/api/v1/regions/: the GB/T 2260 tree, reference data for every authenticated caller."""

import pytest
from rest_framework.test import APIClient

from tests.factories import as_token, as_user

from .api_helpers import REGIONS


def test_children_of_a_city(registrar_gusu):
    response = as_user(registrar_gusu).get(REGIONS, {"parent": "3205"})
    assert response.status_code == 200
    rows = response.json()["results"]
    codes = [row["code"] for row in rows]
    assert {"320505", "320506", "320508"} <= set(codes)
    assert codes == sorted(codes)
    assert all(code.startswith("3205") and len(code) == 6 for code in codes)
    assert all(row["parent"] == "3205" for row in rows)


def test_one_region(registrar_gusu):
    response = as_user(registrar_gusu).get(f"{REGIONS}320508/")
    assert response.status_code == 200
    assert response.json() == {
        "code": "320508",
        "name": "姑苏区",
        "full_name": "江苏省苏州市姑苏区",
        "level": "county",
        "parent": "3205",
    }


def test_an_unknown_region_is_404(registrar_gusu):
    assert as_user(registrar_gusu).get(f"{REGIONS}329999/").status_code == 404


def test_regions_are_read_by_anyone_logged_in_but_not_changed(applicant, db):
    """Reference data, outside any scope: an applicant picks the region of the organization to found."""
    token = as_token(scopes=["reports:read"], region="320508")
    for client in (as_user(applicant), token):
        assert client.get(f"{REGIONS}320102/").status_code == 200
        assert client.get(REGIONS, {"parent": "32"}).status_code == 200
        assert client.post(REGIONS, {"code": "329999", "name": "x"}, format="json").status_code == 405
    assert APIClient().get(REGIONS).status_code == 401


def test_search_by_name(registrar_gusu):
    rows = as_user(registrar_gusu).get(REGIONS, {"q": "姑苏"}).json()["results"]
    assert [row["code"] for row in rows] == ["320508"]


def test_cursor_walks_the_whole_tree_once(registrar_gusu):
    client = as_user(registrar_gusu)
    response = client.get(REGIONS, {"parent": "32", "page_size": 5})
    seen = []
    while True:
        body = response.json()
        seen += [row["code"] for row in body["results"]]
        if not body["next"]:
            break
        response = client.get(body["next"])
    assert len(seen) == len(set(seen)) == 13  # the 13 cities of 江苏省
    assert seen == sorted(seen)


@pytest.mark.parametrize("rows", [10, 100])
def test_list_queries_do_not_grow(registrar_gusu, rows, django_assert_max_num_queries):
    client = as_user(registrar_gusu)
    with django_assert_max_num_queries(3):
        response = client.get(REGIONS, {"page_size": rows})
    assert len(response.json()["results"]) == rows
