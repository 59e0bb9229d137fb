"""Party-building personas and builders (on top of tests/conftest.py)."""

from datetime import date

import pytest

from party_building.models import Assignment, PartyCoverage, PartyInstructor, PartyOrganization, path_step
from tests.factories import make_org, make_person


@pytest.fixture
def party_officer_gusu(db):
    return make_person("party_officer_gusu", kind="staff", region_code="320508", roles=["party_officer"])


@pytest.fixture
def party_officer_wuzhong(db):
    return make_person("party_officer_wuzhong", kind="staff", region_code="320506", roles=["party_officer"])


@pytest.fixture
def instructor_user(db):
    return make_person("instructor_li", kind="staff", region_code="3205", roles=["instructor"])


def make_node(name, level, region_code, *, parent=None, organizations=(), formal_members=5, **fields):
    """A party organization saved directly (scaffolding; the services are tested through the API)."""
    node = PartyOrganization.objects.create(
        name=name,
        level=level,
        region_id=region_code,
        parent=parent,
        formal_members=formal_members,
        **fields,
    )
    node.path = (parent.path if parent else "") + path_step(node.pk)
    node.depth = len(node.path) // 11
    node.save(update_fields=["path", "depth"])
    for organization in organizations:
        PartyCoverage.objects.create(
            party_organization=node,
            organization=organization,
            from_date=fields.get("founded_on") or date(2020, 1, 1),
        )
    return node


def make_instructor(
    name="李指导", region_code="3205", *, user=None, organizations=(), from_date=date(2020, 1, 1)
):
    instructor = PartyInstructor.objects.create(
        name=name, unit="苏州市委社会工作部", region_id=region_code, phone="13912345678", user=user
    )
    for organization in organizations:
        Assignment.objects.create(instructor=instructor, organization=organization, from_date=from_date)
    return instructor


@pytest.fixture
def work_committee(db):
    return make_node("苏州市社会组织综合党委", "work_committee", "3205", formal_members=0)


@pytest.fixture
def industry_committee(work_committee):
    return make_node(
        "苏州市行业协会党委", "industry_committee", "3205", parent=work_committee, formal_members=0
    )


@pytest.fixture
def world(db):
    """A small world: in 姑苏 one org with its own branch, two under a joint branch, one with only an instructor,
    one with nothing, one deregistered; in 吴中 one with its own branch and two with nothing; one at city level
    with an instructor; a dissolved branch covering nothing now."""
    g_own = make_org("320508", name="姑苏甲协会")
    g_joint1 = make_org("320508", name="姑苏乙协会", org_type="social_service_agency")
    g_joint2 = make_org("320508", name="姑苏丙协会")
    g_instr = make_org("320508", name="姑苏丁协会", org_type="foundation")
    g_none = make_org("320508", name="姑苏戊协会")
    g_dead = make_org("320508", name="姑苏己协会", status="deregistered", deregistered_on=date(2020, 1, 1))
    w_own = make_org("320506", name="吴中甲协会")
    w_none1 = make_org("320506", name="吴中乙协会")
    w_none2 = make_org("320506", name="吴中丙协会", org_type="social_service_agency")
    city_instr = make_org("3205", name="苏州市甲协会")
    make_node("姑苏甲支部", "branch", "320508", organizations=[g_own], founded_on=date(2019, 7, 1))
    make_node("姑苏联合支部", "joint_branch", "320508", organizations=[g_joint1, g_joint2])
    make_node("吴中甲支部", "branch", "320506", organizations=[w_own])
    make_node("已撤销支部", "branch", "320508", dissolved_on=date(2021, 1, 1))
    instructor = make_instructor(organizations=[g_instr, city_instr])
    return {
        "g": [g_own, g_joint1, g_joint2, g_instr, g_none],
        "w": [w_own, w_none1, w_none2],
        "city": [city_instr],
        "org_covered": {g_own, g_joint1, g_joint2, w_own},
        "instructed": {g_instr, city_instr},
        "dead": g_dead,
        "instructor": instructor,
    }
