"""Registration in a real browser: an initiator signs up (the e-mail link activates the login), applies to
establish a social service agency with one material missing, receives the correction notice, fixes it; the
supervising unit consents, the district registrar accepts and approves; the organization is in the registry,
its certificate downloads, and the public announcement lists it.

Selectors are field names, ids and data-testid attributes (the labels are translated)."""

import re

import pypdf
import pytest
from django.core import mail
from playwright.sync_api import expect

from orgs.models import Organization, RegistrationApplication
from orgs.registration.defaults import ensure_defaults
from tests.factories import id_number_for

pytestmark = pytest.mark.e2e

EMAIL = "chuangbanren@example.cn"
PASSWORD = "Faqiren-2026-pass"
NAME = "苏州市姑苏区阳光社会工作服务中心"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MISSING = "qualification"  # 行业许可或资质证明: not required by the checklist, but this centre needs it


@pytest.fixture
def person_page(browser, live_url, login):
    """person_page(username, password=…): a separate browser context, logged in."""
    contexts = []

    def open_as(username, password=None):
        context = browser.new_context(
            base_url=str(live_url), locale="zh-CN", viewport={"width": 1400, "height": 1000}
        )
        context.set_default_timeout(10000)
        contexts.append(context)
        page = context.new_page()
        login(page, username, *([password] if password else []))
        return page

    yield open_as
    for context in contexts:
        context.close()


