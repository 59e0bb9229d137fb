"""Personas shared by every app's tests. Regions are loaded once per test database."""

import pytest
from django.core.management import call_command

from .factories import make_org, make_person, make_unit


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_regions", verbosity=0)


@pytest.fixture
def unit(db):
    """A supervising unit of the city (苏州市)."""
    return make_unit("3205", name="苏州市工业和信息化局")


@pytest.fixture
def other_unit(db):
    return make_unit("3205", name="苏州市商务局")


@pytest.fixture
def gusu_org(db, unit):
    """An organization of 姑苏区 (320508) under `unit`."""
    return make_org("320508", name="姑苏区丝绸行业协会", supervising_unit=unit)


@pytest.fixture
def wuzhong_org(db, other_unit):
    """An organization of 吴中区 (320506) under `other_unit`."""
    return make_org("320506", name="吴中区光伏行业协会", supervising_unit=other_unit)


@pytest.fixture
def registrar_city(db):
    return make_person("registrar_city", kind="staff", region_code="3205", roles=["registrar"])


@pytest.fixture
def registrar_gusu(db):
    return make_person("registrar_gusu", kind="staff", region_code="320508", roles=["registrar"])


@pytest.fixture
def registrar_wuzhong(db):
    return make_person("registrar_wuzhong", kind="staff", region_code="320506", roles=["registrar"])


@pytest.fixture
def supervisor_city(db):
    return make_person("supervisor_city", kind="staff", region_code="3205", roles=["supervisor"])


@pytest.fixture
def supervisor_wuzhong(db):
    return make_person("supervisor_wuzhong", kind="staff", region_code="320506", roles=["supervisor"])


@pytest.fixture
def party_officer_city(db):
    return make_person("party_officer_city", kind="staff", region_code="3205", roles=["party_officer"])


@pytest.fixture
def statistician_city(db):
    return make_person("statistician_city", kind="staff", region_code="3205", roles=["statistician"])


@pytest.fixture
def statistician_gusu(db):
    return make_person("statistician_gusu", kind="staff", region_code="320508", roles=["statistician"])


@pytest.fixture
def admin_city(db):
    return make_person("admin_city", kind="staff", region_code="3205", roles=["admin"])


@pytest.fixture
def unit_staff(db, unit):
    return make_person("unit_staff", kind="unit", unit=unit)


@pytest.fixture
def other_unit_staff(db, other_unit):
    return make_person("other_unit_staff", kind="unit", unit=other_unit)


@pytest.fixture
def org_user(db, gusu_org):
    return make_person("org_user", kind="org", org=gusu_org)


@pytest.fixture
def other_org_user(db, wuzhong_org):
    return make_person("other_org_user", kind="org", org=wuzhong_org)


@pytest.fixture
def applicant(db):
    return make_person("applicant", kind="applicant")
