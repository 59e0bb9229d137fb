"""Region selects list the chosen region and the first others (provinces first); the rest come by typing a name
or a code, answered within the caller's scope by /organizations/regions/options/."""

import re

import pytest
from django.test import Client

from orgs.models import Region, SupervisingUnit, UserScope
from tests.factories import make_person

OPTIONS = "/organizations/regions/options/"


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def options(html: str, select_id: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


@pytest.fixture
def registrar_national(db):
    """A national scope: given by an operator in the admin, region left empty."""
    user = make_person(
        "registrar_national", kind="staff", region_code="32", roles=["registrar", "statistician"]
    )
    UserScope.objects.filter(user=user).update(region=None)
    return user


def test_the_national_registry_lists_fifty_regions_provinces_first(registrar_national):
    html = browser(registrar_national).get("/organizations/").content.decode()
    listed = options(html, "id_region")
    assert listed[0] == "" and len(listed) == 51
    assert listed[1:4] == ["11", "12", "13"]  # provinces before their cities
    assert 'hx-get="/organizations/regions/options/?field=region&amp;empty=' in html
    assert Region.objects.exclude(level="street").count() > 3000  # what it no longer lists


def test_the_chosen_region_is_listed_and_selected(registrar_national):
    html = browser(registrar_national).get("/organizations/", {"region": "320508"}).content.decode()
    assert options(html, "id_region")[1] == "320508"
    assert '<option value="320508" selected>江苏省苏州市姑苏区 (320508)</option>' in html


def test_typing_a_name_or_a_code_finds_regions_in_scope(registrar_city, registrar_national):
    city = browser(registrar_city)
    found = city.get(OPTIONS, {"q": "姑苏", "field": "region", "empty": "全部"}).content.decode()
    assert found.startswith('<option value="">全部</option>')
    assert '<option value="320508">江苏省苏州市姑苏区 (320508)</option>' in found
    assert city.get(OPTIONS, {"q": "朝阳"}).content.decode() == ""  # Beijing: outside the city's scope
    by_code = browser(registrar_national).get(OPTIONS, {"q": "1101"}).content.decode()
    assert re.findall(r'value="(\d+)"', by_code)[:2] == ["1101", "110101"]


def test_the_chosen_options_come_first_and_stay_selected(registrar_city):
    found = browser(registrar_city).get(OPTIONS, {"q": "区", "field": "region", "region": "320506"})
    values = re.findall(r'value="(\d+)"( selected)?', found.content.decode())
    assert values[0] == ("320506", " selected")
    assert all(code.startswith("3205") for code, _ in values)


def test_streets_only_where_the_field_takes_them(registrar_city):
    street = Region.objects.create(code="320508001", name="平江街道", level="street", parent_id="320508")
    client = browser(registrar_city)
    assert street.code not in client.get(OPTIONS, {"q": "平江"}).content.decode()
    assert street.code in client.get(OPTIONS, {"q": "平江", "streets": "1"}).content.decode()


def test_only_staff_ask_for_regions(org_user):
    assert browser(org_user).get(OPTIONS, {"q": "苏州"}).status_code == 403
    assert Client().get(OPTIONS).status_code == 302  # to the login page


def test_the_filing_overview_lists_regions_the_same_way(registrar_national):
    html = browser(registrar_national).get("/annual-reports/").content.decode()
    assert len(options(html, "id_region")) == 51


def test_supervising_units_are_listed_and_searched_the_same_way(registrar_city, unit, other_unit):
    beijing = SupervisingUnit.objects.create(name="北京市民政局", region_id="11", kind="competent")
    client = browser(registrar_city)
    html = client.get("/organizations/", {"supervising_unit": other_unit.pk}).content.decode()
    listed = options(html, "id_supervising_unit")
    assert listed[:2] == ["", str(other_unit.pk)] and str(unit.pk) in listed
    assert str(beijing.pk) not in listed
    found = client.get("/organizations/units/options/", {"q": unit.name[-4:]}).content.decode()
    assert f'<option value="{unit.pk}">{unit.name}</option>' in found
    assert client.get("/organizations/units/options/", {"q": "北京"}).content.decode() == ""  # not the city's
