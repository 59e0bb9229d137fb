"""Every rule: a clear error naming the field, and nothing saved."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from orgs.models import ApplicationMaterial, RegistrationApplication
from tests.factories import as_user, id_number_for, make_org

from .conftest import PNG_BYTES, URL, pdf, proposal

App = RegistrationApplication


def post(user, kind="establish", **proposed):
    return as_user(user).post(URL, {"kind": kind, "proposed": proposed}, format="json")


def assert_refused(response, field, fragment=""):
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    assert fragment in " ".join(body[field])


def submit_errors(user, kind="establish", **proposed):
    """Create (partial rules pass), upload everything, submit: the full rules answer."""
    org_type = proposed.get("org_type", "")
    client = as_user(user)
    app = client.post(URL, {"kind": kind, "proposed": proposed}, format="json")
    assert app.status_code == 201, app.content
    app_id = app.json()["id"]
    for entry in client.get("/api/v1/material-checklists/", {"kind": kind, "org_type": org_type}).json():
        client.post(f"{URL}{app_id}/materials/", {"item": entry["item"], "file": pdf()}, format="multipart")
    return client.post(f"{URL}{app_id}/submit/")


@pytest.mark.parametrize(
    "individual, units, ok",
    [(50, 0, True), (49, 0, False), (0, 30, True), (0, 29, False), (25, 25, True), (20, 29, False)],
)
def test_social_group_preparation_members(applicant, individual, units, ok):
    response = post(
        applicant,
        "preparation",
        **proposal(org_type="social_group", members_individual=individual, members_unit=units),
    )
    if ok:
        assert response.status_code == 201
    else:
        assert_refused(response, "members_individual", "50")
        assert not App.objects.exists()


def test_social_group_preparation_funds_and_prefixes(applicant):
    assert_refused(
        post(applicant, "preparation", **proposal(org_type="social_group", registered_capital="29999.99")),
        "registered_capital",
        "3万元",  # zh-hans is the default language
    )
    for prefix in ("中国", "全国", "中华"):
        assert_refused(
            post(applicant, "preparation", **proposal(org_type="social_group", name=f"{prefix}软件行业协会")),
            "name",
            prefix,
        )
    assert (
        post(
            applicant, "preparation", **proposal(org_type="social_group", registered_capital="30000")
        ).status_code
        == 201
    )


def test_social_group_preparation_minimum_members_checked_on_submit(applicant):
    response = submit_errors(
        applicant,
        "preparation",
        **{**proposal(org_type="social_group"), "members_individual": None, "members_unit": None},
    )
    assert_refused(response, "members_individual")


@pytest.mark.parametrize(
    "capital, public, ok",
    [
        ("1999999.99", False, False),
        ("2000000", False, True),
        ("3999999", True, False),
        ("4000000", True, True),
    ],
)
def test_foundation_original_fund(applicant, capital, public, ok):
    response = post(
        applicant, **proposal(org_type="foundation", registered_capital=capital, public_fundraising=public)
    )
    if ok:
        assert response.status_code == 201, response.content
    else:
        assert_refused(response, "registered_capital", "4,000,000" if public else "2,000,000")


def test_foundation_name_ends_with_jijinhui_and_no_other_does(applicant):
    assert_refused(post(applicant, **proposal(org_type="foundation", name="苏州市助学会")), "name", "基金会")
    assert_refused(post(applicant, **proposal(name="苏州市姑苏区阳光基金会")), "name", "基金会")


def test_name_unique_among_live_orgs_and_pending_applications(applicant, registrar_gusu, unit):
    holder = make_org("320508", name="苏州市姑苏区阳光社会工作服务中心", org_type="social_service_agency")
    assert_refused(post(applicant, **proposal()), "name", holder.credit_code)
    holder.status = "deregistered"
    holder.save()
    # A deregistered organization no longer holds the name; a pending application does.
    first = post(applicant, **proposal(category="charity")).json()
    assert as_user(applicant).post(f"{URL}{first['id']}/submit/").status_code == 400  # materials missing
    App.objects.filter(pk=first["id"]).update(status="submitted")
    refused = post(applicant, **proposal(category="charity"))
    assert_refused(refused, "name", f"第 {first['id']} 号申请")
    # Another region may use the same name.
    assert post(applicant, **proposal(region="320506", category="charity")).status_code == 201


def test_legal_representative_id_valid_and_age(applicant):
    bad = id_number_for("320508", born=date(1985, 3, 4))
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    assert_refused(
        post(applicant, **proposal(legal_representative_id_number=bad)), "legal_representative_id_number"
    )
    today = timezone.localdate()
    too_young = id_number_for("320508", born=date(today.year - 17, 1, 1))
    too_old = id_number_for("320508", born=date(today.year - 72, 1, 1))
    assert_refused(
        post(applicant, **proposal(legal_representative_id_number=too_young)),
        "legal_representative_id_number",
        "18",
    )
    assert_refused(
        post(applicant, **proposal(legal_representative_id_number=too_old)),
        "legal_representative_id_number",
        "70",
    )
    eighteen = id_number_for("320508", born=date(today.year - 18, today.month, 1))
    assert post(applicant, **proposal(legal_representative_id_number=eighteen)).status_code == 201


def test_one_person_one_legal_representation(applicant):
    other = make_org("320506", name="吴中区光伏行业协会")
    response = post(
        applicant, **proposal(legal_representative_id_number=other.legal_representative_id_number)
    )
    assert_refused(response, "legal_representative_id_number", "吴中区光伏行业协会")


def test_supervising_unit_needed_unless_direct(applicant):
    response = submit_errors(applicant, **proposal(category="other"))
    assert_refused(response, "supervising_unit")


def test_materials_checked_by_content_and_size(applicant):
    client = as_user(applicant)
    app = client.post(URL, {"kind": "establish", "proposed": proposal()}, format="json").json()
    fake = SimpleUploadedFile("charter.pdf", b"just text, not a PDF", content_type="application/pdf")
    assert_refused(
        client.post(f"{URL}{app['id']}/materials/", {"item": "charter", "file": fake}, format="multipart"),
        "file",
    )
    image = SimpleUploadedFile("scan.txt", PNG_BYTES, content_type="text/plain")  # an image by content
    assert (
        client.post(
            f"{URL}{app['id']}/materials/", {"item": "charter", "file": image}, format="multipart"
        ).status_code
        == 201
    )
    assert_refused(
        client.post(f"{URL}{app['id']}/materials/", {"item": "nonsense", "file": pdf()}, format="multipart"),
        "item",
    )
    with override_settings(MAX_ATTACHMENT_BYTES=20):
        assert_refused(
            client.post(
                f"{URL}{app['id']}/materials/", {"item": "charter", "file": pdf()}, format="multipart"
            ),
            "file",
            "MB",
        )
    assert ApplicationMaterial.objects.count() == 1


def test_required_materials_before_submit(applicant):
    client = as_user(applicant)
    app = client.post(
        URL, {"kind": "establish", "proposed": proposal(category="charity")}, format="json"
    ).json()
    response = client.post(f"{URL}{app['id']}/submit/")
    assert_refused(response, "materials", "章程")
    assert App.objects.get(pk=app["id"]).status == "draft"


def test_unknown_fields_and_kinds(applicant):
    assert_refused(post(applicant, **proposal(colour="red")), "colour")
    assert_refused(post(applicant, "nonsense", **proposal()), "kind")
    assert_refused(post(applicant, "deregister", reason="x"), "organization")


def test_change_rechecks_the_changed_fields(gusu_org, org_user):
    client = as_user(org_user)
    response = client.post(
        URL,
        {"kind": "change", "organization": gusu_org.pk, "proposed": {"name": "中华丝绸行业协会"}},
        format="json",
    )
    assert_refused(response, "name", "中华")
    response = client.post(
        URL,
        {"kind": "change", "organization": gusu_org.pk, "proposed": {"name": "姑苏区丝绸基金会"}},
        format="json",
    )
    assert_refused(response, "name", "基金会")
    assert not App.objects.exists()


def test_errors_in_english_when_asked(applicant):
    client = as_user(applicant)
    body = {
        "kind": "preparation",
        "proposed": proposal(org_type="social_group", registered_capital="29999.99"),
    }
    response = client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert_refused(response, "registered_capital", "30,000 yuan")
    response = client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert_refused(response, "registered_capital", "3万元")
    assert not App.objects.exists()
