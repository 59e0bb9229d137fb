"""The whole path of each kind through the API, with each refusal and each correction."""

import io
from datetime import date

import pypdf
import pytest
from django.utils import timezone

from orgs.codes import validate_credit_code
from orgs.hooks import Event, registry_event
from orgs.models import ApplicationEvent, Notification, Organization, RegistrationApplication, UserScope
from tests.factories import as_user, id_number_for, make_person

from .conftest import URL, pdf, proposal

App = RegistrationApplication


def upload_all(client, app_id, kind="establish", org_type="social_service_agency", skip=()):
    checklist = client.get("/api/v1/material-checklists/", {"kind": kind, "org_type": org_type}).json()
    for entry in checklist:
        if entry["required"] and entry["item"] not in skip:
            response = client.post(
                f"{URL}{app_id}/materials/", {"item": entry["item"], "file": pdf()}, format="multipart"
            )
            assert response.status_code == 201, response.content


def create(client, kind="establish", organization=None, **proposed):
    payload = {"kind": kind, "proposed": proposed}
    if organization is not None:
        payload["organization"] = organization
    response = client.post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_checklist_is_public_and_per_type(db):
    response = as_user(None).get(
        "/api/v1/material-checklists/", {"kind": "establish", "org_type": "foundation"}
    )
    assert response.status_code == 200
    items = {e["item"] for e in response.json()}
    assert {"charter", "funds_proof"} <= items and "meeting_minutes" not in items
    deregister = as_user(None).get("/api/v1/material-checklists/", {"kind": "deregister"}).json()
    assert {"item": "liquidation_report", "name": "清算报告", "required": True} in deregister
    assert as_user(None).get("/api/v1/material-checklists/", {"kind": "nonsense"}).status_code == 400


