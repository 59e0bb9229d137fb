"""An association files its annual report in the browser with one mistake, corrects it beside the field and
submits; the supervising unit passes it; the registrar accepts it; the public page shows the result."""

import re

import pytest
from playwright.sync_api import expect

from tests.annual_reports.conftest import FIGURES, PDF_BYTES, YEAR

pytestmark = pytest.mark.e2e


def _fill(section, values):
    for name, value in values.items():
        field = section.locator(f'[name$="-{name}"]')
        if field.count():
            field.fill(str(value))


def test_file_review_accept_and_publish(
    page, login, org_user, unit_staff, registrar_gusu, gusu_org, tmp_path
):
    login(page, "org_user")
    page.goto("/my/")
    expect(page.locator("#this-year")).to_contain_text(str(YEAR))
    page.locator(f'a[href="/my/annual-reports/{YEAR}/"]').first.click()
    page.locator("main form button[type=submit]").click()  # open the report
    expect(page).to_have_url(re.compile(rf"/my/annual-reports/{YEAR}/$"))

    for name in ("members", "people", "finances"):
        section = page.locator(f"#section-{name}")
        _fill(section, FIGURES)
        section.locator("button[type=submit]").click()
        expect(page.locator(f"#section-{name} [data-testid=saved]")).to_be_visible()

    # One mistake: more jobs for graduates than jobs posted. The error is beside the field; nothing saved.
    outcomes = page.locator("#section-outcomes")
    _fill(outcomes, {**FIGURES, "graduate_jobs": 99})
    outcomes.locator("button[type=submit]").click()
    error = page.locator('#section-outcomes .invalid-feedback[data-field="graduate_jobs"]')
    expect(error).to_be_visible()
    page.locator('#section-outcomes [name="outcomes-graduate_jobs"]').fill("10")
    page.locator("#section-outcomes button[type=submit]").click()
    expect(page.locator("#section-outcomes [data-testid=saved]")).to_be_visible()

    statement = tmp_path / "审计报告.pdf"
    statement.write_bytes(PDF_BYTES)
    page.locator('#attachment input[type="file"]').set_input_files(str(statement))
    page.locator("#attachment button[type=submit]").click()
    page.locator("#submit-report").click()
    expect(page).to_have_url(re.compile(r"/my/$"))
    expect(page.locator("[data-testid=report-status]")).to_contain_text("已提交")

    page.context.clear_cookies()
    login(page, "unit_staff")
    page.goto("/annual-reports/queue/")
    page.locator("#queue-table a.btn").first.click()
    page.locator('#review-form button[value="pass"]').click()
    expect(page).to_have_url(re.compile(r"/annual-reports/queue/$"))

    page.context.clear_cookies()
    login(page, "registrar_gusu")
    page.goto("/annual-reports/queue/")
    page.locator("#queue-table a.btn").first.click()
    page.locator('#review-form button[value="qualified"]').click()
    expect(page).to_have_url(re.compile(r"/annual-reports/queue/$"))

    page.context.clear_cookies()
    page.goto(f"/public/organizations/{gusu_org.pk}/")
    expect(page.locator(f'[data-testid="result-{YEAR}"]')).to_contain_text("合格")
