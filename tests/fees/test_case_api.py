"""Fee cases through the API: the whole path, each rule, each forbidden step, and who must not see what."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fees.models import CaseOutcome, FeeCase, FeeNotice
from fees.services import complaint_file_public
from tests.factories import as_token, as_user, make_org

from .conftest import future, pdf

CASES = "/api/v1/fee-cases/"
COMPLAINTS = "/api/v1/public/fee-complaints/"


def complain(client, organization, **extra):
    payload = {
        "organization": organization.pk,
        "fee_item": "强制入会费",
        "kind": "compulsory_membership",
        "amount_charged": "5000.00",
        "description": "不入会不给办理证明",
        "contact_name": "李经理",
        "phone": "13800001111",
        "company": "苏州某某机械有限公司",
        **extra,
    }
    return client.post(COMPLAINTS, payload, format="json")


def open_case(organization, amount="5000.00", enterprises=20):
    """A complaint as the public form files it (through the service, so the throttle is not involved)."""
    case = complaint_file_public(
        organization=organization,
        fee_item="强制入会费",
        kind="compulsory_membership",
        amount_charged=amount,
        description="不入会不给办理证明",
        contact_name="李经理",
        phone="13800001111",
        company="苏州某某机械有限公司",
    )
    FeeCase.objects.filter(pk=case.pk).update(enterprises_affected=enterprises)
    case.refresh_from_db()
    return case


def investigate(client, case):
    assert client.post(f"{CASES}{case.pk}/accept/", {}, format="json").status_code == 200
    assert client.post(f"{CASES}{case.pk}/start-investigation/", {}, format="json").status_code == 200


def test_public_complaint_to_closure_with_waive_and_notify(supervisor_city, gusu_org, org_user):
    response = complain(as_user(None), gusu_org)
    assert response.status_code == 201
    tracking = response.json()["tracking_number"]
    case = FeeCase.objects.get(tracking_number=tracking)
    assert case.number.startswith(f"{gusu_org.region_id}-") and case.status == "intake"
    FeeCase.objects.filter(pk=case.pk).update(enterprises_affected=20)

    supervisor = as_user(supervisor_city)
    investigate(supervisor, case)
    decision = {
        "violation": True,
        "outcomes": [
            {"outcome": "waive", "amount": "4200.00", "enterprises_benefiting": 12, "detail": "退还入会费"},
            {"outcome": "notify", "detail": "予以通报"},
        ],
        "deadline": future(),
    }
    response = supervisor.post(f"{CASES}{case.pk}/decide/", decision, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "rectifying"

    association = as_user(org_user)
    response = association.post(
        f"{CASES}{case.pk}/submit-evidence/", {"file": pdf(), "note": "已退还"}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert supervisor.post(f"{CASES}{case.pk}/verify/", {}, format="json").json()["status"] == "verified"
    assert not FeeNotice.objects.exists()  # published only when the case closes
    assert supervisor.post(f"{CASES}{case.pk}/close/", {}, format="json").json()["status"] == "closed"

    notices = as_user(None).get("/api/v1/public/fee-notices/").json()["results"]
    assert [n["case_number"] for n in notices] == [case.number]
    assert "4200.00" in notices[0]["body"]
    status = as_user(None).get(f"{COMPLAINTS}{tracking}/", {"phone": "13800001111"}).json()
    assert status["status"] == "closed" and "organization" not in status
    assert [e.action for e in case.events.all()] == [
        "created", "accept", "start_investigation", "decide", "submit_evidence", "verify", "close"
    ]  # fmt: skip


def test_no_violation_closes_the_case(supervisor_city, gusu_org):
    case = open_case(gusu_org)
    client = as_user(supervisor_city)
    investigate(client, case)
    response = client.post(f"{CASES}{case.pk}/decide/", {"violation": False}, format="json")
    assert response.json()["status"] == "closed"
    assert not CaseOutcome.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("outcome", "field_fragment"),
    [
        ({"outcome": "waive", "amount": "5000.01", "enterprises_benefiting": 1}, "amount"),
        ({"outcome": "waive", "amount": "10.00", "enterprises_benefiting": 21}, "enterprises_benefiting"),
        ({"outcome": "waive", "amount": "-1.00"}, "amount"),
        ({"outcome": "punish"}, "punishment"),
        ({"outcome": "teach"}, "outcome"),
    ],
)
def test_decide_rules_name_the_field_and_save_nothing(supervisor_city, gusu_org, outcome, field_fragment):
    case = open_case(gusu_org)
    client = as_user(supervisor_city)
    investigate(client, case)
    response = client.post(
        f"{CASES}{case.pk}/decide/",
        {"violation": True, "outcomes": [outcome], "deadline": future()},
        format="json",
    )
    assert response.status_code == 400
    assert field_fragment in str(response.json())
    case.refresh_from_db()
    assert case.status == "investigating" and not case.outcomes.exists()


def test_reduce_may_benefit_the_whole_trade(supervisor_city, gusu_org):
    case = open_case(gusu_org, enterprises=5)
    client = as_user(supervisor_city)
    investigate(client, case)
    outcomes = [
        {
            "outcome": "reduce",
            "amount": "80000.00",
            "enterprises_benefiting": 300,
            "new_standard": "每年500元",
        }
    ]
    response = client.post(
        f"{CASES}{case.pk}/decide/",
        {"violation": True, "outcomes": outcomes, "deadline": future()},
        format="json",
    )
    assert response.status_code == 200, response.json()


def test_deadline_must_be_in_the_future(supervisor_city, gusu_org):
    case = open_case(gusu_org)
    client = as_user(supervisor_city)
    investigate(client, case)
    outcomes = [{"outcome": "regulate", "detail": "修改章程"}]
    response = client.post(
        f"{CASES}{case.pk}/decide/",
        {"violation": True, "outcomes": outcomes, "deadline": future(-1)},
        format="json",
    )
    assert response.status_code == 400 and "deadline" in response.json()


def test_evidence_must_be_pdf_or_image_by_content(supervisor_city, gusu_org, org_user):
    case = open_case(gusu_org)
    client = as_user(supervisor_city)
    investigate(client, case)
    client.post(
        f"{CASES}{case.pk}/decide/",
        {"violation": True, "outcomes": [{"outcome": "regulate"}], "deadline": future()},
        format="json",
    )
    fake = SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00 this is not a pdf", content_type="application/pdf")
    response = as_user(org_user).post(
        f"{CASES}{case.pk}/submit-evidence/", {"file": fake}, format="multipart"
    )
    assert response.status_code == 400 and "file" in response.json()
    assert not case.files.exists()


FORBIDDEN = [
    ("intake", "start-investigation"),
    ("intake", "verify"),
    ("intake", "close"),
    ("accepted", "accept"),
    ("accepted", "decide"),
    ("investigating", "verify"),
    ("rectifying", "close"),
    ("dismissed", "accept"),
    ("closed", "start-investigation"),
]


@pytest.mark.parametrize(("status", "verb"), FORBIDDEN)
def test_forbidden_steps_answer_409_and_change_nothing(supervisor_city, gusu_org, status, verb):
    case = open_case(gusu_org)
    FeeCase.objects.filter(pk=case.pk).update(status=status)
    payload = {"violation": False} if verb == "decide" else {}
    response = as_user(supervisor_city).post(f"{CASES}{case.pk}/{verb}/", payload, format="json")
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.status == status


def test_patch_only_before_the_decision(supervisor_city, gusu_org):
    case = open_case(gusu_org)
    client = as_user(supervisor_city)
    assert client.patch(f"{CASES}{case.pk}/", {"amount_charged": "6000.00"}, format="json").status_code == 200
    FeeCase.objects.filter(pk=case.pk).update(status="rectifying")
    assert client.patch(f"{CASES}{case.pk}/", {"amount_charged": "1.00"}, format="json").status_code == 409
    case.refresh_from_db()
    assert case.amount_charged == Decimal("6000.00")


def test_a_patch_answers_the_case_as_a_read_shows_it(
    supervisor_city, gusu_org, django_assert_max_num_queries
):
    case = open_case(gusu_org)
    client = as_user(supervisor_city)
    investigate(client, case)
    for n in range(12):
        assert (
            client.post(f"{CASES}{case.pk}/notes/", {"note": f"走访第{n}家企业"}, format="json").status_code
            == 200
        )
    # The answer carries every event with its actor's name, whatever their number (no lookup per event).
    with django_assert_max_num_queries(20):
        response = client.patch(f"{CASES}{case.pk}/", {"amount_charged": "6000.00"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body == client.get(f"{CASES}{case.pk}/").json()
    assert [e["actor"] for e in body["events"]].count(supervisor_city.username) >= 14


def test_association_never_sees_the_complainant(gusu_org, org_user):
    case = open_case(gusu_org)
    body = as_user(org_user).get(f"{CASES}{case.pk}/").json()
    text = str(body)
    assert "李经理" not in text and "13800001111" not in text and "机械" not in text
    assert "complainant_phone" not in body and "tracking_number" not in body


def test_association_cannot_work_the_case(gusu_org, org_user):
    case = open_case(gusu_org)
    assert as_user(org_user).post(f"{CASES}{case.pk}/accept/", {}, format="json").status_code == 403
    case.refresh_from_db()
    assert case.status == "intake"


def test_supervisor_of_another_district_gets_404(supervisor_wuzhong, gusu_org):
    case = open_case(gusu_org)
    client = as_user(supervisor_wuzhong)
    assert client.get(f"{CASES}{case.pk}/").status_code == 404
    assert client.post(f"{CASES}{case.pk}/accept/", {}, format="json").status_code == 404
    assert client.get(CASES).json()["results"] == []


def test_a_moved_organization_takes_its_cases_to_the_new_district(
    registrar_city, supervisor_wuzhong, gusu_org, django_assert_max_num_queries
):
    case = open_case(gusu_org)
    assert case.region_id == "320508"
    wuzhong = as_user(supervisor_wuzhong)
    assert wuzhong.get(f"{CASES}{case.pk}/").status_code == 404
    moved = as_user(registrar_city).patch(f"/api/v1/organizations/{gusu_org.pk}/", {"region": "320506"})
    assert moved.status_code == 200, moved.content
    case.refresh_from_db()
    assert case.region_id == "320506"
    assert wuzhong.get(f"{CASES}{case.pk}/").status_code == 200
    assert [row["id"] for row in wuzhong.get(CASES, {"region": "320506"}).json()["results"]] == [case.pk]
    assert as_user(registrar_city).get(CASES).status_code == 403  # a registrar is not a supervisor


def test_other_association_and_unit_see_nothing(gusu_org, other_org_user, unit_staff):
    case = open_case(gusu_org)
    assert as_user(other_org_user).get(f"{CASES}{case.pk}/").status_code == 404
    assert as_user(unit_staff).get(CASES).status_code == 403


def test_registrar_without_fee_scope_is_refused(registrar_city, gusu_org):
    case = open_case(gusu_org)
    assert as_user(registrar_city).get(f"{CASES}{case.pk}/").status_code == 403


def test_tracking_with_wrong_phone_reveals_nothing(gusu_org):
    case = open_case(gusu_org)
    wrong = as_user(None).get(f"{COMPLAINTS}{case.tracking_number}/", {"phone": "13900000000"})
    unknown = as_user(None).get(f"{COMPLAINTS}ZZZZZZZZZZZZ/", {"phone": "13800001111"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_anonymous_complaint_keeps_no_identity(gusu_org):
    response = complain(as_user(None), gusu_org, anonymous=True)
    case = FeeCase.objects.get(tracking_number=response.json()["tracking_number"])
    assert case.anonymous and case.complainant_name == "" and case.complainant_company == ""


def test_complaint_needs_contact_unless_anonymous(gusu_org):
    response = complain(as_user(None), gusu_org, contact_name="", phone="")
    assert response.status_code == 400 and {"contact_name", "phone"} <= set(response.json())
    assert not FeeCase.objects.exists()


def test_public_complaints_are_throttled(gusu_org, settings):
    from django.core.cache import cache

    cache.clear()
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], public_complaints="3/minute")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [complain(as_user(None), gusu_org).status_code for _ in range(4)]
    finally:
        from rest_framework.settings import api_settings

        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()
    assert codes == [201, 201, 201, 429]


def test_hotline_token_files_cases(gusu_org):
    client = as_token(scopes=["fees:read", "fees:write"], region="3205", name="hotline12345")
    response = client.post(
        CASES,
        {
            "organization": gusu_org.pk,
            "fee_item": "培训费",
            "kind": "compulsory_training",
            "amount_charged": "800.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "hotline"


def test_token_outside_its_region_cannot_file(wuzhong_org):
    client = as_token(scopes=["fees:read", "fees:write"], region="320508")
    response = client.post(
        CASES, {"organization": wuzhong_org.pk, "fee_item": "x", "amount_charged": "1"}, format="json"
    )
    assert response.status_code == 400 and "organization" in response.json()
    assert not FeeCase.objects.exists()


def test_punishment_puts_the_organization_on_a_credit_list(supervisor_city, gusu_org):
    case = open_case(gusu_org)
    client = as_user(supervisor_city)
    investigate(client, case)
    outcomes = [{"outcome": "punish", "amount": "2000.00", "punishment": "fine", "credit_list": "abnormal"}]
    response = client.post(
        f"{CASES}{case.pk}/decide/",
        {"violation": True, "outcomes": outcomes, "deadline": future()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    entry = gusu_org.credit_entries.get()
    assert entry.list == "abnormal" and case.number in entry.reason


def test_filters(supervisor_city, gusu_org, wuzhong_org):
    first = open_case(gusu_org)
    second = open_case(wuzhong_org)
    FeeCase.objects.filter(pk=second.pk).update(status="rectifying", deadline="2020-01-01")
    client = as_user(supervisor_city)
    ids = lambda params: {row["id"] for row in client.get(CASES, params).json()["results"]}  # noqa: E731
    assert ids({"region": "320508"}) == {first.pk}
    assert ids({"overdue": "true"}) == {second.pk}
    assert ids({"status": "intake"}) == {first.pk}
    assert ids({"source": "complaint", "kind": "compulsory_membership"}) == {first.pk, second.pk}
    assert ids({"organization": wuzhong_org.pk}) == {second.pk}
    assert client.get(CASES, {"region": "32x"}).status_code == 400


@pytest.mark.parametrize("rows", [10, 100])
def test_case_list_queries_do_not_grow(supervisor_city, rows, django_assert_max_num_queries):
    organization = make_org("320508")
    for _ in range(rows):
        open_case(organization)
    with django_assert_max_num_queries(8):
        response = as_user(supervisor_city).get(CASES, {"page_size": 200})
    results = response.json()["results"]
    assert len(results) == rows
    assert {(r["organization"], r["organization_name"]) for r in results} == {
        (organization.pk, organization.name)
    }