def test_establish_social_service_agency_with_unit_consent_and_correction(
    applicant, unit, unit_staff, registrar_gusu, django_capture_on_commit_callbacks
):
    me = as_user(applicant)
    app = create(me, **proposal(supervising_unit=unit.pk))
    assert app["status"] == "draft" and app["organization"] is None and app["region"] == "320508"
    upload_all(me, app["id"], skip={"premises"})
    response = me.post(f"{URL}{app['id']}/submit/")
    assert response.status_code == 400 and "住所使用权" not in str(response.json())  # names the missing item
    assert "场所使用权证明" in response.json()["materials"][0]
    upload_all(me, app["id"])
    assert me.post(f"{URL}{app['id']}/submit/").json()["status"] == "submitted"

    # The registrar cannot accept before the unit consents (409), and nothing changes.
    assert as_user(registrar_gusu).post(f"{URL}{app['id']}/accept/").status_code == 409
    consent = as_user(unit_staff).post(
        f"{URL}{app['id']}/consent/", {"decision": "consent", "comment": "同意"}
    )
    assert consent.status_code == 200 and consent.json()["status"] == "unit_consented"

    accepted = as_user(registrar_gusu).post(f"{URL}{app['id']}/accept/").json()
    assert accepted["status"] == "accepted"
    assert accepted["due_on"] == str(timezone.localdate() + (date(2026, 1, 31) - date(2025, 12, 2)))
    assert accepted["days_left"] == 60 and accepted["promised_on"]

    # 一次性告知: every item at once; the applicant corrects and resubmits.
    correction = as_user(registrar_gusu).post(
        f"{URL}{app['id']}/request-correction/",
        {"items": ["charter", {"item": "funds_proof", "note": "需盖章"}], "comment": "请补正"},
        format="json",
    )
    assert correction.status_code == 200
    body = correction.json()
    assert body["status"] == "correction_requested"
    assert [i["name"] for i in body["correction_items"]] == ["章程", "开办资金验资证明"]
    assert Notification.objects.filter(user=applicant, topic="registration").exists()
    assert me.patch(f"{URL}{app['id']}/", {"proposed": {"phone": "0512-1"}}, format="json").status_code == 200
    me.post(f"{URL}{app['id']}/materials/", {"item": "charter", "file": pdf()}, format="multipart")
    assert me.post(f"{URL}{app['id']}/submit/").json()["status"] == "submitted"
    # Consent was given once; the registrar accepts again and the clock continues.
    again = as_user(registrar_gusu).post(f"{URL}{app['id']}/accept/").json()
    assert again["accepted_at"] == accepted["accepted_at"]

    received = []
    registry_event.connect(lambda sender, **kw: received.append(kw["event"]), weak=False, dispatch_uid="t1")
    try:
        approved = as_user(registrar_gusu).post(f"{URL}{app['id']}/approve/", {"comment": "准予登记"})
    finally:
        registry_event.disconnect(dispatch_uid="t1")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    organization = Organization.objects.get(pk=approved.json()["organization"])
    assert Event.ESTABLISHED in received
    assert organization.status == "active" and organization.registered_on == timezone.localdate()
    validate_credit_code(organization.credit_code)
    assert organization.credit_code.startswith("52320508MJ")
    assert organization.history.first().history_user == registrar_gusu
    applicant.refresh_from_db()
    scope = UserScope.objects.get(user=applicant)
    assert scope.kind == "org" and scope.organization == organization

    # The certificate: the org's own user and the registrar; it carries the name and the code.
    applicant_again = type(applicant).objects.get(pk=applicant.pk)
    response = as_user(applicant_again).get(f"/api/v1/organizations/{organization.pk}/certificate/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert organization.name in text and organization.credit_code in text
    page = pypdf.PdfReader(io.BytesIO(response.content)).pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842

    announcements = as_user(None).get("/api/v1/public/announcements/").json()["results"]
    assert announcements[0]["name"] == organization.name
    assert announcements[0]["credit_code"] == organization.credit_code


def test_direct_category_skips_the_unit(applicant, registrar_gusu, unit_staff):
    me = as_user(applicant)
    app = create(me, **proposal(category="charity"))
    upload_all(me, app["id"])
    me.post(f"{URL}{app['id']}/submit/")
    assert as_user(unit_staff).post(f"{URL}{app['id']}/consent/", {"decision": "consent"}).status_code == 404
    assert as_user(registrar_gusu).post(f"{URL}{app['id']}/accept/").json()["status"] == "accepted"


def test_unit_refuses_with_reason(applicant, unit, unit_staff, registrar_gusu):
    me = as_user(applicant)
    app = create(me, **proposal(supervising_unit=unit.pk))
    upload_all(me, app["id"])
    me.post(f"{URL}{app['id']}/submit/")
    no_reason = as_user(unit_staff).post(f"{URL}{app['id']}/consent/", {"decision": "refuse"})
    assert no_reason.status_code == 400 and "comment" in no_reason.json()
    refused = as_user(unit_staff).post(
        f"{URL}{app['id']}/consent/", {"decision": "refuse", "comment": "不符合"}
    )
    assert refused.json()["status"] == "unit_refused" and refused.json()["decision_reason"] == "不符合"
    assert as_user(registrar_gusu).post(f"{URL}{app['id']}/accept/").status_code == 409
    assert me.post(f"{URL}{app['id']}/withdraw/").status_code == 409


def test_registrar_refuses_and_withdraw_rules(applicant, registrar_gusu):
    me = as_user(applicant)
    app = create(me, **proposal(category="charity"))
    upload_all(me, app["id"])
    me.post(f"{URL}{app['id']}/submit/")
    as_user(registrar_gusu).post(f"{URL}{app['id']}/accept/")
    assert as_user(registrar_gusu).post(f"{URL}{app['id']}/refuse/", {}).status_code == 400
    refused = as_user(registrar_gusu).post(f"{URL}{app['id']}/refuse/", {"reason": "名称不规范"})
    assert refused.json()["status"] == "refused" and refused.json()["decided_at"]
    assert me.post(f"{URL}{app['id']}/withdraw/").status_code == 409
    assert as_user(registrar_gusu).post(f"{URL}{app['id']}/approve/").status_code == 409
    assert me.patch(f"{URL}{app['id']}/", {"proposed": {"phone": "1"}}, format="json").status_code == 409
    other = create(me, **proposal(name="苏州市姑苏区另一社会工作服务中心", category="charity"))
    assert me.post(f"{URL}{other['id']}/withdraw/").json()["status"] == "withdrawn"
    assert Organization.objects.count() == 0


def test_preparation_then_establish_social_group(applicant, registrar_city):
    me = as_user(applicant)
    prep = create(
        me, kind="preparation", **proposal(org_type="social_group", region="3205", name="苏州市软件行业协会")
    )
    upload_all(me, prep["id"], kind="preparation", org_type="social_group")
    me.post(f"{URL}{prep['id']}/submit/")
    as_user(registrar_city).post(f"{URL}{prep['id']}/accept/")
    approved = as_user(registrar_city).post(f"{URL}{prep['id']}/approve/").json()
    assert approved["status"] == "approved" and approved["organization"] is None
    assert App.objects.get(pk=prep["id"]).expires_on.month == (timezone.localdate().month + 5) % 12 + 1

    # The establishment without preparation is refused at submit, naming the field.
    bare = create(me, **proposal(org_type="social_group", region="3205", name="苏州市另一行业协会"))
    upload_all(me, bare["id"], org_type="social_group")
    assert "preparation" in me.post(f"{URL}{bare['id']}/submit/").json()

    response = me.post(URL, {"kind": "establish", "preparation": prep["id"], "proposed": {}}, format="json")
    assert response.status_code == 201, response.content
    est = response.json()
    assert est["proposed"]["name"] == "苏州市软件行业协会" and est["org_type"] == "social_group"
    upload_all(me, est["id"], org_type="social_group")
    assert me.post(f"{URL}{est['id']}/submit/").json()["status"] == "submitted"
    accepted = as_user(registrar_city).post(f"{URL}{est['id']}/accept/").json()
    assert accepted["days_left"] == 30
    done = as_user(registrar_city).post(f"{URL}{est['id']}/approve/").json()
    organization = Organization.objects.get(pk=done["organization"])
    assert organization.credit_code.startswith("51320500MJ")


def test_preparation_lapses_after_six_months(applicant, registrar_city):
    from orgs.registration.services import preparations_lapse

    prep = App.objects.create(
        kind="preparation", applicant=applicant, org_type="social_group", category="academic",
        region_id="3205", status="approved", expires_on=date(2026, 1, 1), proposed={"name": "x"},
    )  # fmt: skip
    assert preparations_lapse(today=date(2026, 1, 1)) == 0
    assert preparations_lapse(today=date(2026, 1, 2)) == 1
    prep.refresh_from_db()
    assert prep.status == "lapsed"
    assert preparations_lapse(today=date(2026, 1, 2)) == 0


def test_change_through_the_update_service(gusu_org, org_user, unit_staff, registrar_gusu):
    me = as_user(org_user)
    new_id = id_number_for("320508", born=date(1990, 1, 1))
    app = create(
        me,
        kind="change",
        organization=gusu_org.pk,
        **{
            "name": "姑苏区丝绸产业协会",
            "legal_representative": "王五",
            "legal_representative_id_number": new_id,
        },
    )
    assert app["region"] == "320508" and app["organization"] == gusu_org.pk
    upload_all(me, app["id"], kind="change", org_type="social_group")
    me.post(f"{URL}{app['id']}/submit/")
    as_user(unit_staff).post(f"{URL}{app['id']}/consent/", {"decision": "consent"})
    accepted = as_user(registrar_gusu).post(f"{URL}{app['id']}/accept/").json()
    assert accepted["promised_on"] and accepted["due_on"]
    # The party-building leader review (a check hooked into the update service) applies to approvals too:
    # without it the approval fails and neither the organization nor the application changes.
    refused = as_user(registrar_gusu).post(f"{URL}{app['id']}/approve/")
    assert refused.status_code == 400 and "legal_representative" in refused.json()
    gusu_org.refresh_from_db()
    assert gusu_org.name == "姑苏区丝绸行业协会"
    assert App.objects.get(pk=app["id"]).status == "accepted"
    from party_building.models import LeaderReview

    LeaderReview.objects.create(
        organization=gusu_org, candidate_name="王五", candidate_id_number=new_id,
        role="legal_representative", result="passed",
    )  # fmt: skip
    received = []
    registry_event.connect(lambda sender, **kw: received.append(kw["event"]), weak=False, dispatch_uid="t2")
    try:
        assert as_user(registrar_gusu).post(f"{URL}{app['id']}/approve/").json()["status"] == "approved"
    finally:
        registry_event.disconnect(dispatch_uid="t2")
    gusu_org.refresh_from_db()
    assert gusu_org.name == "姑苏区丝绸产业协会" and gusu_org.legal_representative_id_number == new_id
    assert Event.LEADER_CHANGED in received
    assert gusu_org.history.first().history_user == registrar_gusu


def test_deregister_needs_liquidation_report_and_no_report_under_review(
    gusu_org, org_user, registrar_gusu, unit_staff
):
    from orgs.models import AnnualReport

    me = as_user(org_user)
    app = create(me, kind="deregister", organization=gusu_org.pk, reason="完成使命")
    upload_all(me, app["id"], kind="deregister", skip={"liquidation_report"})
    response = me.post(f"{URL}{app['id']}/submit/")
    assert response.status_code == 400 and "清算报告" in response.json()["materials"][0]
    upload_all(me, app["id"], kind="deregister")
    report = AnnualReport.objects.create(organization=gusu_org, year=2025, status="submitted")
    blocked = me.post(f"{URL}{app['id']}/submit/")
    assert blocked.status_code == 400 and "2025" in blocked.json()["organization"][0]
    report.status = "accepted"
    report.save()
    assert me.post(f"{URL}{app['id']}/submit/").json()["status"] == "submitted"
    as_user(unit_staff).post(f"{URL}{app['id']}/consent/", {"decision": "consent"})
    as_user(registrar_gusu).post(f"{URL}{app['id']}/accept/")
    assert as_user(registrar_gusu).post(f"{URL}{app['id']}/approve/").json()["status"] == "approved"
    gusu_org.refresh_from_db()
    assert gusu_org.status == "deregistered" and gusu_org.deregistered_on == timezone.localdate()
    assert gusu_org.status_reason == "完成使命"


def test_change_only_for_active(gusu_org, org_user):
    gusu_org.status = "abnormal"
    gusu_org.save()
    response = as_user(org_user).post(
        URL, {"kind": "change", "organization": gusu_org.pk, "proposed": {"phone": "1"}}, format="json"
    )
    assert response.status_code == 400 and "organization" in response.json()


def test_filing_by_street_staff(applicant, street):
    street = make_person("street_staff", kind="staff", region_code="320508001", roles=["registrar"])
    me = as_user(applicant)
    app = create(
        me, kind="filing",
        **proposal(name="双塔街道邻里互助会", category="community", region="320508001", org_type="social_group"),
    )  # fmt: skip
    upload_all(me, app["id"], kind="filing", org_type="social_group")
    me.post(f"{URL}{app['id']}/submit/")
    assert as_user(street).post(f"{URL}{app['id']}/accept/").json()["status"] == "accepted"
    done = as_user(street).post(f"{URL}{app['id']}/approve/").json()
    organization = Organization.objects.get(pk=done["organization"])
    year = timezone.localdate().year
    assert organization.filing_number == f"320508001-{year}-00001" and organization.credit_code is None
    assert organization.is_filed_only


def test_actions_not_allowed_in_state_are_409_and_change_nothing(applicant, registrar_gusu):
    me = as_user(applicant)
    app = create(me, **proposal(category="charity"))
    upload_all(me, app["id"])
    me.post(f"{URL}{app['id']}/submit/")
    before = App.objects.get(pk=app["id"])
    events = ApplicationEvent.objects.count()
    assert as_user(registrar_gusu).post(f"{URL}{app['id']}/approve/").status_code == 409
    assert me.post(f"{URL}{app['id']}/submit/").status_code == 409
    assert me.patch(f"{URL}{app['id']}/", {"proposed": {"phone": "1"}}, format="json").status_code == 409
    after = App.objects.get(pk=app["id"])
    assert (after.status, after.updated_at, after.proposed) == (
        before.status,
        before.updated_at,
        before.proposed,
    )
    assert ApplicationEvent.objects.count() == events


@pytest.mark.parametrize("who", ["unit", "applicant"])
def test_review_needs_the_right(who, applicant, unit_staff, registrar_gusu):
    me = as_user(applicant)
    app = create(me, **proposal(category="charity"))
    upload_all(me, app["id"])
    me.post(f"{URL}{app['id']}/submit/")
    client = as_user(unit_staff) if who == "unit" else me
    status = client.post(f"{URL}{app['id']}/accept/").status_code
    assert status == (404 if who == "unit" else 403)


def test_org_user_cannot_change_another_org(gusu_org, wuzhong_org, org_user):
    response = as_user(org_user).post(
        URL, {"kind": "change", "organization": wuzhong_org.pk, "proposed": {"phone": "1"}}, format="json"
    )
    assert response.status_code == 403


def test_foreign_org_certificate_is_404(org_user, wuzhong_org, gusu_org, registrar_wuzhong):
    assert as_user(org_user).get(f"/api/v1/organizations/{wuzhong_org.pk}/certificate/").status_code == 404
    assert (
        as_user(registrar_wuzhong).get(f"/api/v1/organizations/{gusu_org.pk}/certificate/").status_code == 404
    )
    assert (
        as_user(registrar_wuzhong).get(f"/api/v1/organizations/{wuzhong_org.pk}/certificate/").status_code
        == 200
    )
    assert as_user(None).get(f"/api/v1/organizations/{gusu_org.pk}/certificate/").status_code in (401, 403)
