"""Personas shared by every app's tests. Regions are loaded once per test database."""

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from pytest_django.fixtures import validate_django_db
from pytest_django.plugin import blocking_manager_key

from .factories import make_org, make_person, make_unit


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_regions", verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Personas are created with passwords in nearly every test; PBKDF2's million rounds cost ~0.3 s each."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return (
        "live_server" in names
        or "transactional_db" in names
        or (marker is not None and any(validate_django_db(marker)[:2]))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (`django_db(transaction=True)`, `live_server`) empties every table when it ends,
    regions included: load them again for the tests after it (an idempotent upsert, about a second)."""
    result = yield
    if nextitem is not None and _is_transactional(item):
        with item.config.stash[blocking_manager_key].unblock():
            call_command("load_regions", verbosity=0)
    return result


@pytest.fixture(autouse=True)
def _celery_eager_unless_integration(request):
    """Tasks run in the test's own process and transaction, also in the CI run that sets REDIS_URL
    (which turns eager mode off); only `integration` tests send them to a real worker."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached values live in the cache: every test starts with an empty one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
