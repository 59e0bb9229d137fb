"""An enterprise complains on the public form; the supervisor works the case to closure; the notice is public."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from fees.models import FeeCase
from tests.factories import make_person

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def world(db, gusu_org, supervisor_city):
    association = make_person("assoc_user", kind="org", org=gusu_org)
    return {"org": gusu_org, "supervisor": supervisor_city, "association": association}


def fees_waived_on_the_dashboard(page, login) -> Decimal:
    """Rebuild this year's figures (the nightly job) and read `fees_waived` of 苏州市 off the dashboard."""
    year = timezone.localdate().year
    call_command("build_stats", year=[year], verbosity=0)
    page.context.clear_cookies()
    login(page, "supervisor_city")
    page.goto(f"/reports/?region=3205&year={year}&metric=fees_waived")
    shown = page.locator('a[data-metric="fees_waived"]').first.inner_text()
    return Decimal(shown.replace(",", ""))


def test_complaint_to_public_notice(page, login, world, tmp_path):
    organization = world["org"]
    before = fees_waived_on_the_dashboard(page, login)
    page.context.clear_cookies()
    # 1. The enterprise complains without logging in.
    page.goto("/public/fee-complaints/")
    page.get_by_label("协会商会").fill(str(organization.pk))
    page.get_by_label("收费项目").fill("强制入会费")
    page.get_by_label("收费金额（元）").fill("6000.00")
    page.get_by_label("情况说明").fill("不入会就不出具行业证明")
    page.get_by_label("企业名称").fill("苏州某精密机械有限公司")
    page.get_by_label("联系人").fill("周经理")
    page.get_by_label("联系电话").fill("13700002222")
    question = page.locator("#hint_id_challenge_answer, .form-text").filter(has_text="= ?").first.inner_text()
    a, b = map(int, re.search(r"(\d+) \+ (\d+)", question).groups())
    page.get_by_label("答案").fill(str(a + b))
    page.get_by_role("button", name="提交投诉").click()
    tracking = page.locator("#tracking-number").inner_text()
    case = FeeCase.objects.get(tracking_number=tracking)
    FeeCase.objects.filter(pk=case.pk).update(enterprises_affected=40)

    # 2. The supervisor accepts, investigates and decides: waive + notify.
    login(page, "supervisor_city")
    page.goto(f"/fees/cases/{case.pk}/")
    assert page.get_by_text("周经理").count() == 1
    page.get_by_role("button", name="受理", exact=True).click()
    page.get_by_role("button", name="开始调查").click()
    page.get_by_label("是", exact=True).check()
    waive = page.locator(".border").filter(has_text="减免")
    waive.get_by_role("checkbox").check()
    waive.get_by_label("金额（元）").fill("5400.00")
    waive.get_by_label("惠及企业数").fill("36")
    page.locator(".border").filter(has_text="通报").get_by_role("checkbox").check()
    deadline = timezone.localdate() + timedelta(days=20)
    page.get_by_label("整改期限").fill(deadline.isoformat())
    page.get_by_role("button", name="作出认定").click()
    page.get_by_text("整改中").first.wait_for()

    # 3. The association uploads its evidence; it never sees the complainant.
    page.context.clear_cookies()
    login(page, "assoc_user")
    page.goto(f"/fees/my/cases/{case.pk}/")
    assert page.get_by_text("周经理").count() == 0 and page.get_by_text("13700002222").count() == 0
    evidence = tmp_path / "refund.pdf"
    evidence.write_bytes(PDF)
    page.get_by_label("整改材料（PDF 或图片）").set_input_files(str(evidence))
    page.get_by_role("button", name="提交整改材料").click()
    page.get_by_text("整改材料已提交").wait_for()

    # 4. The supervisor verifies and closes; the notice is public.
    page.context.clear_cookies()
    login(page, "supervisor_city")
    page.goto(f"/fees/cases/{case.pk}/")
    page.get_by_role("button", name="核验整改").click()
    page.get_by_role("button", name="办结", exact=True).click()
    page.get_by_text("已办结").first.wait_for()
    page.context.clear_cookies()
    page.goto("/public/fee-notices/")
    assert page.get_by_text(f"关于{organization.name}违规涉企收费的通报").count() == 1
    assert "5400.00" in page.content()

    # 5. After the night's build the dashboard's figure has risen by the amount waived.
    assert fees_waived_on_the_dashboard(page, login) == before + Decimal("5400.00")
