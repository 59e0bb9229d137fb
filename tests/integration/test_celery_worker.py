"""A real worker in another process runs the registry's tasks against PostgreSQL; /healthz/ sees Redis."""

import os

import pytest
from celery.result import EagerResult
from django.db import connection
from django.test import Client

from orgs.models import Organization
from orgs.search import name_initials
from orgs.tasks import rebuild_search_columns
from tests.factories import make_org

pytestmark = pytest.mark.integration


@pytest.mark.django_db(transaction=True)
def test_rebuild_search_columns_runs_in_the_worker(celery_worker_process):
    assert connection.vendor == "postgresql"
    in_city = [make_org("320508"), make_org("320508"), make_org("320506"), make_org("320506")]
    elsewhere = make_org("320102")  # 南京市玄武区: outside the region the task is asked to rebuild
    corrupted = [org.pk for org in in_city[:3]]
    Organization.objects.filter(pk__in=[*corrupted, elsewhere.pk]).update(name_initials="zzz")

    result = rebuild_search_columns.delay("3205")

    assert not isinstance(result, EagerResult)
    assert result.get(timeout=60) == len(corrupted)
    # The task ran in the worker process, not in this one.
    assert celery_worker_process.pid != os.getpid()
    assert celery_worker_process.wait_for_log(result.id), celery_worker_process.log()[-2000:]
    for org in in_city:
        org.refresh_from_db()
        assert org.name_initials == name_initials(org.name) != "zzz"
    elsewhere.refresh_from_db()
    assert elsewhere.name_initials == "zzz"

    # Idempotent: a second run finds nothing to fix.
    assert rebuild_search_columns.delay("3205").get(timeout=60) == 0


@pytest.mark.django_db
def test_healthz_reports_redis_cache_and_broker():
    response = Client().get("/healthz/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}
