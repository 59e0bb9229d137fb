"""/api/v1/supervising-units/: list, create, change, scoped like the registry."""

import pytest

from orgs.models import SupervisingUnit
from tests.factories import as_token, as_user, make_unit

from .api_helpers import UNITS, registry_snapshot


def test_list_and_detail_fields(registrar_city, unit):
    client = as_user(registrar_city)
    rows = client.get(UNITS).json()["results"]
    assert [row["id"] for row in rows] == [unit.pk]
    detail = client.get(f"{UNITS}{unit.pk}/").json()
    assert set(detail) == {"id", "name", "region", "kind", "updated_at"}
    assert (detail["name"], detail["region"], detail["kind"]) == ("苏州市工业和信息化局", "3205", "competent")


def test_create_records_who(registrar_city):
    response = as_user(registrar_city).post(
        UNITS, {"name": "苏州市体育局", "region": "3205", "kind": "competent"}, format="json"
    )
    assert response.status_code == 201, response.content
    created = SupervisingUnit.objects.get(pk=response.json()["id"])
    assert created.history.get().history_user == registrar_city


def test_a_district_registrar_creates_units_of_its_district_only(registrar_gusu):
    client = as_user(registrar_gusu)
    assert client.post(UNITS, {"name": "姑苏区商务局", "region": "320508"}, format="json").status_code == 201
    before = registry_snapshot()
    response = client.post(UNITS, {"name": "吴中区商务局", "region": "320506"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["region"]
    assert registry_snapshot() == before


def test_a_unit_cannot_be_moved_out_of_the_callers_region(registrar_city, unit):
    before = registry_snapshot()
    response = as_user(registrar_city).patch(f"{UNITS}{unit.pk}/", {"region": "3201"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["region"]
    assert registry_snapshot() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "", "region": "3205"}, "name"),
        ({"name": "苏州市某局", "region": "3205", "kind": "ministry"}, "kind"),
        ({"name": "苏州市某局", "region": "999"}, "region"),
    ],
)
def test_bad_input_names_the_field(registrar_city, payload, field):
    before = registry_snapshot()
    response = as_user(registrar_city).post(UNITS, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert registry_snapshot() == before


def test_a_duplicate_name_in_the_region_is_refused(registrar_city, unit):
    before = registry_snapshot()
    response = as_user(registrar_city).post(UNITS, {"name": unit.name, "region": "3205"}, format="json")
    assert response.status_code == 400
    assert registry_snapshot() == before


def test_filters(registrar_city, unit):
    make_unit("320508", name="姑苏区教育局", kind="industry")
    client = as_user(registrar_city)
    names = lambda params: {row["name"] for row in client.get(UNITS, params).json()["results"]}  # noqa: E731
    assert names({"region": "320508"}) == {"姑苏区教育局"}
    assert names({"kind": "industry"}) == {"姑苏区教育局"}
    assert names({"q": "工业"}) == {"苏州市工业和信息化局"}
    assert client.get(UNITS, {"region": "x"}).status_code == 400


@pytest.mark.parametrize("rows", [10, 100])
def test_list_queries_do_not_grow(rows, db, django_assert_max_num_queries):
    for _ in range(rows):
        make_unit("320508")
    client = as_token(scopes=["orgs:read"], region="3205")
    with django_assert_max_num_queries(4):
        response = client.get(UNITS, {"page_size": 200})
    assert len(response.json()["results"]) == rows
