"""Fee remediation in the browser's terms: the public form with its challenge, the supervisor's and the association's pages."""

import re

import pytest
from django.test import Client

from fees.models import FeeCase, FeeNotice
from fees.services import complaint_file_public
from tests.factories import PASSWORD, make_org

from .conftest import future, pdf


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def solve(html: str) -> dict:
    token = re.search(r'name="challenge_token" value="([^"]+)"', html).group(1)
    a, b = map(int, re.search(r"(\d+) \+ (\d+) = \?", html).groups())
    return {"challenge_token": token, "challenge_answer": a + b}


def complaint_form(organization, **extra):
    return {
        "organization": organization.pk,
        "fee_item": "强制培训费",
        "kind": "compulsory_training",
        "amount_charged": "3000.00",
        "description": "要求必须参加收费培训",
        "contact_name": "王女士",
        "phone": "13912345678",
        "company": "苏州某科技公司",
        **extra,
    }


def file_complaint(organization):
    return complaint_file_public(**{**complaint_form(organization), "organization": organization})


def test_public_form_requires_the_challenge(gusu_org):
    client = Client()
    page = client.get("/public/fee-complaints/").content.decode()
    wrong = client.post(
        "/public/fee-complaints/", {**complaint_form(gusu_org), **solve(page), "challenge_answer": 99}
    )
    assert wrong.status_code == 200 and not FeeCase.objects.exists()
    page = client.get("/public/fee-complaints/").content.decode()
    done = client.post("/public/fee-complaints/", {**complaint_form(gusu_org), **solve(page)})
    case = FeeCase.objects.get()
    assert case.tracking_number in done.content.decode()


def test_public_form_honeypot_refuses_bots(gusu_org):
    client = Client()
    page = client.get("/public/fee-complaints/").content.decode()
    client.post(
        "/public/fee-complaints/", {**complaint_form(gusu_org), **solve(page), "website": "http://spam"}
    )
    assert not FeeCase.objects.exists()


def test_tracking_page(gusu_org):
    case = file_complaint(gusu_org)
    client = Client()
    found = client.get(
        "/public/fee-complaints/track/", {"tracking_number": case.tracking_number, "phone": "13912345678"}
    )
    assert "受理中" in found.content.decode() or case.get_status_display() in found.content.decode()
    missed = client.get(
        "/public/fee-complaints/track/", {"tracking_number": case.tracking_number, "phone": "1"}
    )
    assert (
        case.get_status_display() not in missed.content.decode().split("<main")[-1]
        or "No complaint" in missed.content.decode()
        or "没有" in missed.content.decode()
    )


def test_supervisor_works_the_case_in_the_browser(supervisor_city, gusu_org, org_user):
    case = file_complaint(gusu_org)
    FeeCase.objects.filter(pk=case.pk).update(enterprises_affected=10)
    staff = logged_in(supervisor_city)
    detail = staff.get(f"/fees/cases/{case.pk}/").content.decode()
    assert "王女士" in detail  # the bureau sees the complainant
    staff.post(f"/fees/cases/{case.pk}/accept/", {"note": ""})
    staff.post(f"/fees/cases/{case.pk}/start-investigation/", {"note": ""})
    decide = {
        "violation": "true",
        "waive_selected": "on",
        "waive_amount": "2500.00",
        "waive_enterprises": "8",
        "notify_selected": "on",
        "deadline": future(),
    }
    staff.post(f"/fees/cases/{case.pk}/decide/", decide)
    case.refresh_from_db()
    assert case.status == "rectifying" and case.outcomes.count() == 2

    association = logged_in(org_user)
    page = association.get(f"/fees/my/cases/{case.pk}/").content.decode()
    assert "王女士" not in page and "13912345678" not in page and "科技公司" not in page
    association.post(f"/fees/my/cases/{case.pk}/", {"file": pdf(), "note": "已退费"})
    staff.post(f"/fees/cases/{case.pk}/verify/", {"note": ""})
    staff.post(f"/fees/cases/{case.pk}/close/", {"note": ""})
    case.refresh_from_db()
    assert case.status == "closed"
    notice = FeeNotice.objects.get()
    assert notice.title in Client().get("/public/fee-notices/").content.decode()
    feed = Client().get("/public/fee-notices/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml") and notice.title in feed.content.decode()


def test_decide_form_shows_the_rule_broken(supervisor_city, gusu_org):
    case = file_complaint(gusu_org)
    FeeCase.objects.filter(pk=case.pk).update(status="investigating")
    staff = logged_in(supervisor_city)
    response = staff.post(
        f"/fees/cases/{case.pk}/decide/",
        {"violation": "true", "waive_selected": "on", "waive_amount": "9999.00", "deadline": future()},
        follow=True,
    )
    case.refresh_from_db()
    assert case.status == "investigating"
    assert "3000.00" in response.content.decode()  # the message names the amount charged


def test_other_district_supervisor_gets_404_page(supervisor_wuzhong, gusu_org):
    case = file_complaint(gusu_org)
    assert logged_in(supervisor_wuzhong).get(f"/fees/cases/{case.pk}/").status_code == 404


@pytest.mark.parametrize("rows", [10, 100])
def test_case_list_page_queries_do_not_grow(supervisor_city, rows, django_assert_max_num_queries):
    organization = make_org("320508")
    for _ in range(rows):
        file_complaint(organization)
    client = logged_in(supervisor_city)
    with django_assert_max_num_queries(12):
        response = client.get("/fees/", {"per_page": 100})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"共 {rows} 件案件" in html and "收到日期" in html  # the count under the table, in Chinese
    assert html.count('<td class="font-monospace small text-nowrap">') == rows  # case numbers do not wrap


def test_case_files_are_served_only_within_the_cases_scope(
    settings, tmp_path, supervisor_city, supervisor_wuzhong, gusu_org, org_user
):
    settings.MEDIA_ROOT = tmp_path / "media"
    case = complaint_file_public(
        **{**complaint_form(gusu_org), "organization": gusu_org, "file": pdf("receipt.pdf")}
    )
    attachment = case.files.get()
    assert "/media/" not in logged_in(supervisor_city).get(f"/fees/cases/{case.pk}/").content.decode()
    url = f"/fees/cases/{case.pk}/files/{attachment.pk}/"
    response = logged_in(supervisor_city).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"
    # The complaint's attachment may name the enterprise: not for the association, nor outside the district.
    assert logged_in(org_user).get(url).status_code == 404
    assert logged_in(supervisor_wuzhong).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
