"""Management commands: issue_token, create_user, load_regions, seed_demo."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from orgs.codes import validate_credit_code
from orgs.models import ApiToken, Organization, Region, UserScope
from tests.factories import as_user

from .api_helpers import ORGS, ids, org_payload

User = get_user_model()


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


# issue_token


def test_issue_token_prints_the_key_alone_on_the_last_line_and_it_works(gusu_org, wuzhong_org):
    output = run("issue_token", "city-data-hub", "--scopes", "orgs:read,orgs:write", "--region", "3205")
    key = output.strip().splitlines()[-1]
    assert re.fullmatch(r"[0-9a-f]{40}", key), output
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert ids(client.get(ORGS)) == {gusu_org.pk, wuzhong_org.pk}
    assert client.post(ORGS, org_payload("320508"), format="json").status_code == 201
    assert client.post(ORGS, org_payload("320102"), format="json").status_code == 400  # outside 3205


def test_issue_token_read_only(gusu_org):
    key = run("issue_token", "reader", "--scopes", "orgs:read", "--region", "320508").strip().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(ORGS).status_code == 200
    assert client.post(ORGS, org_payload("320508"), format="json").status_code == 403


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--scopes", "orgs:read,orgs:fly", "--region", "3205"], "scopes"),
        (["--scopes", "orgs:read", "--region", "3298"], "region"),
    ],
)
def test_issue_token_refuses_bad_options(db, args, named):
    with pytest.raises(CommandError, match=named):
        run("issue_token", "bad", *args)
    assert not ApiToken.objects.exists()
    assert not User.objects.filter(username="system:bad").exists()


def test_issue_token_refuses_a_taken_name(db):
    run("issue_token", "hub", "--scopes", "orgs:read", "--region", "3205")
    with pytest.raises(CommandError):
        run("issue_token", "hub", "--scopes", "orgs:read", "--region", "3205")
    assert ApiToken.objects.count() == 1


# create_user


def login(username, password="pw-Long-enough-2026"):
    client = APIClient()
    assert client.login(username=username, password=password)
    return client


def test_create_user_staff(gusu_org, wuzhong_org):
    output = run(
        "create_user", "lin", "--password", "pw-Long-enough-2026", "--kind", "staff", "--region", "3205",
        "--roles", "registrar",
    )  # fmt: skip
    assert "lin" in output
    scope = UserScope.objects.get(user__username="lin")
    assert (scope.kind, scope.region_id, scope.roles) == ("staff", "3205", ["registrar"])
    client = login("lin")
    assert ids(client.get(ORGS)) == {gusu_org.pk, wuzhong_org.pk}


def test_create_user_district_staff_sees_only_its_district(gusu_org, wuzhong_org):
    run("create_user", "gu", "--password", "pw-Long-enough-2026", "--kind", "staff", "--region", "320508",
        "--roles", "registrar,statistician")  # fmt: skip
    assert ids(login("gu").get(ORGS)) == {gusu_org.pk}


def test_create_user_unit(unit, gusu_org, wuzhong_org):
    run("create_user", "u1", "--password", "pw-Long-enough-2026", "--kind", "unit", "--unit", str(unit.pk))
    client = login("u1")
    assert ids(client.get(ORGS)) == {gusu_org.pk}
    assert client.get(f"{ORGS}{gusu_org.pk}/").status_code == 200


def test_create_user_org(gusu_org, wuzhong_org):
    run("create_user", "o1", "--password", "pw-Long-enough-2026", "--kind", "org", "--org", str(gusu_org.pk))
    client = login("o1")
    assert ids(client.get(ORGS)) == {gusu_org.pk}
    assert client.get(f"{ORGS}{wuzhong_org.pk}/").status_code == 404


def test_create_user_applicant(gusu_org):
    run("create_user", "a1", "--password", "pw-Long-enough-2026", "--kind", "applicant")
    assert UserScope.objects.get(user__username="a1").kind == "applicant"
    assert login("a1").get(ORGS).status_code == 403


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--kind", "staff"], "--region"),
        (["--kind", "staff", "--region", "3205", "--roles", "king"], "--roles"),
        (["--kind", "unit", "--unit", "999999"], "--unit"),
        (["--kind", "org"], "--org"),
    ],
)
def test_create_user_errors_name_the_option(db, args, named):
    with pytest.raises(CommandError, match=named):
        run("create_user", "x1", "--password", "pw-Long-enough-2026", *args)
    assert not User.objects.filter(username="x1").exists()


def test_create_user_refuses_a_taken_username(registrar_city):
    with pytest.raises(CommandError, match="--username"):
        run("create_user", "registrar_city", "--password", "pw", "--kind", "applicant")


# load_regions


def test_load_regions_is_idempotent(db):
    before = Region.objects.count()
    output = run("load_regions")
    assert Region.objects.count() == before
    assert 3300 <= before <= 3500, before
    assert str(before) in output
    gusu = Region.objects.get(code="320508")
    assert (gusu.parent_id, gusu.level, gusu.name) == ("3205", "county", "姑苏区")
    assert Region.objects.get(code="3205").parent_id == "32"
    assert Region.objects.get(code="32").parent_id is None
    assert not Region.objects.filter(parent__isnull=True).exclude(level="province").exists()


# seed_demo

LOGINS = {
    "city_registrar": ("staff", ["registrar"]),
    "gusu_registrar": ("staff", ["registrar"]),
    "city_supervisor": ("staff", ["supervisor"]),
    "city_party": ("staff", ["party_officer"]),
    "city_instructor": ("staff", ["instructor"]),
    "city_stats": ("staff", ["statistician"]),
    "city_admin": ("staff", ["admin"]),
    "unit_user": ("unit", []),
    "org_user": ("org", []),
    "applicant": ("applicant", []),
}


def test_seed_demo_twice(db, monkeypatch):
    """The registry's part of the demo (the other areas' demo modules have their own tests)."""
    from orgs.management.commands import seed_demo
    from orgs.management.commands.seed_demo import DEMO_PASSWORD

    monkeypatch.setattr(seed_demo, "DEMO_EXTENSIONS", [])
    run("seed_demo")
    first = sorted(Organization.objects.values_list("name", "credit_code", "filing_number"))
    output = run("seed_demo", "--address", "0.0.0.0:8765")
    assert sorted(Organization.objects.values_list("name", "credit_code", "filing_number")) == first
    assert "http://0.0.0.0:8765/login/" in output  # the address make run serves (HOST, PORT)
    suzhou = Organization.objects.filter(region__code__startswith="3205")
    assert suzhou.count() == 300
    for organization in suzhou:
        if organization.credit_code:
            validate_credit_code(organization.credit_code)
        else:
            assert organization.is_filed_only
        organization.full_clean(validate_unique=False)
    assert len({o.credit_code for o in suzhou if o.credit_code}) == suzhou.exclude(credit_code=None).count()
    for username, (kind, roles) in LOGINS.items():
        assert username in output
        user = User.objects.get(username=username)
        assert (user.scope.kind, user.scope.roles) == (kind, roles)
        assert user.check_password(DEMO_PASSWORD)
    assert User.objects.filter(username__in=LOGINS).count() == len(LOGINS)
    # the demo logins work against the API as their role says
    registrar = as_user(User.objects.get(username="gusu_registrar"))
    rows = registrar.get(ORGS, {"page_size": 200}).json()["results"]
    assert rows and all(row["region"] == "320508" for row in rows)
    unit_user = User.objects.get(username="unit_user")
    assert as_user(unit_user).post(ORGS, org_payload("320508"), format="json").status_code == 403
