"""The deadline task: reminders 30/7/1 days before, the abnormal list the day after, unlisting, escalation."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from orgs.annual_reports import deadlines
from orgs.annual_reports.tasks import daily_filing_deadline
from orgs.models import CreditListEntry, DeadlineReminder, Notification, Organization
from orgs.tasks import daily_filing_deadline as reexported
from tests.factories import make_org, make_person

from .conftest import make_report, pdf

YEAR = 2025
DEADLINE = date(2026, 5, 31)


@pytest.fixture
def orgs(db, unit):
    """Who owes a report for 2025 and what they did."""
    made = {
        "accepted": make_org("320508", supervising_unit=unit),
        "submitted": make_org("320508", supervising_unit=unit),
        "draft": make_org("320508", supervising_unit=unit),
        "returned": make_org("320508", supervising_unit=unit),
        "nothing": make_org("320506"),
        "abnormal_already": make_org("320506", status="abnormal"),
        "registered_2026": make_org("320508", registered_on=date(2026, 1, 10)),
        "deregistered": make_org("320508", status="deregistered"),
    }
    users = {key: make_person(f"u_{key}", kind="org", org=org) for key, org in made.items()}
    for key, user in users.items():
        user.email = f"{key}@example.com"
        user.save()
    for key in ("accepted", "submitted", "draft", "returned"):
        make_report(made[key], users[key], year=YEAR, status=key)
    return made


NON_FILERS = {"draft", "returned", "nothing", "abnormal_already"}


def test_deadline_setting(settings):
    assert deadlines.deadline_for(2025) == DEADLINE
    settings.ANNUAL_REPORT_DEADLINE = "06-30"
    assert deadlines.deadline_for(2025) == date(2026, 6, 30)


def test_the_task_is_reexported_for_beat():
    assert reexported is daily_filing_deadline
    assert daily_filing_deadline.name == "orgs.tasks.daily_filing_deadline" or reexported.name.endswith(
        "daily_filing_deadline"
    )


def test_nothing_happens_on_the_deadline(orgs):
    assert daily_filing_deadline.delay(DEADLINE.isoformat()).get()["listed"] == 0
    assert not CreditListEntry.objects.exists()


def test_the_day_after_lists_exactly_the_non_filers_and_is_idempotent(orgs):
    result = daily_filing_deadline.delay((DEADLINE + timedelta(days=1)).isoformat()).get()
    assert result["listed"] == len(NON_FILERS)
    listed = set(CreditListEntry.objects.values_list("organization_id", flat=True))
    assert listed == {orgs[key].pk for key in NON_FILERS}
    entry = CreditListEntry.objects.get(organization=orgs["nothing"])
    assert (entry.list, entry.reason, entry.reason_code, entry.report_year, entry.listed_on) == (
        "abnormal", "未按规定报送年度工作报告", "no_annual_report", YEAR, DEADLINE + timedelta(days=1),
    )  # fmt: skip
    statuses = dict(Organization.objects.values_list("pk", "status"))
    assert all(statuses[orgs[key].pk] == "abnormal" for key in NON_FILERS)
    assert statuses[orgs["accepted"].pk] == statuses[orgs["submitted"].pk] == "active"
    history = orgs["nothing"].history.first()
    assert history.status == "abnormal" and history.history_user is None

    before = (CreditListEntry.objects.count(), Organization.history.count())
    again = daily_filing_deadline.delay((DEADLINE + timedelta(days=2)).isoformat()).get()
    assert again["listed"] == 0
    assert (CreditListEntry.objects.count(), Organization.history.count()) == before


def test_acceptance_of_the_late_report_unlists(orgs, unit_staff, registrar_city):
    from orgs.annual_reports import services

    call_command("apply_filing_deadline", "--year", str(YEAR), "--on", "2026-06-01")
    report = orgs["draft"].annual_reports.get()
    user = orgs["draft"].user_scopes.get().user
    services.annual_report_attach(actor=user, report=report, upload=pdf())
    services.annual_report_submit(actor=user, report=report)
    services.annual_report_review(actor=unit_staff, report=report, decision="pass")
    services.annual_report_review(actor=registrar_city, report=report, decision="qualified")
    entry = CreditListEntry.objects.get(organization=orgs["draft"])
    assert entry.removed_on is not None and entry.removal_reason
    orgs["draft"].refresh_from_db()
    assert orgs["draft"].status == "active"
    # Not re-listed the next day.
    assert deadlines.apply_deadline(year=YEAR, on=date(2026, 6, 20)) == 0


def test_status_stays_abnormal_while_another_entry_is_open(orgs, unit_staff, registrar_city):
    from orgs.annual_reports import services

    organization = orgs["returned"]
    services.credit_list_add(
        actor=registrar_city, organization=organization, list="abnormal", reason="失联", report_year=None
    )
    deadlines.apply_deadline(year=YEAR, on=date(2026, 6, 1))
    report = organization.annual_reports.get()
    user = organization.user_scopes.get().user
    services.annual_report_attach(actor=user, report=report, upload=pdf())
    services.annual_report_submit(actor=user, report=report)
    services.annual_report_review(actor=unit_staff, report=report, decision="pass")
    services.annual_report_review(actor=registrar_city, report=report, decision="qualified")
    organization.refresh_from_db()
    assert organization.status == "abnormal"


def test_command_refuses_before_the_deadline(orgs):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("apply_filing_deadline", "--year", str(YEAR), "--on", "2026-05-31")


def test_two_full_years_escalate_to_the_serious_list_once(orgs):
    deadlines.apply_deadline(year=YEAR, on=date(2026, 6, 1))
    assert deadlines.escalate(on=date(2028, 5, 31)) == 0
    assert deadlines.escalate(on=date(2028, 6, 1)) == len(NON_FILERS)
    serious = CreditListEntry.objects.filter(list="serious")
    assert set(serious.values_list("organization_id", flat=True)) == {orgs[k].pk for k in NON_FILERS}
    assert set(serious.values_list("reason_code", flat=True)) == {"escalated"}
    assert deadlines.escalate(on=date(2028, 6, 2)) == 0


@pytest.mark.parametrize("days", [30, 7, 1])
def test_reminders_are_sent_once_to_non_filers(orgs, days):
    on = DEADLINE - timedelta(days=days)
    mail.outbox.clear()
    with_commit = daily_filing_deadline.delay(on.isoformat()).get()
    assert with_commit["reminded"] == len(NON_FILERS)
    reminded = set(
        DeadlineReminder.objects.filter(days_before=days).values_list("organization_id", flat=True)
    )
    assert reminded == {orgs[k].pk for k in NON_FILERS}
    assert Notification.objects.filter(topic="annual_report_deadline").count() == len(NON_FILERS)
    assert daily_filing_deadline.delay(on.isoformat()).get()["reminded"] == 0
    assert Notification.objects.count() == len(NON_FILERS)


def test_reminder_emails(orgs, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.send_reminders(on=DEADLINE - timedelta(days=7))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"{k}@example.com" for k in NON_FILERS)
    message = mail.outbox[0]
    assert message.subject == f"{YEAR}年度工作报告：还剩7天"  # in the portal's language
    assert DEADLINE.isoformat() in message.body and f"/my/annual-reports/{YEAR}/" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.send_reminders(on=DEADLINE - timedelta(days=7))
    assert len(mail.outbox) == len(NON_FILERS)


def test_no_reminder_on_other_days(orgs):
    assert deadlines.send_reminders(on=DEADLINE - timedelta(days=8)) == 0


def test_listing_is_set_based(orgs, django_assert_max_num_queries):
    for _ in range(20):
        make_org("320508", status="abnormal")  # already abnormal: no status change
    # 4 non-filers change status through the service (about 6 queries each); the 20 abnormal ones add none.
    with django_assert_max_num_queries(10 + 6 * 3):
        listed = deadlines.apply_deadline(year=YEAR, on=date(2026, 6, 1))
    assert listed == len(NON_FILERS) + 20
