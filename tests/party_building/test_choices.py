"""Selects of organizations and party organizations list a few and search the rest: a province's thousands of
organizations or a national tree of 300,000 nodes are never written into a page, and a search shows only what
the officer may see."""

import re

import pytest

from orgs import widgets
from party_building import forms
from tests.factories import make_org

from .conftest import make_node
from .test_pages import browser

ORGANIZATIONS = "/party/options/organizations/"
NODES = "/party/options/nodes/"


def options(html: str) -> list[str]:
    return re.findall(r'<option value="(\d*)"', html)


@pytest.fixture
def few(monkeypatch):
    monkeypatch.setattr(widgets.SearchSelectMixin, "limit", 2)


def test_a_select_lists_the_first_few_and_the_chosen_and_searches_the_rest(party_officer_gusu, few):
    organizations = [make_org("320508", name=f"姑苏区第{i}行业协会") for i in range(5)]
    form = forms.AssignmentForm(user=party_officer_gusu, initial={"organization": organizations[4].pk})
    html = str(form["organization"])
    assert options(html) == ["", str(organizations[4].pk), str(organizations[0].pk), str(organizations[1].pk)]
    assert f'hx-get="{ORGANIZATIONS}?field=organization' in html and 'form=""' in html


def test_a_choice_beyond_those_listed_is_accepted(party_officer_gusu, few):
    organizations = [make_org("320508", name=f"姑苏区第{i}行业协会") for i in range(5)]
    form = forms.AssignmentForm(
        {"organization": organizations[4].pk, "from_date": "2026-01-05"}, user=party_officer_gusu
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organization"] == organizations[4]


def test_the_search_finds_organizations_of_the_officers_region_only(
    party_officer_gusu, django_assert_max_num_queries
):
    silk = make_org("320508", name="姑苏区丝绸行业协会")
    make_org("320508", name="姑苏区园林协会")
    other = make_org("320506", name="吴中区丝绸行业协会")
    client = browser(party_officer_gusu)
    with django_assert_max_num_queries(6):
        html = client.get(ORGANIZATIONS, {"q": "丝绸", "field": "organization"}).content.decode()
    assert options(html) == [str(silk.pk)] and other.name not in html
    chosen = client.get(
        ORGANIZATIONS, {"q": "园林", "field": "organization", "organization": [silk.pk, other.pk]}
    )
    html = chosen.content.decode()
    assert f'<option value="{silk.pk}" selected>' in html  # the chosen one stays, even if it does not match
    assert other.name not in html  # an id outside the region names nothing


def test_the_node_search_offers_the_empty_choice_and_live_nodes_in_scope(
    party_officer_gusu, industry_committee
):
    branch = make_node("姑苏区丝绸协会党支部", "branch", "320508", parent=industry_committee)
    make_node("姑苏区已撤销党支部", "branch", "320508", dissolved_on="2021-01-01")
    make_node("吴中区丝绸协会党支部", "branch", "320506")
    html = (
        browser(party_officer_gusu)
        .get(NODES, {"q": "党支部", "field": "parent", "empty": "(顶层)"})
        .content.decode()
    )
    assert html.startswith('<option value="">(顶层)</option>')
    assert options(html) == ["", str(branch.pk)]


def test_the_searches_need_the_party_scope(registrar_city):
    client = browser(registrar_city)
    assert client.get(ORGANIZATIONS, {"q": "协会"}).status_code == 403
    assert client.get(NODES, {"q": "党"}).status_code == 403


def test_a_party_organizations_search_offers_free_organizations_and_its_own(
    party_officer_gusu, industry_committee
):
    own, taken, free = (make_org("320508", name=f"姑苏区丝绸{n}协会") for n in ("一", "二", "三"))
    branch = make_node("丝绸一协会党支部", "branch", "320508", parent=industry_committee, organizations=[own])
    make_node("丝绸二协会党支部", "branch", "320508", parent=industry_committee, organizations=[taken])
    client = browser(party_officer_gusu)
    for node, offered in (("", {free}), (branch.pk, {own, free})):
        html = client.get(
            ORGANIZATIONS, {"q": "丝绸", "field": "organizations", "free": node}
        ).content.decode()
        assert set(options(html)) == {str(o.pk) for o in offered}
    assert f"{ORGANIZATIONS}?free={branch.pk}&amp;field=organizations" in str(
        forms.PartyOrganizationForm(user=party_officer_gusu, node=branch)["organizations"]
    )
