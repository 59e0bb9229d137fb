"""Party building in a real browser: the city's party-work officer opens the tree (htmx), adds a joint branch
covering two organizations under the industry committee, and sees the coverage figure and the worklist change.

Selectors are field names, ids and roles (the labels are translated)."""

import re

import pytest
from playwright.sync_api import expect

from party_building.models import PartyCoverage, PartyOrganization
from tests.factories import make_org
from tests.party_building.conftest import make_node

pytestmark = pytest.mark.e2e

JOINT = "姑苏区丝绸行业联合党支部"


def test_officer_adds_a_joint_branch_and_sees_coverage_change(page, login, party_officer_city):
    covered = make_org("320508", name="姑苏区刺绣协会")
    first = make_org("320508", name="姑苏区丝绸商会")
    second = make_org("320508", name="姑苏区宋锦研究会")
    left = make_org("320508", name="姑苏区评弹艺术协会")
    committee = make_node("苏州市社会组织综合党委", "work_committee", "3205", formal_members=0)
    industry = make_node(
        "苏州市丝绸行业党委", "industry_committee", "3205", parent=committee, formal_members=0
    )
    make_node("刺绣协会党支部", "branch", "320508", parent=industry, organizations=[covered])

    login(page, "party_officer_city")

    # Coverage before: one of the four organizations of 姑苏区; the other three are on the worklist.
    page.goto("/party/coverage/?region=320508")
    expect(page.locator("#org-coverage")).to_have_text("25.0%")
    expect(page.locator("#work-coverage")).to_have_text("25.0%")
    uncovered = page.locator("#worklist-uncovered")
    expect(uncovered).to_contain_text(first.name)
    expect(uncovered).to_contain_text(second.name)

    # The tree: the work committee at the top; its levels open one by one (htmx).
    page.goto("/party/")
    tree = page.locator("#party-tree")
    expect(tree).to_contain_text(committee.name)
    expect(tree).not_to_contain_text(industry.name)
    page.locator(f"#node-{committee.pk} > .party-toggle").click()
    expect(page.locator(f"#children-{committee.pk}")).to_contain_text(industry.name)

    # A joint branch under the industry committee covering the two uncovered organizations.
    page.locator('a[href="/party/nodes/new/"]').click()
    form = page.locator("#node-form")
    form.locator('[name="name"]').fill(JOINT)
    form.locator('select[name="level"]').select_option("joint_branch")
    form.locator('select[name="region"]').select_option("320508")
    form.locator('select[name="parent"]').select_option(str(industry.pk))
    form.locator('[name="secretary"]').fill("沈书记")
    form.locator('[name="formal_members"]').fill("2")
    form.locator('select[name="organizations"]').select_option([str(first.pk)])
    form.locator('button[type="submit"]').click()

    # A rule refuses it beside its field (a joint branch needs 3 formal members), and nothing is saved.
    form = page.locator("#node-form")
    expect(form.locator('[name="formal_members"]')).to_have_class(re.compile(r"is-invalid"))
    expect(page.get_by_role("alert").first).to_be_visible()
    assert not PartyOrganization.objects.filter(name=JOINT).exists()
    form.locator('[name="formal_members"]').fill("4")
    choices = form.locator('select[name="organizations"]')
    expect(choices.locator(f'option[value="{covered.pk}"]')).to_have_count(0)  # already covered: not offered
    expect(choices.locator(f'option[value="{left.pk}"]')).to_be_visible()
    # searching the list by name: the chosen one stays, others not matching are gone, covered ones never come
    form.locator('input[aria-controls="id_organizations"]').fill("宋锦")
    expect(choices.locator(f'option[value="{left.pk}"]')).to_have_count(0)
    expect(choices.locator(f'option[value="{second.pk}"]')).to_be_visible()
    expect(choices.locator(f'option[value="{first.pk}"]')).to_have_count(1)
    expect(choices.locator(f'option[value="{covered.pk}"]')).to_have_count(0)
    form.locator('select[name="organizations"]').select_option([str(first.pk), str(second.pk)])
    form.locator('button[type="submit"]').click()
    joint = PartyOrganization.objects.get(name=JOINT)
    expect(page).to_have_url(re.compile(rf"/party/nodes/{joint.pk}/$"))
    expect(page.locator("body")).to_contain_text(first.name)
    expect(page.locator("body")).to_contain_text(second.name)
    assert set(
        PartyCoverage.objects.filter(party_organization=joint).values_list("organization_id", flat=True)
    ) == {
        first.pk,
        second.pk,
    }

    # In the tree, under the industry committee.
    page.goto("/party/")
    page.locator(f"#node-{committee.pk} > .party-toggle").click()
    page.locator(f"#node-{industry.pk} > .party-toggle").click()
    expect(page.locator(f"#children-{industry.pk}")).to_contain_text(JOINT)

    # Coverage after: three of the four; the two left the worklist of organizations with nothing.
    page.goto("/party/coverage/?region=320508")
    expect(page.locator("#org-coverage")).to_have_text("75.0%")
    expect(page.locator("#org-coverage-count")).to_contain_text("3")
    expect(page.locator("#coverage-by-region")).to_contain_text("3 · 75.0%")
    uncovered = page.locator("#worklist-uncovered")
    expect(uncovered).to_contain_text(left.name)
    expect(uncovered).not_to_contain_text(first.name)
    expect(uncovered).not_to_contain_text(second.name)