def upload(page, item):
    row = page.locator(f'#materials li[data-item="{item}"]')
    row.locator('input[type="file"]').set_input_files(
        {"name": f"{item}.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    row.locator(f'[data-testid="upload-{item}"]').click()
    expect(page.locator(f'#materials li[data-item="{item}"] [data-testid="uploaded"]')).to_be_visible()


def test_sign_up_apply_correct_consent_approve_certificate_announcement(
    page, browser, live_url, person_page, login, unit, unit_staff, registrar_gusu
):
    ensure_defaults()

    # Sign up; the confirmation link comes by e-mail (Django's mail backend) and activates the login.
    page.goto("/signup/")
    page.locator('[name="email"]').fill(EMAIL)
    page.locator('[name="password"]').fill(PASSWORD)
    page.locator('[name="password2"]').fill(PASSWORD)
    page.locator('[data-testid="signup"]').click()
    expect(page.locator('[data-testid="signup-sent"]')).to_contain_text(EMAIL)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [EMAIL]
    link = re.search(r"https?://\S+/signup/confirm/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/login/"))
    login(page, EMAIL, PASSWORD)

    # Choose what to apply for: the checklist for exactly that choice is shown before anything is filled.
    page.goto("/registration/new/")
    page.locator('select[name="kind"]').select_option("establish")
    page.locator('select[name="org_type"]').select_option("social_service_agency")
    page.locator('select[name="region"]').select_option("320508")
    expect(page.locator("#checklist")).to_contain_text("开办资金验资证明")
    page.locator('[data-testid="start"]').click()
    expect(page).to_have_url(re.compile(r"/registration/\d+/edit/$"))
    application_id = int(re.search(r"/registration/(\d+)/", page.url).group(1))

    # Step 1 and 2: the particulars.
    page.locator('[name="name"]').fill(NAME)
    page.locator('select[name="category"]').select_option("other")  # needs the supervising unit's consent
    expect(page.locator('select[name="region"]')).to_have_value("320508")
    page.locator('select[name="supervising_unit"]').select_option(str(unit.pk))
    page.locator('[data-testid="save"]').click()
    expect(page).to_have_url(re.compile(r"step=people"))
    page.locator('[name="legal_representative"]').fill("李明")
    page.locator('[name="legal_representative_id_number"]').fill(id_number_for("320508", seq=7))
    page.locator('[name="registered_capital"]').fill("100000")
    page.locator('[name="address"]').fill("苏州市姑苏区人民路100号")
    page.locator('[name="phone"]').fill("0512-65550001")
    page.locator('[name="business_scope"]').fill("社会工作服务、养老服务")
    page.locator('[data-testid="save"]').click()
    expect(page).to_have_url(re.compile(r"step=materials"))

    # Step 3: every required material but one; submitting is refused and names the missing item.
    for item in ("application", "charter", "funds_proof", "leaders"):
        upload(page, item)
    page.locator('[data-testid="submit"]').click()
    expect(page.get_by_role("alert").first).to_contain_text("场所使用权证明")
    assert RegistrationApplication.objects.get(pk=application_id).status == "draft"
    # The required one now; the licence (not required by the checklist) stays missing.
    page.goto(f"/registration/{application_id}/edit/?step=materials")
    upload(page, "premises")
    page.locator('[data-testid="submit"]').click()
    expect(page.locator('[data-testid="status"]')).to_contain_text("已提交")

    # The registrar asks for the licence at once (一次性告知).
    registrar = person_page("registrar_gusu")
    registrar.goto("/registration/")
    registrar.locator(f'tr[data-application="{application_id}"] a').first.click()
    decide = registrar.locator("#decisions")
    decide.locator(f'input[name="items"][value="{MISSING}"]').check()
    decide.locator('textarea[name="comment"]').fill("请补充养老机构备案回执")
    decide.locator('[data-testid="action-request_correction"]').click()
    expect(registrar.locator('[data-testid="status"]')).to_contain_text("补正")

    # The applicant receives the notice, fixes it and submits again.
    page.goto(f"/registration/{application_id}/")
    notice = page.locator('[data-testid="correction-notice"]')
    expect(notice).to_contain_text("行业许可或资质证明")
    expect(notice).to_contain_text("请补充养老机构备案回执")
    page.locator('[data-testid="edit"]').click()
    page.goto(f"/registration/{application_id}/edit/?step=materials")
    upload(page, MISSING)
    page.locator('[data-testid="submit"]').click()
    expect(page.locator('[data-testid="status"]')).to_contain_text("已提交")

    # The supervising unit consents from its queue.
    unit_page = person_page("unit_staff")
    unit_page.goto("/registration/")
    unit_page.locator(f'tr[data-application="{application_id}"] a').first.click()
    unit_page.locator('[data-testid="action-consent"]').click()
    expect(unit_page.locator('[data-testid="status"]')).to_contain_text("同意")

    # The registrar accepts (the clock starts) and approves: the registry changes at once.
    registrar.goto(f"/registration/{application_id}/")
    registrar.locator('[data-testid="action-accept"]').click()
    expect(registrar.locator('[data-testid="days-left"]')).to_have_text("60")
    registrar.locator('#decisions input[name="comment"]').first.fill("准予登记")
    registrar.locator('[data-testid="action-approve"]').click()
    expect(registrar.locator('[data-testid="status"]')).to_contain_text("已核准")
    organization = Organization.objects.get(name=NAME)
    assert organization.status == "active" and organization.credit_code.startswith("52320508MJ")

    # It is in the registry.
    registrar.goto("/organizations/")
    expect(registrar.locator("#org-table")).to_contain_text(NAME)
    expect(registrar.locator("#org-table")).to_contain_text(organization.credit_code)

    # The applicant, now the organization's user, downloads the certificate.
    page.goto(f"/registration/{application_id}/")
    with page.expect_download() as download_info:
        page.locator('[data-testid="certificate"]').click()
    path = download_info.value.path()
    text = "".join(pypdf.PdfReader(path).pages[0].extract_text().split())
    assert NAME in text and organization.credit_code in text

    # The public announcement lists it, without logging in.
    anonymous = browser.new_context(base_url=str(live_url), locale="zh-CN")
    try:
        visitor = anonymous.new_page()
        visitor.goto("/public/announcements/")
        first = visitor.locator('[data-testid="announcement"]').first
        expect(first).to_contain_text(NAME)
        expect(first).to_contain_text(organization.credit_code)
        feed = visitor.request.get("/public/announcements/feed/")
        assert feed.ok and NAME in feed.text()
    finally:
        anonymous.close()
