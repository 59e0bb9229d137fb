"""Who must NOT see or change what: every role and token × list / detail / create / update, in and out of scope.

A refusal is checked twice: the status code, and that nothing in the registry (rows and history) changed."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from orgs.models import ApiToken, Organization
from orgs.services import token_issue
from tests.factories import as_token, as_user, make_org, make_unit

from .api_helpers import ORGS, UNITS, ids, org_payload, registry_snapshot

GUSU, WUZHONG, NANJING = "gusu", "wuzhong", "nanjing"
REGION_OF = {GUSU: "320508", WUZHONG: "320506", NANJING: "320102"}


@pytest.fixture
def world(db, gusu_org, wuzhong_org):
    """姑苏区 and 吴中区 organizations of 苏州, and one of 南京 (outside every Suzhou scope)."""
    nanjing_org = make_org("320102", name="玄武区软件行业协会", supervising_unit=make_unit("3201"))
    return {GUSU: gusu_org, WUZHONG: wuzhong_org, NANJING: nanjing_org}


def persona(name):
    return lambda request: as_user(request.getfixturevalue(name))


def token(scopes, region):
    return lambda request: as_token(scopes=scopes, region=region)


def anonymous(request):
    return APIClient()


def bad_token(request):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    return client


def revoked_token(request):
    _token, key = token_issue(name="revoked", scopes=["orgs:read", "orgs:write"], region="3205")
    ApiToken.objects.filter(pk=_token.pk).update(revoked_at=datetime.now(UTC))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def scopeless_login(request):
    """A login that has no UserScope (e.g. created in the admin and never given one)."""
    user = get_user_model().objects.create_user("nobody", password="x-pass-2026")
    return as_user(user)


R, W = ["orgs:read"], ["orgs:read", "orgs:write"]
DENIED = {
    op: 403
    for op in ("list", "detail_in", "detail_out", "create_in", "create_out", "update_in", "update_out")
}
UNAUTHENTICATED = {op: 401 for op in DENIED}


def reader(sees, inside=GUSU, outside=WUZHONG):
    return {
        "inside": inside, "outside": outside, "list": sees,
        "detail_in": 200, "detail_out": 404,
        "create_in": 403, "create_out": 403, "update_in": 403, "update_out": 403,
    }  # fmt: skip


def writer(sees, inside=GUSU, outside=WUZHONG):
    return {
        "inside": inside, "outside": outside, "list": sees,
        "detail_in": 200, "detail_out": 404,
        "create_in": 201, "create_out": 400, "update_in": 200, "update_out": 404,
    }  # fmt: skip


MATRIX = {
    "registrar_city": (persona("registrar_city"), writer({GUSU, WUZHONG}, outside=NANJING)),
    "registrar_gusu": (persona("registrar_gusu"), writer({GUSU})),
    "registrar_wuzhong": (persona("registrar_wuzhong"), writer({WUZHONG}, inside=WUZHONG, outside=GUSU)),
    "admin_city": (persona("admin_city"), writer({GUSU, WUZHONG}, outside=NANJING)),
    "supervisor_city": (persona("supervisor_city"), reader({GUSU, WUZHONG}, outside=NANJING)),
    "party_officer_city": (persona("party_officer_city"), reader({GUSU, WUZHONG}, outside=NANJING)),
    "statistician_gusu": (persona("statistician_gusu"), reader({GUSU})),
    "unit_staff": (persona("unit_staff"), reader({GUSU})),
    "other_unit_staff": (persona("other_unit_staff"), reader({WUZHONG}, inside=WUZHONG, outside=GUSU)),
    "org_user": (persona("org_user"), reader({GUSU})),
    "other_org_user": (persona("other_org_user"), reader({WUZHONG}, inside=WUZHONG, outside=GUSU)),
    "applicant": (persona("applicant"), DENIED),
    "scopeless_login": (scopeless_login, DENIED),
    "anonymous": (anonymous, UNAUTHENTICATED),
    "bad_token": (bad_token, UNAUTHENTICATED),
    "revoked_token": (revoked_token, UNAUTHENTICATED),
    "token_read_city": (token(R, "3205"), reader({GUSU, WUZHONG}, outside=NANJING)),
    "token_write_city": (token(W, "3205"), writer({GUSU, WUZHONG}, outside=NANJING)),
    "token_write_gusu": (token(W, "320508"), writer({GUSU})),
    "token_other_area": (token(["reports:read", "stats:read"], "3205"), DENIED),
}
OPERATIONS = ["list", "detail_in", "detail_out", "create_in", "create_out", "update_in", "update_out"]
CASES = [(actor, op) for actor in MATRIX for op in OPERATIONS]


@pytest.mark.parametrize(("actor", "operation"), CASES, ids=[f"{a}-{o}" for a, o in CASES])
def test_organization_matrix(request, world, actor, operation):
    make_client, expected = MATRIX[actor]
    client = make_client(request)
    want = expected[operation]
    inside = world.get(expected.get("inside", GUSU))
    outside = world.get(expected.get("outside", WUZHONG))
    target = inside if operation.endswith("_in") else outside
    before = registry_snapshot()

    if operation == "list":
        response = client.get(ORGS, {"page_size": 200})
        if isinstance(want, int):
            assert response.status_code == want
        else:
            assert response.status_code == 200
            assert ids(response) == {world[key].pk for key in want}
    elif operation.startswith("detail"):
        response = client.get(f"{ORGS}{target.pk}/")
        assert response.status_code == want
        if want == 200:
            assert response.json()["id"] == target.pk
    elif operation.startswith("create"):
        region = target.region_id
        payload = org_payload(region)
        response = client.post(ORGS, payload, format="json")
        assert response.status_code == want, response.content
        if want == 201:
            created = Organization.objects.get(pk=response.json()["id"])
            assert (created.name, created.region_id) == (payload["name"], region)
            assert created.history.get().history_type == "+"
        if want == 400:
            assert "region" in response.json()
        if want != 201:
            assert not Organization.objects.filter(name=payload["name"]).exists()
    else:
        response = client.patch(f"{ORGS}{target.pk}/", {"phone": "0512-60000000"}, format="json")
        assert response.status_code == want, response.content
        if want == 200:
            target.refresh_from_db()
            assert target.phone == "0512-60000000"
            assert target.history.latest().history_user is not None

    if want not in (200, 201) or operation == "list" or operation.startswith("detail"):
        assert registry_snapshot() == before, "a refused or read-only request changed the registry"


# Supervising units: the same questions, fewer actors (the unit's staff and organizations only read).

UNIT_MATRIX = {
    "registrar_city": (persona("registrar_city"), {"list": 200, "detail": 200, "create": 201, "update": 200}),
    "registrar_gusu": (persona("registrar_gusu"), {"list": 200, "detail": 404, "create": 400, "update": 404}),
    "supervisor_city": (persona("supervisor_city"), {"list": 200, "detail": 200, "create": 403, "update": 403}),
    "unit_staff": (persona("unit_staff"), {"list": 200, "detail": 200, "create": 403, "update": 403}),
    "other_unit_staff": (persona("other_unit_staff"), {"list": 200, "detail": 404, "create": 403, "update": 403}),
    "org_user": (persona("org_user"), {"list": 200, "detail": 200, "create": 403, "update": 403}),
    "applicant": (persona("applicant"), {"list": 403, "detail": 403, "create": 403, "update": 403}),
    "anonymous": (anonymous, {"list": 401, "detail": 401, "create": 401, "update": 401}),
    "token_read_city": (token(R, "3205"), {"list": 200, "detail": 200, "create": 403, "update": 403}),
    "token_write_city": (token(W, "3205"), {"list": 200, "detail": 200, "create": 201, "update": 200}),
    "token_write_nanjing": (token(W, "3201"), {"list": 200, "detail": 404, "create": 400, "update": 404}),
}  # fmt: skip
UNIT_CASES = [(actor, op) for actor in UNIT_MATRIX for op in ("list", "detail", "create", "update")]


@pytest.mark.parametrize(("actor", "operation"), UNIT_CASES, ids=[f"{a}-{o}" for a, o in UNIT_CASES])
def test_supervising_unit_matrix(request, world, unit, actor, operation):
    """`unit` (苏州市工业和信息化局, region 3205) supervises 姑苏区's organization."""
    make_client, expected = UNIT_MATRIX[actor]
    client = make_client(request)
    want = expected[operation]
    before = registry_snapshot()
    if operation == "list":
        response = client.get(UNITS)
        assert response.status_code == want
        if want == 200:
            visible = {row["id"] for row in response.json()["results"]}
            # the unit is listed exactly to those who may open it
            assert (unit.pk in visible) == (expected["detail"] == 200)
    elif operation == "detail":
        response = client.get(f"{UNITS}{unit.pk}/")
        assert response.status_code == want
    elif operation == "create":
        response = client.post(UNITS, {"name": "苏州市新设主管局", "region": "3205"}, format="json")
        assert response.status_code == want, response.content
        if want == 400:
            assert "region" in response.json()
    else:
        response = client.patch(f"{UNITS}{unit.pk}/", {"name": "苏州市工业和信息化局（改）"}, format="json")
        assert response.status_code == want, response.content
        if want == 200:
            unit.refresh_from_db()
            assert unit.name == "苏州市工业和信息化局（改）"
    if want not in (200, 201) or operation in ("list", "detail"):
        assert registry_snapshot() == before
