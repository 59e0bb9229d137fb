"""The `q` search: name substring, traditional characters, pinyin initials, credit-code prefix."""

import pytest

from orgs.models import Organization
from orgs.search import name_initials, name_pairs, name_search_q, to_simplified
from tests.factories import as_user, make_org

from .api_helpers import ORGS


@pytest.fixture
def composite(db):
    return make_org("320508", name="中国复合材料工业协会")


@pytest.fixture
def others(db):
    return [make_org("320508", name="姑苏区丝绸行业协会"), make_org("320506", name="吴中区光伏行业协会")]


def search(user, q):
    response = as_user(user).get(ORGS, {"q": q})
    assert response.status_code == 200
    return {row["name"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "q",
    [
        "复合材料",  # substring
        "中国复合材料工业协会",  # the whole name
        "中國複合材料工業協會",  # traditional characters
        "複合材料",  # part, traditional
        "zgfhcl",  # pinyin initials
        "ZGFHCL",
        "fhclgy",  # initials from the middle
        "  复合  ",  # spaces around
    ],
)
def test_finds_the_association(registrar_city, composite, others, q):
    assert search(registrar_city, q) == {"中国复合材料工业协会"}


def test_credit_code_prefix(registrar_city, composite, others):
    code = composite.credit_code
    assert search(registrar_city, code[:16]) == {"中国复合材料工业协会"}
    assert search(registrar_city, code[:16].lower()) == {"中国复合材料工业协会"}
    assert search(registrar_city, code[2:16]) == set()  # a prefix, not any substring
    full_width = code[:16].translate({ord(c): ord(c) + 0xFEE0 for c in code[:16]})
    assert search(registrar_city, full_width) == {"中国复合材料工业协会"}


@pytest.mark.parametrize(
    ("q", "prefix"),
    [
        ("5132", True),
        ("5132 0508", True),
        ("fhcl", False),  # GB 32100 letters, but no civil-affairs code begins with them
        ("5", True),
        ("59", True),
        ("58", False),  # 5 then a type digit civil affairs does not issue
        ("复合材料", False),
        ("IOSV", False),
        ("5" * 19, False),
    ],
)
def test_code_prefix_only_for_what_a_credit_code_can_start_with(q, prefix):
    lookups = [child[0] for child in name_search_q(q, code="credit_code").children]
    assert ("credit_code__startswith" in lookups) is prefix


def test_nothing_matches(registrar_city, composite, others):
    assert search(registrar_city, "不存在的名字") == set()
    assert search(registrar_city, "xyzxyz") == set()


def test_search_stays_in_scope(registrar_wuzhong, composite, others):
    assert search(registrar_wuzhong, "zgfhcl") == set()
    assert search(registrar_wuzhong, "行业协会") == {"吴中区光伏行业协会"}


def test_initials_follow_a_rename(registrar_gusu, composite):
    response = as_user(registrar_gusu).patch(
        f"{ORGS}{composite.pk}/", {"name": "苏州丝绸协会"}, format="json"
    )
    assert response.status_code == 200
    assert Organization.objects.get(pk=composite.pk).name_initials == "szscxh"
    assert search(registrar_gusu, "szsc") == {"苏州丝绸协会"}
    assert search(registrar_gusu, "zgfhcl") == set()


def test_helpers():
    assert to_simplified("中國複合材料工業協會") == "中国复合材料工业协会"
    assert name_initials("中国复合材料工业协会") == "zgfhclgyxh"
    assert name_initials("A股投资者协会") == "agtzzxh"


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("复合", {"中国复合材料工业协会"}),  # two characters: looked up among the name's pairs
        ("複合", {"中国复合材料工业协会"}),  # traditional
        ("丝绸", {"姑苏区丝绸行业协会"}),
        ("zg", {"中国复合材料工业协会"}),  # two pinyin initials
        ("ZG", {"中国复合材料工业协会"}),
        ("it", {"苏州IT服务业协会"}),  # two letters of the name itself, either case
        ("IT", {"苏州IT服务业协会"}),
        ("协会", {"中国复合材料工业协会", "姑苏区丝绸行业协会", "吴中区光伏行业协会", "苏州IT服务业协会"}),
        ("复材", set()),  # both in the name, but not side by side
        ("会中", set()),  # not across two names' pairs
    ],
)
def test_two_characters(registrar_city, composite, others, q, found):
    make_org("320508", name="苏州IT服务业协会")
    assert search(registrar_city, q) == found


def test_two_characters_find_what_a_substring_search_finds(registrar_city, composite, others):
    """Every pair of neighbouring characters of every name, looked up as the API's `q`, finds exactly the names
    that contain it (case aside), as `icontains` does for longer terms."""
    make_org("320508", name="苏州 IT 服务业协会（筹）")
    names = set(Organization.objects.values_list("name", flat=True))
    terms = {name[i : i + 2] for name in names for i in range(len(name) - 1)} - {""}
    for term in sorted(terms):
        if term != term.strip():
            continue  # a term is stripped: a pair with a space is one character
        expected = {n for n in names if term.lower() in n.lower() or term.lower() in name_initials(n)}
        assert search(registrar_city, term) == expected, term


def test_pairs_follow_a_rename(registrar_gusu, composite):
    response = as_user(registrar_gusu).patch(
        f"{ORGS}{composite.pk}/", {"name": "苏州丝绸协会"}, format="json"
    )
    assert response.status_code == 200
    assert search(registrar_gusu, "丝绸") == {"苏州丝绸协会"}
    assert search(registrar_gusu, "复合") == set()


def test_name_pairs():
    assert name_pairs("苏州围棋协会", "szwqxh") == " 苏州 州围 围棋 棋协 协会 sz zw wq qx xh "
    assert name_pairs("A股 协会", "agxh") == " a股 协会 ag gx xh "  # no pair across a space; lower-cased
    assert name_pairs("会", "h") == ""


def test_the_migration_fills_the_pairs_of_organizations_registered_before(composite, others):
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    fill_pairs = import_module("orgs.migrations.0009_name_pairs").fill_pairs
    Organization.objects.update(name_pairs="")
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    fill_pairs(apps, editor)
    assert {o.name: o.name_pairs for o in Organization.objects.all()} == {
        o.name: name_pairs(o.name, o.name_initials) for o in [composite, *others]
    }
