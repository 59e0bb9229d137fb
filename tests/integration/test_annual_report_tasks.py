"""The nightly deadline task in a real Celery worker (PostgreSQL, Redis): it lists exactly the non-filers and a
second run changes nothing."""

import os
from datetime import date

import pytest
from celery.result import EagerResult

from orgs.models import CreditListEntry, Organization
from orgs.tasks import daily_filing_deadline
from tests.annual_reports.conftest import make_report
from tests.factories import make_org, make_person

pytestmark = pytest.mark.integration


@pytest.mark.django_db(transaction=True)
def test_daily_filing_deadline_runs_in_the_worker(celery_worker_process):
    filer = make_org("320508")
    make_report(filer, make_person("filer", kind="org", org=filer), year=2025, status="submitted")
    late = [make_org("320508"), make_org("320506")]

    result = daily_filing_deadline.delay("2026-06-01")

    assert not isinstance(result, EagerResult)
    outcome = result.get(timeout=120)
    assert outcome["listed"] == 2
    assert celery_worker_process.pid != os.getpid()
    assert celery_worker_process.wait_for_log(result.id), celery_worker_process.log()[-2000:]
    assert set(CreditListEntry.objects.values_list("organization_id", flat=True)) == {o.pk for o in late}
    assert set(Organization.objects.filter(pk__in=[o.pk for o in late]).values_list("status", flat=True)) == {
        "abnormal"
    }
    assert Organization.objects.get(pk=filer.pk).status == "active"
    again = daily_filing_deadline.delay("2026-06-02").get(timeout=120)
    assert again["listed"] == 0 and again["escalated"] == 0
    assert CreditListEntry.objects.count() == 2
    assert CreditListEntry.objects.get(organization=late[0]).listed_on == date(2026, 6, 1)
