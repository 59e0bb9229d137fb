"""Pages and public outputs: sign-up with e-mail confirmation, the certificate PDF, announcements and their
Atom feed, the queues, the monthly overview, the similar-names warning, decisions from the pages."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pypdf
import pytest
import qrcode
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from PIL import ImageChops

from orgs.models import ApplicationEvent, CodeSequence, Organization, RegistrationApplication, UserScope
from orgs.registration import certificate, selectors, services
from orgs.registration.rules import checklist_for
from tests.factories import as_user, make_org

from .conftest import URL, pdf, proposal

App = RegistrationApplication
SHANGHAI = ZoneInfo("Asia/Shanghai")


def accepted(applicant, registrar, **overrides):
    application = services.application_create(
        actor=applicant, kind="establish", proposed=proposal(category="charity", **overrides)
    )
    for entry in checklist_for("establish", application.org_type):
        services.material_upload(actor=applicant, application=application, item=entry.item, file=pdf())
    services.application_submit(actor=applicant, application=application)
    return services.application_accept(actor=registrar, application=application)


# ---------------------------------------------------------------- sign-up


def test_sign_up_sends_a_link_that_activates_the_login(client, django_capture_on_commit_callbacks):
    assert client.get("/signup/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/signup/",
            {"email": "Fa.Qi@Example.cn", "password": "Long-pass-2026", "password2": "Long-pass-2026"},
        )
    assert response.status_code == 200 and "fa.qi@example.cn" in response.content.decode()
    user = get_user_model().objects.get(username="fa.qi@example.cn")
    assert not user.is_active and UserScope.objects.get(user=user).kind == "applicant"
    assert not client.login(username="fa.qi@example.cn", password="Long-pass-2026")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["fa.qi@example.cn"]
    link = re.search(r"http://testserver(/signup/confirm/\S+/)", mail.outbox[0].body).group(1)

    assert client.get(link.replace("/confirm/", "/confirm/x")).status_code == 302  # a forged link
    assert not get_user_model().objects.get(pk=user.pk).is_active
    assert client.get(link).url == "/login/"
    assert client.login(username="fa.qi@example.cn", password="Long-pass-2026")
    # Applicants apply: the new login may create an application through the API.
    response = as_user(get_user_model().objects.get(pk=user.pk)).post(
        URL, {"kind": "establish", "proposed": proposal(category="charity")}, format="json"
    )
    assert response.status_code == 201


def test_sign_up_refuses_a_taken_address_and_a_weak_password(client, applicant):
    taken = get_user_model().objects.filter(pk=applicant.pk).update(email="taken@example.cn")
    assert taken == 1
    response = client.post(
        "/signup/", {"email": "taken@example.cn", "password": "Long-pass-2026", "password2": "Long-pass-2026"}
    )
    assert "taken@example.cn" in response.content.decode() and "is-invalid" in response.content.decode()
    response = client.post(
        "/signup/", {"email": "new@example.cn", "password": "12345678", "password2": "12345678"}
    )
    assert "is-invalid" in response.content.decode()
    assert not get_user_model().objects.filter(username="new@example.cn").exists()
    assert mail.outbox == []


def test_create_user_command_makes_an_applicant_who_can_apply(db):
    call_command(
        "create_user",
        "initiator",
        "--password",
        "Long-pass-2026",
        "--kind",
        "applicant",
        stdout=io.StringIO(),
    )
    user = get_user_model().objects.get(username="initiator")
    assert UserScope.objects.get(user=user).kind == "applicant" and user.check_password("Long-pass-2026")
    response = as_user(user).post(
        URL, {"kind": "establish", "proposed": proposal(category="charity")}, format="json"
    )
    assert response.status_code == 201
    assert as_user(user).get(URL).json()["results"][0]["id"] == response.json()["id"]


# ---------------------------------------------------------------- certificate


def test_certificate_is_a4_with_the_font_embedded_the_particulars_and_a_qr_code(db, unit, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.cn"
    organization = make_org(
        "320508", name="苏州市姑苏区阳光社会工作服务中心", org_type="social_service_agency", supervising_unit=unit,
        legal_representative="李明", address="苏州市姑苏区人民路100号", business_scope="社会工作服务",
    )  # fmt: skip
    page = pypdf.PdfReader(io.BytesIO(certificate.render(organization))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = "".join(page.extract_text().split())
    for expected in (
        "民办非企业单位登记证书", organization.name, organization.credit_code, "李明", "苏州市姑苏区人民路100号",
        "社会工作服务", "开办资金", unit.name, "姑苏区民政局", "登记日期",
    ):  # fmt: skip
        assert expected in text, expected
    for font in page["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # embedded (a subset), nothing from the reader's system
    qr = qrcode.QRCode(border=1, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(f"https://portal.example.cn/public/organizations/{organization.pk}/")
    qr.make(fit=True)
    expected_image = qr.make_image().get_image().convert("1")
    [image] = page.images
    assert ImageChops.difference(image.image.convert("1"), expected_image).getbbox() is None


def test_certificate_page_for_the_organization_and_its_registrar_only(
    client, gusu_org, org_user, registrar_wuzhong
):
    client.force_login(org_user)
    response = client.get(f"/registration/organizations/{gusu_org.pk}/certificate/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert gusu_org.credit_code in "".join(
        pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split()
    )
    client.force_login(registrar_wuzhong)
    assert client.get(f"/registration/organizations/{gusu_org.pk}/certificate/").status_code == 404


# ---------------------------------------------------------------- announcements


def _approved(applicant, rows):
    for i in range(rows):
        organization = make_org("320508", name=f"公告测试{i}协会")
        App.objects.create(
            kind="establish", applicant=applicant, org_type="social_group", category="charity", region_id="320508",
            status="approved", organization=organization, proposed_name=organization.name,
            decided_at=timezone.now() - timedelta(minutes=i),
        )  # fmt: skip


def test_announcements_page_and_atom_feed_list_the_approved(client, applicant):
    _approved(applicant, 3)
    App.objects.create(
        kind="establish", applicant=applicant, org_type="social_group", category="charity", region_id="320508",
        status="accepted", proposed_name="未核准的协会",
    )  # fmt: skip
    html = client.get("/public/announcements/").content.decode()
    assert html.count('data-testid="announcement"') == 3
    assert "公告测试0协会" in html and "未核准的协会" not in html
    assert 'type="application/atom+xml"' in html
    feed = client.get("/public/announcements/feed/")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert 'xmlns="http://www.w3.org/2005/Atom"' in body and body.count("<entry>") == 3
    assert "公告测试0协会" in body and "未核准的协会" not in body
    # Newest first.
    assert body.index("公告测试0协会") < body.index("公告测试2协会")


@pytest.mark.parametrize("rows", [10, 100])
def test_announcement_page_and_feed_queries_do_not_grow(
    client, applicant, rows, django_assert_max_num_queries
):
    _approved(applicant, rows)
    with django_assert_max_num_queries(4):
        response = client.get("/public/announcements/")
    assert response.content.decode().count('data-testid="announcement"') == min(rows, 20)
    with django_assert_max_num_queries(4):
        feed = client.get("/public/announcements/feed/")
    assert feed.content.decode().count("<entry>") == min(rows, 50)


# ---------------------------------------------------------------- queues


def _many(applicant, rows, **extra):
    App.objects.bulk_create(
        App(
            kind="establish", applicant=applicant, org_type="social_service_agency", category="other",
            region_id="320508", status="submitted", proposed={"name": f"服务中心{i}"}, proposed_name=f"服务中心{i}",
            **extra,
        )
        for i in range(rows)
    )  # fmt: skip


@pytest.mark.parametrize("rows", [10, 100])
def test_my_applications_page_queries_do_not_grow(client, applicant, rows, django_assert_max_num_queries):
    _many(applicant, rows)
    client.force_login(applicant)
    with django_assert_max_num_queries(12):
        response = client.get("/registration/", {"per_page": 100})
    assert response.content.decode().count("data-application=") == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_unit_queue_queries_do_not_grow(
    client, applicant, unit, unit_staff, rows, django_assert_max_num_queries
):
    _many(applicant, rows, supervising_unit=unit)
    client.force_login(unit_staff)
    with django_assert_max_num_queries(12):
        response = client.get("/registration/", {"per_page": 100})
    assert response.content.decode().count("data-application=") == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_registrar_queue_names_changes_by_their_organization_in_flat_queries(
    client, applicant, registrar_gusu, gusu_org, rows, django_assert_max_num_queries
):
    """A change has no proposed name: the queue shows the organization's, read with the rows (the table reads
    only the columns it shows)."""
    App.objects.bulk_create(
        App(kind="change", applicant=applicant, organization=gusu_org, org_type="social_group",
            category="industry_association", region_id="320508", status="accepted", proposed={})
        for _ in range(rows)
    )  # fmt: skip
    client.force_login(registrar_gusu)
    with django_assert_max_num_queries(4):
        html = client.get("/registration/", {"per_page": 100}).content.decode()
    assert html.count("data-application=") == rows
    assert html.count("姑苏区丝绸行业协会") == rows


def test_queue_shows_days_left_and_highlights_the_overdue(client, applicant, registrar_gusu):
    today = timezone.localdate()
    late = App.objects.create(
        kind="establish", applicant=applicant, org_type="social_service_agency", category="charity",
        region_id="320508", status="accepted", due_on=today - timedelta(days=2), proposed_name="逾期中心",
    )  # fmt: skip
    App.objects.create(
        kind="establish", applicant=applicant, org_type="social_service_agency", category="charity",
        region_id="320508", status="accepted", due_on=today + timedelta(days=9), proposed_name="按期中心",
    )  # fmt: skip
    client.force_login(registrar_gusu)
    html = client.get("/registration/").content.decode()
    row = re.search(rf'<tr[^>]*data-application="{late.pk}"[^>]*>', html).group(0)
    assert "portal-overdue" in row
    assert html.index("逾期中心") < html.index("按期中心")  # the nearest limit first
    assert ">-2<" in html and ">9<" in html
    filtered = client.get("/registration/", {"overdue": "true"}).content.decode()
    assert "逾期中心" in filtered and "按期中心" not in filtered


# ---------------------------------------------------------------- overview


def test_monthly_overview_counts_and_average_working_days(
    client, applicant, registrar_gusu, registrar_wuzhong
):
    def at(y, m, d):
        return datetime(y, m, d, 10, tzinfo=SHANGHAI)

    common = {
        "kind": "establish",
        "applicant": applicant,
        "org_type": "social_service_agency",
        "category": "charity",
    }
    # Accepted Wednesday 30 September 2026, approved Friday 9 October: 2 working days (8 and 9 October).
    App.objects.create(**common, region_id="320508", status="approved", submitted_at=at(2026, 9, 28),
                       accepted_at=at(2026, 9, 30), decided_at=at(2026, 10, 9), proposed_name="甲")  # fmt: skip
    # Accepted Monday 12 October, refused Monday 19 October: 5 working days.
    App.objects.create(**common, region_id="320508", status="refused", submitted_at=at(2026, 10, 10),
                       accepted_at=at(2026, 10, 12), decided_at=at(2026, 10, 19), proposed_name="乙")  # fmt: skip
    App.objects.create(**common, region_id="320506", status="approved", submitted_at=at(2026, 10, 1),
                       accepted_at=at(2026, 10, 8), decided_at=at(2026, 10, 9), proposed_name="吴中")  # fmt: skip
    # Decided the day it was accepted: 0 working days, shown as 0.0 (not as "no decision").
    App.objects.create(**common, region_id="320508", status="approved", submitted_at=at(2026, 11, 2),
                       accepted_at=at(2026, 11, 2), decided_at=at(2026, 11, 2), proposed_name="丙")  # fmt: skip
    rows = {row["month"]: row for row in selectors.monthly_overview(user=registrar_gusu, year=2026)}
    assert rows[11]["average_working_days"] == 0.0 and rows[12]["average_working_days"] is None
    assert (rows[9]["received"], rows[9]["accepted"], rows[9]["approved"]) == (1, 1, 0)
    assert (rows[10]["received"], rows[10]["accepted"], rows[10]["approved"], rows[10]["refused"]) == (
        1,
        1,
        1,
        1,
    )
    assert rows[10]["average_working_days"] == 3.5  # (2 + 5) / 2; 吴中 is outside the district
    client.force_login(registrar_gusu)
    html = client.get("/registration/overview/", {"year": 2026}).content.decode()
    assert "3.5" in html and "2026-10" in html and ">0.0<" in html
    assert "不予登记" in html and "受理" in html  # the registration words, not the annual reports' ones


# ---------------------------------------------------------------- the application page


def test_the_registrar_sees_similar_names_the_applicant_does_not(client, applicant, registrar_gusu):
    make_org("320506", name="苏州市吴中区阳光社会工作服务中心", org_type="social_service_agency")
    application = accepted(applicant, registrar_gusu)
    client.force_login(registrar_gusu)
    html = client.get(f"/registration/{application.pk}/").content.decode()
    assert 'data-testid="similar"' in html and "苏州市吴中区阳光社会工作服务中心" in html
    client.force_login(applicant)
    assert 'data-testid="similar"' not in client.get(f"/registration/{application.pk}/").content.decode()


def test_decisions_from_the_page_follow_the_state_and_the_scope(
    client, applicant, registrar_gusu, registrar_wuzhong
):
    application = accepted(applicant, registrar_gusu)
    client.force_login(registrar_wuzhong)
    assert client.post(f"/registration/{application.pk}/approve/").status_code == 404
    client.force_login(registrar_gusu)
    # Accepting again is not allowed now: the page says so and nothing changes.
    response = client.post(f"/registration/{application.pk}/accept/", follow=True)
    assert App.objects.get(pk=application.pk).status == "accepted"
    assert "alert-danger" in response.content.decode() or "alert-error" in response.content.decode()
    response = client.post(f"/registration/{application.pk}/approve/", {"comment": "准予登记"}, follow=True)
    assert App.objects.get(pk=application.pk).status == "approved"
    organization = Organization.objects.get(pk=App.objects.get(pk=application.pk).organization_id)
    assert organization.credit_code in response.content.decode()


def test_an_approval_failing_half_way_changes_nothing(applicant, registrar_gusu, monkeypatch):
    application = accepted(applicant, registrar_gusu)
    organizations, events = Organization.objects.count(), ApplicationEvent.objects.count()
    sequences = list(CodeSequence.objects.values_list("key", "value"))

    def broken(application):
        raise RuntimeError("the mail server is down")

    monkeypatch.setattr(services, "_make_organization_user", broken)
    with pytest.raises(RuntimeError):
        services.application_approve(actor=registrar_gusu, application=application)
    after = App.objects.get(pk=application.pk)
    assert (after.status, after.organization_id, after.decided_at) == ("accepted", None, None)
    assert Organization.objects.count() == organizations and ApplicationEvent.objects.count() == events
    assert list(CodeSequence.objects.values_list("key", "value")) == sequences  # the code is not used up
    assert UserScope.objects.get(user=applicant).kind == "applicant"


def test_days_left_and_limits_on_every_view_of_the_application(client, applicant, registrar_gusu):
    application = accepted(applicant, registrar_gusu)
    body = as_user(applicant).get(f"{URL}{application.pk}/").json()
    assert body["days_left"] == 60 and body["due_on"] == str(timezone.localdate() + timedelta(days=60))
    client.force_login(applicant)
    html = client.get(f"/registration/{application.pk}/").content.decode()
    assert 'data-testid="days-left">60<' in html and body["promised_on"] in html
    listed = client.get("/registration/").content.decode()
    assert body["due_on"] in listed and body["promised_on"] in listed


def test_a_change_announcement_names_the_changed_particulars_in_words(client, applicant, gusu_org):
    App.objects.create(
        kind="change", applicant=applicant, org_type=gusu_org.org_type, category=gusu_org.category,
        region_id="320508", status="approved", organization=gusu_org, decided_at=timezone.now(),
        proposed={"phone": "0512-1", "address": "苏州市姑苏区平江路1号"},
    )  # fmt: skip
    html = client.get("/public/announcements/").content.decode()
    assert f"变更登记公告：{gusu_org.name}" in html
    assert "联系电话" in html and "住所" in html and "phone" not in html
