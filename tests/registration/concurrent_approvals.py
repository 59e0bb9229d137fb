"""Concurrent approvals in threads, each with its own database connection; run by test_concurrency.py.

    python -m tests.registration.concurrent_approvals N

On the embedded SQLite it must run against a *file* (the settings' IMMEDIATE transactions and busy timeout;
pytest's in-memory test database is shared-cache and locks differently), so test_concurrency.py starts it in
a subprocess with SQLITE_PATH pointing at a fresh file. On PostgreSQL the integration test calls `run()`
directly against its test database. Prints one JSON line: {"codes": [...], "errors": [...]}.
"""

import json
import os
import sys
import threading


def prepare(n: int) -> tuple[object, list[int]]:
    from orgs.models import RegistrationApplication, UserScope
    from orgs.registration.defaults import ensure_defaults
    from orgs.services import user_create
    from tests.factories import id_number_for

    ensure_defaults()
    registrar = user_create(
        username=f"concurrent_registrar_{os.getpid()}", password=None, kind=UserScope.Kind.STAFF,
        region="320508", roles=["registrar"],
    )  # fmt: skip
    applicant = user_create(username=f"concurrent_applicant_{os.getpid()}", password=None, kind="applicant")
    ids = []
    for i in range(n):
        number = id_number_for("320508", seq=i + 1)
        app = RegistrationApplication.objects.create(
            kind="establish", applicant=applicant, org_type="social_service_agency", category="charity",
            region_id="320508", status="accepted", proposed_name=f"并发测试{os.getpid()}服务中心{i}",
            proposed={
                "name": f"并发测试{os.getpid()}服务中心{i}", "org_type": "social_service_agency", "category": "charity",
                "region": "320508", "legal_representative": "张三", "legal_representative_id_number": number,
                "registered_capital": "100000.00", "address": "苏州市人民路1号", "business_scope": "社会工作服务",
            },
        )  # fmt: skip
        ids.append(app.pk)
    return registrar, ids


def run(registrar, ids: list[int]) -> dict:
    from django.db import connection

    from orgs.models import ApplicationMaterial, RegistrationApplication
    from orgs.registration import services

    # Materials are not the point here: every approval re-checks them, so mark them present.
    from orgs.registration.rules import checklist_for

    ApplicationMaterial.objects.bulk_create(
        ApplicationMaterial(application_id=pk, item=entry.item, file="x.pdf")
        for pk in ids
        for entry in checklist_for("establish", "social_service_agency")
    )
    barrier = threading.Barrier(len(ids))
    codes, errors = [], []

    def approve(pk):
        try:
            barrier.wait(timeout=30)
            app = RegistrationApplication.objects.get(pk=pk)
            approved = services.application_approve(actor=registrar, application=app)
            codes.append(approved.organization.credit_code)
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(pk,)) for pk in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"codes": codes, "errors": errors}


def main(n: int) -> None:
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    # Tables straight from the models (as pytest --nomigrations does): seconds instead of a minute.
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0)
    call_command("load_regions", verbosity=0)
    registrar, ids = prepare(n)
    print(json.dumps(run(registrar, ids)))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)
