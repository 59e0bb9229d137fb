"""Ratings (five years), credit-list service and API."""

from datetime import date, timedelta

from django.utils import timezone

from orgs.annual_reports import services
from orgs.hooks import Event, registry_event
from orgs.models import CreditListEntry, Rating
from tests.factories import as_user


def test_a_rating_is_valid_five_years_and_then_expired(gusu_org, registrar_gusu):
    events = []
    registry_event.connect(receiver := lambda sender, event, **kw: events.append(event))
    try:
        response = as_user(registrar_gusu).post(
            "/api/v1/ratings/", {"organization": gusu_org.pk, "grade": 5, "awarded_on": "2020-02-29"}
        )
    finally:
        registry_event.disconnect(receiver)
    assert response.status_code == 201, response.json()
    assert response.json()["valid_until"] == "2025-02-28"
    assert response.json()["expired"] is True
    assert Event.RATING_AWARDED in events
    fresh = services.rating_award(
        actor=registrar_gusu, organization=gusu_org, grade=3, awarded_on=timezone.localdate()
    )
    assert fresh.valid_until == timezone.localdate().replace(year=timezone.localdate().year + 5)
    assert not fresh.expired


def test_grade_must_be_one_to_five(gusu_org, registrar_gusu):
    for grade in (0, 6):
        response = as_user(registrar_gusu).post(
            "/api/v1/ratings/", {"organization": gusu_org.pk, "grade": grade, "awarded_on": "2024-01-01"}
        )
        assert response.status_code == 400 and "grade" in response.json()
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = as_user(registrar_gusu).post(
        "/api/v1/ratings/", {"organization": gusu_org.pk, "grade": 3, "awarded_on": future}
    )
    assert response.status_code == 400 and "awarded_on" in response.json()
    assert not Rating.objects.exists()


def test_credit_list_add_and_remove_move_the_status(gusu_org, registrar_gusu):
    client = as_user(registrar_gusu)
    response = client.post(
        "/api/v1/credit-list-entries/",
        {
            "organization": gusu_org.pk,
            "list": "abnormal",
            "reason": "通过登记的住所无法联系",
            "listed_on": "2026-01-05",
        },
    )
    assert response.status_code == 201, response.json()
    gusu_org.refresh_from_db()
    assert gusu_org.status == "abnormal"
    entry_id = response.json()["id"]
    assert client.post(f"/api/v1/credit-list-entries/{entry_id}/remove/", {}).status_code == 400
    response = client.post(
        f"/api/v1/credit-list-entries/{entry_id}/remove/", {"removal_reason": "已恢复联系"}
    )
    assert response.status_code == 200 and response.json()["removed_on"]
    gusu_org.refresh_from_db()
    assert gusu_org.status == "active"
    assert (
        client.post(
            f"/api/v1/credit-list-entries/{entry_id}/remove/", {"removal_reason": "again"}
        ).status_code
        == 409
    )


def test_service_signature_for_other_areas(gusu_org, supervisor_city):
    entry = services.credit_list_add(
        actor=supervisor_city, organization=gusu_org, list="serious", reason="违规收费被处罚",
        reason_code="fee_punishment", listed_on=date(2026, 3, 1),
    )  # fmt: skip
    assert entry.list == "serious"
    gusu_org.refresh_from_db()
    assert gusu_org.status == "active"  # the serious list alone does not change the status
    services.credit_list_remove(
        actor=supervisor_city, entry=entry, removal_reason="整改完成", on=date(2026, 9, 1)
    )
    assert CreditListEntry.objects.get().removed_on == date(2026, 9, 1)


def test_entry_filters(gusu_org, registrar_gusu):
    services.credit_list_add(
        actor=registrar_gusu, organization=gusu_org, list="abnormal", reason="x", report_year=2024
    )
    client = as_user(registrar_gusu)
    assert (
        len(
            client.get("/api/v1/credit-list-entries/", {"list": "abnormal", "current": "true"}).json()[
                "results"
            ]
        )
        == 1
    )
    assert client.get("/api/v1/credit-list-entries/", {"list": "serious"}).json()["results"] == []


def test_listing_and_removal_dates_cannot_be_in_the_future(gusu_org, registrar_gusu):
    client = as_user(registrar_gusu)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    entry = {"organization": gusu_org.pk, "list": "abnormal", "reason": "失联", "listed_on": tomorrow}
    response = client.post("/api/v1/credit-list-entries/", entry)
    assert response.status_code == 400 and "listed_on" in response.json()
    assert not CreditListEntry.objects.exists()
    gusu_org.refresh_from_db()
    assert gusu_org.status == "active"
    last_month = (timezone.localdate() - timedelta(days=30)).isoformat()
    entry_id = client.post("/api/v1/credit-list-entries/", {**entry, "listed_on": last_month}).json()["id"]
    response = client.post(
        f"/api/v1/credit-list-entries/{entry_id}/remove/", {"removal_reason": "恢复", "on": tomorrow}
    )
    assert response.status_code == 400 and "on" in response.json()
    assert CreditListEntry.objects.get(pk=entry_id).removed_on is None
