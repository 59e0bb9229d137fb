"""Who may see and do what: 404 outside the scope, 403 without the right; query counts do not grow."""

import pytest

from orgs.models import RegistrationApplication
from orgs.registration import services
from tests.factories import as_user, make_person

from .conftest import URL, pdf, proposal

App = RegistrationApplication


def submitted(applicant, **overrides):
    application = services.application_create(
        actor=applicant, kind="establish", proposed=proposal(**overrides)
    )
    from orgs.registration.rules import checklist_for

    for entry in checklist_for("establish", application.org_type):
        services.material_upload(actor=applicant, application=application, item=entry.item, file=pdf())
    return services.application_submit(actor=applicant, application=application)


def test_a_unit_cannot_consent_to_another_units_application(applicant, unit, unit_staff, other_unit_staff):
    application = submitted(applicant, supervising_unit=unit.pk)
    assert as_user(other_unit_staff).get(f"{URL}{application.pk}/").status_code == 404
    response = as_user(other_unit_staff).post(f"{URL}{application.pk}/consent/", {"decision": "consent"})
    assert response.status_code == 404
    assert App.objects.get(pk=application.pk).status == "submitted"
    assert (
        as_user(unit_staff).post(f"{URL}{application.pk}/consent/", {"decision": "consent"}).status_code
        == 200
    )


def test_a_district_registrar_cannot_decide_outside_the_district(
    applicant, registrar_wuzhong, registrar_city
):
    application = submitted(applicant, category="charity")  # 姑苏区
    for verb in ("accept", "refuse", "request-correction", "approve"):
        assert (
            as_user(registrar_wuzhong).post(f"{URL}{application.pk}/{verb}/", {"reason": "x"}).status_code
            == 404
        )
    assert App.objects.get(pk=application.pk).status == "submitted"
    # The city's registrar covers the district.
    assert as_user(registrar_city).post(f"{URL}{application.pk}/accept/").status_code == 200


def test_a_statistician_reads_but_cannot_decide(applicant, statistician_city):
    application = submitted(applicant, category="charity")
    assert as_user(statistician_city).get(f"{URL}{application.pk}/").status_code == 200
    assert as_user(statistician_city).post(f"{URL}{application.pk}/accept/").status_code == 403


def test_an_applicant_sees_only_their_own(applicant, client):
    mine = services.application_create(
        actor=applicant, kind="establish", proposed=proposal(category="charity")
    )
    other = make_person("other_applicant", kind="applicant")
    theirs = services.application_create(
        actor=other, kind="establish", proposed=proposal(name="苏州市姑苏区另一服务中心", category="charity")
    )
    listed = as_user(applicant).get(URL).json()["results"]
    assert [a["id"] for a in listed] == [mine.pk]
    assert as_user(applicant).get(f"{URL}{theirs.pk}/").status_code == 404
    assert (
        as_user(applicant)
        .patch(f"{URL}{theirs.pk}/", {"proposed": {"phone": "1"}}, format="json")
        .status_code
        == 404
    )
    assert as_user(applicant).post(f"{URL}{theirs.pk}/withdraw/").status_code == 404
    client.force_login(applicant)
    assert client.get(f"/registration/{theirs.pk}/").status_code == 404
    assert client.get(f"/registration/{theirs.pk}/edit/").status_code == 404


def test_staff_do_not_see_drafts_and_anonymous_is_401(applicant, registrar_gusu):
    draft = services.application_create(
        actor=applicant, kind="establish", proposed=proposal(category="charity")
    )
    assert as_user(registrar_gusu).get(f"{URL}{draft.pk}/").status_code == 404
    assert as_user(None).get(URL).status_code in (401, 403)


def test_id_number_masked_for_the_unit(applicant, unit, unit_staff, registrar_gusu):
    application = submitted(applicant, supervising_unit=unit.pk)
    number = application.proposed["legal_representative_id_number"]
    seen_by_unit = as_user(unit_staff).get(f"{URL}{application.pk}/").json()["proposed"]
    assert seen_by_unit["legal_representative_id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert (
        as_user(registrar_gusu)
        .get(f"{URL}{application.pk}/")
        .json()["proposed"]["legal_representative_id_number"]
        == number
    )
    assert (
        as_user(applicant).get(f"{URL}{application.pk}/").json()["proposed"]["legal_representative_id_number"]
        == number
    )


def _many(applicant, rows):
    App.objects.bulk_create(
        App(
            kind="establish", applicant=applicant, org_type="social_service_agency", category="charity",
            region_id="320508", status="submitted", proposed={"name": f"服务中心{i}"}, proposed_name=f"服务中心{i}",
        )
        for i in range(rows)
    )  # fmt: skip


@pytest.mark.parametrize("rows", [10, 100])
def test_list_api_queries_do_not_grow(applicant, registrar_gusu, rows, django_assert_max_num_queries):
    _many(applicant, rows)
    client = as_user(registrar_gusu)
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"page_size": 200})
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_queue_page_queries_do_not_grow(
    client, applicant, registrar_gusu, rows, django_assert_max_num_queries
):
    _many(applicant, rows)
    client.force_login(registrar_gusu)
    with django_assert_max_num_queries(12):
        response = client.get("/registration/", {"per_page": 100})
    assert response.status_code == 200
    assert response.content.decode().count("data-application=") == rows  # every row rendered, no N+1


def test_queue_page_shows_25_rows_by_default_and_at_most_100(client, applicant, registrar_gusu):
    _many(applicant, 130)
    client.force_login(registrar_gusu)
    assert client.get("/registration/").content.decode().count("data-application=") == 25
    assert client.get("/registration/", {"per_page": 500}).content.decode().count("data-application=") == 100
    assert client.get("/registration/", {"page": 6}).content.decode().count("data-application=") == 5
    assert client.get("/registration/", {"page": "x"}).content.decode().count("data-application=") == 25


@pytest.mark.parametrize("rows", [10, 100])
def test_public_announcements_queries_do_not_grow(db, applicant, rows, django_assert_max_num_queries):
    from tests.factories import make_org

    for i in range(rows):
        organization = make_org("320508", name=f"公告测试{i}协会")
        App.objects.create(
            kind="establish", applicant=applicant, org_type="social_group", category="charity", region_id="320508",
            status="approved", organization=organization, proposed_name=organization.name,
        )  # fmt: skip
    with django_assert_max_num_queries(3):
        response = as_user(None).get("/api/v1/public/announcements/", {"page_size": 200})
    assert len(response.json()["results"]) == rows
