"""Working days on the official calendar; the legal clock starts at acceptance and pauses during correction."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from orgs import calendar as workdays
from orgs.models import CalendarDay, RegistrationApplication
from orgs.registration import services
from tests.factories import as_user

from .conftest import URL, pdf, proposal

App = RegistrationApplication


def test_holidays_and_adjusted_working_days():
    assert not workdays.is_working_day(date(2026, 10, 1))  # National Day
    assert not workdays.is_working_day(date(2026, 2, 17))  # Spring Festival
    assert workdays.is_working_day(date(2026, 2, 14))  # a Saturday made a working day (调休)
    assert workdays.is_working_day(date(2026, 9, 20))  # a Sunday made a working day
    assert not workdays.is_working_day(date(2026, 11, 21))  # an ordinary Saturday
    assert not workdays.is_provisional(date(2026, 12, 31))


def test_add_and_count_working_days_over_national_day():
    # 2026-09-30 (Wed) + 1 working day skips the 1–7 October holiday.
    start = date(2026, 9, 30)
    assert workdays.add_working_days(start, 1) == date(2026, 10, 8)
    assert workdays.working_days_between(start, date(2026, 10, 8)) == 1
    assert workdays.add_working_days(start, 0) == start
    for n in (1, 5, 20):
        assert workdays.working_days_between(start, workdays.add_working_days(start, n)) == n


def test_a_year_the_package_does_not_know_is_provisional_and_never_crashes(db):
    day = date(2027, 1, 4)  # a Monday in a year chinese_calendar does not know
    assert workdays.is_working_day(day)
    assert not workdays.is_working_day(date(2027, 1, 2))  # Saturday
    assert workdays.is_provisional(day)
    # Without the admin's entries 2027 counts Monday–Friday (1 January is a Friday, so it counts).
    assert workdays.add_working_days(date(2026, 12, 30), 5) == date(2027, 1, 6)
    # The admin enters the new year's holidays: they count, and the year is no longer provisional.
    CalendarDay.objects.create(date=date(2027, 1, 1), is_working_day=False, note="元旦")
    CalendarDay.objects.create(date=date(2027, 1, 4), is_working_day=False, note="元旦调休")
    workdays.clear_cache()
    assert not workdays.is_working_day(date(2027, 1, 4))
    assert not workdays.is_provisional(day)
    assert workdays.add_working_days(date(2026, 12, 30), 5) == date(2027, 1, 8)


def test_the_clock_starts_at_acceptance_and_pauses_during_correction(applicant, registrar_gusu, monkeypatch):
    days = {"today": date(2026, 3, 2)}
    monkeypatch.setattr(services, "_today", lambda: days["today"])
    client = as_user(applicant)
    app = client.post(
        URL, {"kind": "establish", "proposed": proposal(category="charity")}, format="json"
    ).json()
    for entry in client.get(
        "/api/v1/material-checklists/", {"kind": "establish", "org_type": "social_service_agency"}
    ).json():
        client.post(
            f"{URL}{app['id']}/materials/", {"item": entry["item"], "file": pdf()}, format="multipart"
        )
    client.post(f"{URL}{app['id']}/submit/")
    accepted = as_user(registrar_gusu).post(f"{URL}{app['id']}/accept/").json()
    assert accepted["due_on"] == "2026-05-01"  # 60 calendar days
    assert accepted["promised_on"] == "2026-03-16"  # 10 working days
    as_user(registrar_gusu).post(
        f"{URL}{app['id']}/request-correction/", {"items": ["charter"]}, format="json"
    )
    assert App.objects.get(pk=app["id"]).paused_since == date(2026, 3, 2)
    days["today"] = date(2026, 3, 12)  # ten calendar days, eight working days later
    resubmitted = client.post(f"{URL}{app['id']}/submit/").json()
    assert resubmitted["due_on"] == "2026-05-11"
    assert resubmitted["promised_on"] == str(workdays.add_working_days(date(2026, 3, 16), 8))
    application = App.objects.get(pk=app["id"])
    assert application.paused_days == 10 and application.paused_since is None


def test_working_day_limits_for_other_kinds(gusu_org, org_user, unit_staff, registrar_gusu, monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: date(2026, 9, 25))
    client = as_user(org_user)
    app = client.post(
        URL, {"kind": "change", "organization": gusu_org.pk, "proposed": {"phone": "0512-1"}}, format="json"
    ).json()
    for entry in client.get("/api/v1/material-checklists/", {"kind": "change"}).json():
        client.post(
            f"{URL}{app['id']}/materials/", {"item": entry["item"], "file": pdf()}, format="multipart"
        )
    client.post(f"{URL}{app['id']}/submit/")
    as_user(unit_staff).post(f"{URL}{app['id']}/consent/", {"decision": "consent"})
    accepted = as_user(registrar_gusu).post(f"{URL}{app['id']}/accept/").json()
    # 20 working days from Friday 25 September 2026 (Mid-Autumn Festival): chinese_calendar 1.11 has 25–27
    # September and 1–7 October off and Saturday 10 October an adjusted working day (调休), so the 20th
    # working day is Thursday 29 October (28–30 Sep: 3, 8–10 Oct: 6, 12–16: 11, 19–23: 16, 26–29: 20).
    assert accepted["due_on"] == str(workdays.add_working_days(date(2026, 9, 25), 20))
    assert accepted["due_on"] == "2026-10-29"


def test_days_left_is_negative_when_overdue_and_overdue_filter(applicant, registrar_gusu):
    today = timezone.localdate()
    late = App.objects.create(
        kind="establish", applicant=applicant, org_type="social_service_agency", category="charity",
        region_id="320508", status="accepted", due_on=today - timedelta(days=3), proposed_name="逾期",
    )  # fmt: skip
    App.objects.create(
        kind="establish", applicant=applicant, org_type="social_service_agency", category="charity",
        region_id="320508", status="accepted", due_on=today + timedelta(days=3), proposed_name="未逾期",
    )  # fmt: skip
    body = as_user(registrar_gusu).get(URL, {"overdue": "true"}).json()["results"]
    assert [r["id"] for r in body] == [late.pk] and body[0]["days_left"] == -3


@pytest.mark.parametrize("year", [2027, 2030])
def test_pages_with_a_deadline_in_an_unknown_year_do_not_crash(client, applicant, year):
    App.objects.create(
        kind="change", applicant=applicant, org_type="social_group", category="charity", region_id="320508",
        status="accepted", due_on=date(year, 2, 1), promised_on=date(year, 1, 20), proposed_name="远期",
    )  # fmt: skip
    client.force_login(applicant)
    detail = client.get(f"/registration/{App.objects.get().pk}/")
    assert detail.status_code == 200
    assert "暂定" in detail.content.decode()  # the working-day limits are provisional
    assert client.get("/registration/").status_code == 200
