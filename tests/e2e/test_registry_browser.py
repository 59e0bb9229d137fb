"""The registry in a real browser: a city registrar filters the list, registers an organization, is told
beside the field that its credit code is wrong, corrects it, and finds the registration in the history.

Selectors are field names, ids and roles (the labels are translated)."""

import re

import pytest
from playwright.sync_api import expect

from orgs.codes import credit_code_check_char
from orgs.models import Organization
from tests.factories import credit_code_for

pytestmark = pytest.mark.e2e

NEW_NAME = "姑苏区评弹艺术研究会"


def wrong_check_character(code: str) -> str:
    expected = code[-1]
    return code[:-1] + ("0" if expected != "0" else "1")


def test_registrar_filters_registers_and_sees_the_history(
    page, login, registrar_city, unit, gusu_org, wuzhong_org
):
    login(page, "registrar_city")

    # The list: both districts of the city, then only 姑苏区 once the region filter is chosen.
    page.goto("/organizations/")
    table = page.locator("#org-table")
    expect(table).to_contain_text(gusu_org.name)
    expect(table).to_contain_text(wuzhong_org.name)
    filters = page.get_by_role("search")
    # The region select lists the first regions of the scope; typing in its search box asks for the others.
    region_options = filters.locator('select[name="region"] option')
    filters.get_by_role("searchbox", name="搜索选项").first.fill("姑苏")
    expect(region_options).to_have_count(2)  # 全部, 江苏省苏州市姑苏区 (320508)
    expect(region_options.nth(1)).to_have_text("江苏省苏州市姑苏区 (320508)")
    filters.locator('select[name="region"]').select_option("320508")
    filters.locator('button[type="submit"]').click()
    expect(table).not_to_contain_text(wuzhong_org.name)
    expect(table).to_contain_text(gusu_org.name)
    expect(page).to_have_url(re.compile(r"region=320508"))

    # The search box narrows by name (pinyin initials and credit codes work too).
    filters.get_by_role("searchbox", name="名称、信用代码或拼音首字母").fill("光伏")
    filters.locator('select[name="region"]').select_option("")
    filters.locator('button[type="submit"]').click()
    expect(table).to_contain_text(wuzhong_org.name)
    expect(table).not_to_contain_text(gusu_org.name)

    # Register: a credit code with a wrong check character is refused beside the field, nothing is saved.
    page.locator('a[href="/organizations/new/"]').click()
    expect(page).to_have_url(re.compile(r"/organizations/new/$"))
    form = page.locator("form.portal-form")
    good_code = credit_code_for("social_group", "320508")
    form.locator('[name="name"]').fill(NEW_NAME)
    form.locator('select[name="org_type"]').select_option("social_group")
    form.locator('select[name="category"]').select_option("academic")
    form.locator('select[name="region"]').select_option("320508")
    form.locator('select[name="supervising_unit"]').select_option(str(unit.pk))
    form.locator('[name="registered_on"]').fill("2026-03-01")
    form.locator('[name="legal_representative"]').fill("李四")
    form.locator('[name="address"]').fill("苏州市姑苏区平江路1号")
    form.locator('[name="credit_code"]').fill(wrong_check_character(good_code))
    form.locator('button[type="submit"]').click()

    credit_code = page.locator('[name="credit_code"]')
    expect(credit_code).to_have_class(re.compile(r"\bis-invalid\b"))
    feedback = page.locator("#div_id_credit_code .invalid-feedback")
    expect(feedback).to_be_visible()
    expect(feedback).to_contain_text(credit_code_check_char(good_code[:17]))  # "should be <expected>"
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.locator('[name="name"]')).to_have_value(NEW_NAME)  # the rest is kept
    assert not Organization.objects.filter(name=NEW_NAME).exists()

    # Corrected, it is registered and the detail page shows it, with the registrar in its history.
    credit_code.fill(good_code)
    page.locator('form.portal-form button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/organizations/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(NEW_NAME)
    organization = Organization.objects.get(name=NEW_NAME)
    assert organization.credit_code == good_code
    assert organization.region_id == "320508"
    history = page.locator("#history")
    expect(history).to_contain_text("registrar_city")
    expect(history.locator("li")).to_have_count(1)

    # A change with a reason: the history shows who, why, and the old and new values.
    page.locator(f'a[href="/organizations/{organization.pk}/edit/"]').click()
    page.locator('form.portal-form [name="phone"]').fill("0512-67770000")
    page.locator('form.portal-form [name="reason"]').fill("更正联系电话")
    page.locator('form.portal-form button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"/organizations/{organization.pk}/$"))
    expect(history.locator("li")).to_have_count(2)
    expect(history.locator("li").first).to_contain_text("更正联系电话")
    expect(history.locator("li").first.locator(".change-new")).to_have_text("0512-67770000")

    # The history page says the same, and the new organization is in the list.
    history.locator(f'a[href="/organizations/{organization.pk}/history/"]').click()
    expect(page).to_have_url(re.compile(rf"/organizations/{organization.pk}/history/$"))
    expect(page.locator(".portal-history > li")).to_have_count(2)
    expect(page.locator(".portal-history")).to_contain_text("registrar_city")
    page.goto("/organizations/?q=评弹")
    expect(page.locator("#org-table")).to_contain_text(NEW_NAME)
