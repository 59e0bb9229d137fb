"""The party-organization tree through the API: building, moving, every rule, scope, query counts."""

import re
from datetime import date

import pytest

from party_building import selectors
from party_building.models import PartyCoverage, PartyOrganization
from tests.factories import as_token, as_user, make_org

from .conftest import make_node

URL = "/api/v1/party-organizations/"


def create(client, **data):
    return client.post(URL, data, format="json")


def test_officer_builds_a_three_level_tree_and_moves_a_subtree(party_officer_city):
    client = as_user(party_officer_city)
    org_a = make_org("320508")
    org_b = make_org("320508")
    top = create(client, name="两新工委", level="work_committee", region="3205").json()
    first = create(
        client, name="行业党委一", level="industry_committee", region="3205", parent=top["id"]
    ).json()
    second = create(
        client, name="行业党委二", level="industry_committee", region="3205", parent=top["id"]
    ).json()
    branch = create(
        client,
        name="丝绸协会党支部",
        level="branch",
        region="320508",
        parent=first["id"],
        organizations=[org_a.pk],
        formal_members=4,
        secretary="王书记",
        founded_on="2021-07-01",
    )
    assert branch.status_code == 201, branch.json()
    assert branch.json()["organizations"] == [org_a.pk]
    joint = create(
        client,
        name="联合党支部",
        level="joint_branch",
        region="320508",
        parent=branch.json()["id"],
        organizations=[org_b.pk, make_org("320508").pk],
        formal_members=3,
    )
    assert joint.status_code == 201, joint.json()

    subtree = client.get(f"{URL}{first['id']}/subtree/").json()
    assert [n["name"] for n in subtree["results"]] == ["行业党委一", "丝绸协会党支部", "联合党支部"]

    moved = client.post(f"{URL}{branch.json()['id']}/move/", {"parent": second["id"]}, format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["parent"] == second["id"]
    assert client.get(f"{URL}{first['id']}/subtree/").json()["count"] == 1
    names = [n["name"] for n in client.get(f"{URL}{second['id']}/subtree/").json()["results"]]
    assert names == ["行业党委二", "丝绸协会党支部", "联合党支部"]
    joint_node = PartyOrganization.objects.get(pk=joint.json()["id"])
    assert joint_node.depth == 4 and joint_node.path.startswith(
        PartyOrganization.objects.get(pk=second["id"]).path
    )
    assert (
        PartyOrganization.objects.get(pk=branch.json()["id"]).history.first().history_user
        == party_officer_city
    )


def test_moving_under_its_own_subtree_is_400(party_officer_city, work_committee, industry_committee):
    child = make_node("党委", "committee", "3205", parent=industry_committee)
    client = as_user(party_officer_city)
    response = client.post(f"{URL}{work_committee.pk}/move/", {"parent": child.pk}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()
    self_move = client.post(f"{URL}{work_committee.pk}/move/", {"parent": work_committee.pk}, format="json")
    assert self_move.status_code == 400 and "parent" in self_move.json()
    work_committee.refresh_from_db()
    assert work_committee.parent is None


def test_moving_into_a_parent_of_another_region_is_refused(party_officer_city):
    wuzhong = make_node("吴中区综合党委", "industry_committee", "320506", formal_members=0)
    gusu = make_node("姑苏区党委", "committee", "320508", formal_members=0)
    response = as_user(party_officer_city).post(
        f"{URL}{gusu.pk}/move/", {"parent": wuzhong.pk}, format="json"
    )
    assert response.status_code == 400 and "parent" in response.json()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"level": "branch", "formal_members": 2}, "formal_members"),
        ({"level": "joint_branch", "formal_members": 3, "organizations": "one"}, "organizations"),
        ({"level": "industry_committee", "organizations": "one"}, "organizations"),
        ({"level": "work_committee", "organizations": "one"}, "organizations"),
        ({"level": "branch", "formal_members": -1}, "formal_members"),
        ({"level": "branch", "formal_members": 3, "probationary_members": -2}, "probationary_members"),
        ({"level": "branch", "formal_members": "3.5"}, "formal_members"),
        ({"level": "branch", "formal_members": 3, "region": "320506"}, "region"),
    ],
)
def test_each_rule_is_a_400_naming_its_field(party_officer_city, industry_committee, payload, field):
    gusu = make_node("姑苏区行业党委", "committee", "320508", parent=industry_committee, formal_members=0)
    payload = {"name": "新支部", "region": "320508", "parent": gusu.pk, **payload}
    if payload.get("organizations") == "one":
        payload["organizations"] = [make_org("320508").pk]
    before = PartyOrganization.objects.count()
    response = create(as_user(party_officer_city), **payload)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert re.search(r"[\u4e00-\u9fff]", response.json()[field][0])  # in the user's language (zh-hans)
    assert PartyOrganization.objects.count() == before
    english = as_user(party_officer_city).post(URL, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert field in english.json() and re.match(r"[A-Z]", english.json()[field][0])  # and in English


def test_an_organization_is_covered_by_one_party_organization_at_a_time(party_officer_city):
    organization = make_org("320508")
    make_node("甲支部", "branch", "320508", organizations=[organization])
    response = create(
        as_user(party_officer_city),
        name="乙支部",
        level="branch",
        region="320508",
        formal_members=3,
        organizations=[organization.pk],
    )
    assert response.status_code == 400
    assert "甲支部" in response.json()["organizations"][0]


def test_dissolving_a_node_with_live_children_is_refused_and_then_closes_its_covers(party_officer_city):
    organization = make_org("320508")
    parent = make_node("党委", "committee", "320508", organizations=[organization])
    child = make_node("支部", "branch", "320508", parent=parent)
    client = as_user(party_officer_city)
    refused = client.patch(f"{URL}{parent.pk}/", {"dissolved_on": "2026-01-01"}, format="json")
    assert refused.status_code == 400 and "dissolved_on" in refused.json()
    assert client.patch(f"{URL}{child.pk}/", {"dissolved_on": "2026-01-01"}, format="json").status_code == 200
    done = client.patch(f"{URL}{parent.pk}/", {"dissolved_on": "2026-01-01"}, format="json")
    assert done.status_code == 200, done.json()
    assert not PartyCoverage.objects.filter(organization=organization, to_date__isnull=True).exists()


def test_changing_the_covered_organizations_keeps_the_dates(party_officer_city):
    first, second, third = make_org("320508"), make_org("320508"), make_org("320508")
    joint = make_node("联合支部", "joint_branch", "320508", organizations=[first, second])
    client = as_user(party_officer_city)
    response = client.patch(f"{URL}{joint.pk}/", {"organizations": [second.pk, third.pk]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["organizations"] == sorted([second.pk, third.pk])
    assert PartyCoverage.objects.get(organization=first).to_date is not None
    too_few = client.patch(f"{URL}{joint.pk}/", {"organizations": [second.pk]}, format="json")
    assert too_few.status_code == 400 and "organizations" in too_few.json()


def test_scope_403_without_party_scope_and_404_outside_the_region(
    registrar_city, party_officer_wuzhong, unit_staff
):
    node = make_node("姑苏支部", "branch", "320508")
    assert as_user(registrar_city).get(URL).status_code == 403
    assert as_user(unit_staff).get(URL).status_code == 403
    assert as_user(party_officer_wuzhong).get(f"{URL}{node.pk}/").status_code == 404
    assert as_user(None).get(URL).status_code == 401
    writer = as_token(scopes=["party:read"], region="3205")
    assert writer.get(f"{URL}{node.pk}/").status_code == 200
    assert (
        writer.post(URL, {"name": "x", "level": "committee", "region": "3205"}, format="json").status_code
        == 403
    )


def test_filters_and_updated_since(party_officer_city):
    organization = make_org("320508")
    make_node("姑苏支部", "branch", "320508", organizations=[organization])
    make_node("吴中支部", "branch", "320506")
    client = as_user(party_officer_city)
    assert [n["name"] for n in client.get(URL, {"region": "320508"}).json()["results"]] == ["姑苏支部"]
    assert [n["name"] for n in client.get(URL, {"organization": organization.pk}).json()["results"]] == [
        "姑苏支部"
    ]
    assert client.get(URL, {"level": "joint_branch"}).json()["results"] == []
    assert client.get(URL, {"updated_since": "2099-01-01T00:00:00Z"}).json()["results"] == []
    assert client.get(URL, {"region": "32x"}).status_code == 400


def test_subtree_loads_in_a_constant_number_of_queries(party_officer_city, django_assert_max_num_queries):
    organizations = [make_org("320508") for _ in range(3)]
    root = make_node("根", "work_committee", "3205", formal_members=0)
    level = [root]
    for depth in range(3):
        level = [
            make_node(
                f"节点{depth}-{i}",
                "committee",
                "320508",
                parent=parent,
                organizations=[organizations[depth]] if depth < 3 and i == 0 and parent is root else [],
            )
            for parent in level
            for i in range(4)
        ]
    total = PartyOrganization.objects.count()
    client = as_user(party_officer_city)
    with django_assert_max_num_queries(6):
        response = client.get(f"{URL}{root.pk}/subtree/")
    assert response.json()["count"] == total == 1 + 4 + 16 + 64


@pytest.mark.parametrize("rows", [10, 100])
def test_list_queries_do_not_grow(party_officer_city, rows, django_assert_max_num_queries):
    organizations = [make_org("320508") for _ in range(rows)]
    for index in range(rows):
        make_node(f"支部{index}", "branch", "320508", organizations=[organizations[index]])
    with django_assert_max_num_queries(6):
        response = as_user(party_officer_city).get(URL, {"page_size": 200})
    assert len(response.json()["results"]) == rows


def test_history_is_kept(party_officer_city):
    node = make_node("支部", "branch", "320508")
    as_user(party_officer_city).patch(f"{URL}{node.pk}/", {"secretary": "陈书记"}, format="json")
    record = node.history.first()
    assert record.secretary == "陈书记" and record.history_user == party_officer_city
    assert date.today()  # dates are plain dates


@pytest.mark.parametrize("small_subtree", [1000, 1])
def test_organizations_under_a_node_are_those_its_subtree_covers_today(
    industry_committee, small_subtree, monkeypatch
):
    """By the subtree's node ids (a small subtree) or by its path prefix (a large one): the same organizations."""
    monkeypatch.setattr(selectors, "SMALL_SUBTREE", small_subtree)
    silk, solar, lapsed, elsewhere = (make_org("320508") for _ in range(4))
    branch = make_node("丝绸协会党支部", "branch", "320508", parent=industry_committee, organizations=[silk])
    make_node("光伏协会党支部", "branch", "320508", parent=branch, organizations=[solar])
    make_node(
        "已撤销党支部",
        "branch",
        "320508",
        parent=branch,
        organizations=[lapsed],
        dissolved_on=date(2021, 1, 1),
    )
    make_node("别处党支部", "branch", "320508", organizations=[elsewhere])
    assert list(selectors.organizations_under(branch)) == sorted([silk, solar], key=lambda o: (o.name, o.pk))
    assert set(selectors.organizations_under(industry_committee)) == {silk, solar}
