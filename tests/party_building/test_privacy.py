"""Whether a named person is a party member: only party officers and instructors in scope, and the organization's
own users. Never the public, supervising units, other organizations or registrars: pages, the API, exports."""

import pytest
from django.test import Client

from party_building.models import OrganizationLeader
from tests.factories import PASSWORD, as_token, as_user, make_org

from .conftest import make_instructor

URL = "/api/v1/organization-leaders/"
PAGE = "/party/leaders/"
EXPORT = "/party/leaders/export.csv"


@pytest.fixture
def leader(gusu_org):
    return OrganizationLeader.objects.create(
        organization=gusu_org,
        name="钱会长",
        position="president",
        is_party_member=True,
        party_role="党支部书记",
    )


def browser(user) -> Client:
    client = Client()
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def api_fields(user_or_client, leader):
    client = user_or_client if hasattr(user_or_client, "credentials") else as_user(user_or_client)
    response = client.get(f"{URL}{leader.pk}/")
    return response.status_code, set(response.json()) if response.status_code == 200 else set()


@pytest.mark.parametrize(
    "persona",
    ["party_officer_city", "org_user"],
    ids=["party officer in scope", "the organization's own user"],
)
def test_who_sees_party_membership(request, persona, leader):
    user = request.getfixturevalue(persona)
    status, fields = api_fields(user, leader)
    assert status == 200 and {"is_party_member", "party_role"} <= fields
    html = browser(user).get(PAGE).content.decode()
    assert "党支部书记" in html
    export = browser(user).get(EXPORT).content.decode("utf-8-sig")
    assert "党支部书记" in export


def test_instructor_sees_it_for_assigned_organizations_only(instructor_user, leader, gusu_org):
    other = make_org("320508")
    hidden = OrganizationLeader.objects.create(
        organization=other, name="别的会长", position="president", is_party_member=True, party_role="支部委员"
    )
    make_instructor(user=instructor_user, organizations=[gusu_org])
    assert "is_party_member" in api_fields(instructor_user, leader)[1]
    assert as_user(instructor_user).get(f"{URL}{hidden.pk}/").status_code == 404


@pytest.mark.parametrize(
    "persona",
    [
        "registrar_city",
        "unit_staff",
        "other_org_user",
        "party_officer_wuzhong",
        "statistician_city",
        "supervisor_city",
    ],
    ids=[
        "registrar",
        "supervising unit",
        "another organization",
        "officer of another district",
        "statistician (party:read, not party work)",
        "fee supervisor",
    ],
)
def test_who_must_not_see_party_membership(request, persona, leader):
    user = request.getfixturevalue(persona)
    status, fields = api_fields(user, leader)
    assert "is_party_member" not in fields and "party_role" not in fields
    listed = as_user(user).get(URL)
    if listed.status_code == 200:
        for row in listed.json()["results"]:
            assert "is_party_member" not in row and "party_role" not in row
    page = browser(user).get(PAGE)
    assert "党支部书记" not in page.content.decode()
    export = browser(user).get(EXPORT)
    assert "党支部书记" not in export.content.decode("utf-8-sig")
    assert "党员" not in export.content.decode("utf-8-sig")  # not even the column


def test_the_public_sees_nothing(leader):
    assert as_user(None).get(URL).status_code == 401
    assert Client().get(PAGE).status_code == 302
    assert Client().get(EXPORT).status_code == 302
    public = Client().get(f"/public/organizations/{leader.organization_id}/")
    assert "党支部书记" not in public.content.decode()


def test_api_fields_absent_without_party_read(leader):
    without = as_token(scopes=["orgs:read"], region="3205")
    assert {"is_party_member", "party_role"} & api_fields(without, leader)[1] == set()
    with_scope = as_token(scopes=["orgs:read", "party:read"], region="3205")
    assert {"is_party_member", "party_role"} <= api_fields(with_scope, leader)[1]


def test_only_party_write_changes_leaders(registrar_city, org_user, leader):
    assert (
        as_user(registrar_city).patch(f"{URL}{leader.pk}/", {"name": "x"}, format="json").status_code == 403
    )
    assert as_user(org_user).delete(f"{URL}{leader.pk}/").status_code == 403
    assert OrganizationLeader.objects.filter(pk=leader.pk).exists()


def test_officer_edits_and_deletes_a_leader(party_officer_city, leader):
    client = as_user(party_officer_city)
    changed = client.patch(f"{URL}{leader.pk}/", {"party_role": "党员"}, format="json")
    assert changed.status_code == 200 and changed.json()["party_role"] == "党员"
    assert client.delete(f"{URL}{leader.pk}/").status_code == 204
    assert not OrganizationLeader.objects.exists()


@pytest.mark.parametrize("rows", [10, 100])
def test_leader_list_queries_do_not_grow(
    party_officer_city, registrar_city, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        OrganizationLeader.objects.create(organization=make_org("320508"), name="甲", position="director")
    for user in (party_officer_city, registrar_city):
        with django_assert_max_num_queries(5):
            response = as_user(user).get(URL, {"page_size": 200})
        assert len(response.json()["results"]) == rows


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("party_officer_city", True), ("statistician_city", False), ("registrar_city", False)],
)
def test_the_rows_behind_the_cross_appointment_rate_are_for_party_work_only(
    request, persona, allowed, leader
):
    """The rate itself is a statistic; its rows would tell whose president is a party member."""
    user = request.getfixturevalue(persona)
    year = leader.organization.registered_on.year + 1
    query = {"metric": "cross_appointment_rate", "year": year, "region": "3205"}
    api = as_user(user).get("/api/v1/stats/drilldown/", query)
    page = browser(user).get("/reports/drilldown/", query)
    export = as_user(user).post(
        "/api/v1/exports/", {"source": "drilldown", "format": "csv", "filters": query}, format="json"
    )
    if allowed:
        assert (api.status_code, page.status_code) == (200, 200)
        assert export.status_code in (200, 201, 202)
    else:
        assert (api.status_code, page.status_code, export.status_code) == (403, 403, 403)
    # Any other figure's rows stay open to a statistician.
    other = as_user(user).get("/api/v1/stats/drilldown/", {**query, "metric": "party_organizations"})
    assert other.status_code == 200


def test_the_cross_appointment_rate_itself_is_a_statistic_for_everyone_with_stats_read(
    statistician_city, leader
):
    response = as_user(statistician_city).get(
        "/api/v1/stats/", {"metric": "cross_appointment_rate", "year": 2025, "region": "3205"}
    )
    assert response.status_code == 200
