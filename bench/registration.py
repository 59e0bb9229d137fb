"""Registration at national scale (issue 7), on the data of bench/generate.py (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/registration.py \\
        [--city 3205] [--repeat 5] [--only queue,approvals] [--registrars 20] [--approvals 1000]

Measures in one run:
- queue: the registrar's queue (orgs.registration.selectors.queue_for: open applications, oldest due first,
  first page of 50) and the page (/registration/), for a city registrar and a national one: query counts and
  times, against the same SQL hand-written (count + first page) run through psycopg (target ≤ 2×); and the
  API's list by due date (/api/v1/registration-applications/?ordering=due_on: every application past draft,
  cursor pages, no count) against the SQL it ran, executed by psycopg and dumped to JSON;
- approvals: --approvals accepted establishment applications (complete materials; cloned in SQL from one made
  through the services) approved by --registrars concurrent registrars (threads, one connection each) through
  orgs.registration.services.application_approve, which issues the credit code from the county's counter
  (SELECT … FOR UPDATE); approvals per second, errors, and duplicate credit codes (must be 0). The
  applications, organizations and everything they wrote are deleted afterwards.
Figures: stdout and bench/out/registration.json.
"""

import argparse
import os
import queue
import threading
import time
from datetime import date

os.environ.setdefault("MEDIA_ROOT", "/tmp/bench-media")  # uploaded materials stay out of the project

from common import (
    HEADER,
    ORDERS,
    capture,
    line,
    ratio,
    raw,
    replay_json,
    require_postgres,
    staff_client,
    staff_user,
    timed_together,
    write_report,
)
from django.db import connection, transaction

OPEN = ("submitted", "unit_consented", "correction_requested", "accepted")

QUEUE_COUNT_SQL = """
SELECT count(*) FROM orgs_registrationapplication a
WHERE a.region_id LIKE %(prefix)s AND a.status <> 'draft' AND a.status = ANY(%(open)s)
"""
QUEUE_PAGE_SQL = """
SELECT a.*, g.*, o.*, u.*, p.*
FROM orgs_registrationapplication a
JOIN orgs_region g ON g.code = a.region_id
LEFT JOIN orgs_organization o ON o.id = a.organization_id
LEFT JOIN orgs_supervisingunit u ON u.id = a.supervising_unit_id
JOIN auth_user p ON p.id = a.applicant_id
WHERE a.region_id LIKE %(prefix)s AND a.status <> 'draft' AND a.status = ANY(%(open)s)
ORDER BY a.due_on ASC NULLS LAST, a.submitted_at, a.id
LIMIT 50
"""


def queue_cases(city: str, repeat: int, order: str = "series") -> list[dict]:
    from orgs.registration.selectors import queue_for

    cases = []
    for region, label in ((city, f"city {city}"), (None, "whole country")):
        who = f"registrar-{region or 'national'}"
        user = staff_user(who, region=region, roles=["registrar"])
        client = staff_client(who, region=region, roles=["registrar"])
        params = {"prefix": f"{region or ''}%", "open": list(OPEN)}

        def selector(user=user):
            qs = queue_for(user=user, filters={})
            return qs.count(), list(qs[:50])

        def sql(params=params):
            return raw(QUEUE_COUNT_SQL, params), raw(QUEUE_PAGE_SQL, params)

        (count, page), _ = capture(selector)
        (sql_count, sql_page) = sql()
        same = count == sql_count[0][0] and [a.pk for a in page] == [row[0] for row in sql_page]
        runs = {"sql": sql, "selector": selector}
        queries = {}
        urls = {
            "queue page": "/registration/",
            "queue API": "/api/v1/registration-applications/?ordering=due_on&page_size=50",
        }
        for kind, url in urls.items():

            def get(url=url, client=client):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code, response.content[:300])
                return response

            _, queries[kind] = capture(get)
            runs[kind] = get
        # The API pages by its own ordering (cursor on due_on, id): its baseline is the SQL it ran, executed by
        # psycopg and dumped to JSON.
        own = [q for q in queries["queue API"] if "orgs_registrationapplication" in q]
        runs["API SQL"] = lambda own=own: replay_json(own)
        t = timed_together(runs, repeat, order=order)
        cases.append(
            {
                "case": f"queue selector {label} (count + first 50)",
                "django": t["selector"],
                "sql": t["sql"],
                "ratio": ratio(t["selector"], t["sql"]),
                "target": 2,
                "open_applications": count,
                "same_result": same,
            }
        )
        for kind, url in urls.items():
            baseline = t["API SQL"] if kind == "queue API" else t["sql"]
            cases.append(
                {
                    "case": f"{kind} {label}: {url}",
                    "django": t[kind],
                    "sql": baseline,
                    "ratio": ratio(t[kind], baseline),
                    "target": 2,
                    "queries": len(queries[kind]),
                }
            )
    return cases


# --------------------------------------------------------------------------------------------- approvals
COUNTIES = ["320505", "320506", "320507", "320508"]


def prepare_applications(n: int) -> tuple[list[int], object]:
    """One application made through the services (materials uploaded, submitted, accepted), cloned n times in
    SQL with its own name, legal representative and county; returns the ids and the template."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from orgs.codes import id_number_check_char
    from orgs.models import ApplicationMaterial, RegistrationApplication, UserScope
    from orgs.registration import services
    from orgs.registration.defaults import ensure_defaults
    from orgs.registration.rules import checklist_for

    ensure_defaults()
    registrar = staff_user("approver-0", region="32", roles=["registrar"])
    applicant, _ = get_user_model().objects.get_or_create(username="bench-founder")
    UserScope.objects.update_or_create(user=applicant, defaults={"kind": "applicant", "region_id": None})

    def person(i: int) -> str:
        first17 = f"320506{date(1970 + i % 30, 1 + i % 12, 1 + i % 28):%Y%m%d}{i % 1000:03d}"
        return first17 + id_number_check_char(first17)

    def particulars(i: int) -> dict:
        county = COUNTIES[i % len(COUNTIES)]
        names = dict(raw("SELECT code, name FROM orgs_region WHERE code = ANY(%s)", [COUNTIES]))
        return {
            "name": f"{names[county]}基准第{i}社会工作服务中心",
            "org_type": "social_service_agency",
            "category": "charity",
            "region": county,
            "legal_representative": "陈晓东",
            "legal_representative_id_number": person(i + 500_000),
            "registered_capital": "100000.00",
            "address": "苏州市吴中区干将西路100号",
            "phone": "0512-67771000",
            "business_scope": "为老年人提供日间照料、助餐助浴、康复护理和精神慰藉服务。",
        }

    with transaction.atomic():
        template = services.application_create(actor=applicant, kind="establish", proposed=particulars(0))
        for entry in checklist_for(template.kind, template.org_type):
            if entry.required:
                services.material_upload(
                    actor=applicant,
                    application=template,
                    item=entry.item,
                    file=ContentFile(b"%PDF-1.4\n%bench\n", name=f"{entry.item}.pdf"),
                )
        services.application_submit(actor=applicant, application=template)
        services.application_accept(actor=registrar, application=template)
    template.refresh_from_db()
    ids = [template.pk]
    materials = list(ApplicationMaterial.objects.filter(application=template))
    for i in range(1, n):
        template.pk = None
        template.id = None
        template.proposed = particulars(i)
        template.proposed_name = template.proposed["name"]
        template.region_id = template.proposed["region"]
        template.save(force_insert=True)
        ids.append(template.pk)
        ApplicationMaterial.objects.bulk_create(
            [ApplicationMaterial(**{**_fields(m), "application_id": template.pk}) for m in materials]
        )
    return ids, RegistrationApplication


def _fields(instance) -> dict:
    return {
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if not f.primary_key
    }


def approvals(registrars: int, n: int) -> list[dict]:
    from orgs.models import Organization
    from orgs.registration import services

    max_org = raw("SELECT coalesce(max(id), 0) FROM orgs_organization")[0][0]
    started_at = raw("SELECT now()")[0][0]
    t = time.perf_counter()
    ids, App = prepare_applications(n)
    prepare_s = time.perf_counter() - t
    work: queue.Queue = queue.Queue()
    for pk in ids:
        work.put(pk)
    errors: list[str] = []
    done = []
    users = [staff_user(f"approver-{i}", region="32", roles=["registrar"]) for i in range(registrars)]

    def registrar(user):
        try:
            while True:
                try:
                    pk = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    services.application_approve(
                        actor=user, application=App.objects.get(pk=pk), comment="准予登记"
                    )
                    done.append(pk)
                except Exception as error:  # noqa: BLE001 - counted and reported
                    errors.append(f"{type(error).__name__}: {str(error)[:200]}")
        finally:
            connection.close()

    threads = [threading.Thread(target=registrar, args=(u,)) for u in users]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    new = Organization.objects.filter(pk__gt=max_org)
    codes = list(new.values_list("credit_code", flat=True))
    duplicates_new = len(codes) - len(set(codes))
    duplicates_all = raw(
        "SELECT count(*) FROM (SELECT credit_code FROM orgs_organization WHERE credit_code IS NOT NULL "
        "GROUP BY credit_code HAVING count(*) > 1) d"
    )[0][0]
    cleanup = cleanup_approvals(ids, max_org, started_at)
    return [
        {
            "case": f"approvals, {registrars} concurrent registrars, {len(COUNTIES)} counties",
            "applications": len(ids),
            "approved": len(done),
            "errors": len(errors),
            "error_samples": sorted(set(errors))[:5],
            "seconds": round(elapsed, 2),
            "approvals_per_s": round(len(done) / elapsed, 1),
            "organizations_created": len(codes),
            "duplicate_codes_among_new": duplicates_new,
            "duplicate_codes_in_table": duplicates_all,
            "prepare_seconds": round(prepare_s, 1),
            "cleanup": cleanup,
        }
    ]


def cleanup_approvals(ids: list[int], max_org: int, started_at) -> dict:
    """Delete what the approvals wrote: every row referencing the new organizations or the applications."""
    deleted = {}
    new_orgs = "SELECT id FROM orgs_organization WHERE id > %(max)s"
    refs = raw(
        """SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text
           FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
           WHERE c.contype = 'f' AND c.confrelid IN ('orgs_organization'::regclass,
                                                     'orgs_registrationapplication'::regclass)"""
    )
    with transaction.atomic():
        for _round in range(3):  # references between the referencing tables: a few passes
            for table, column, target in refs:
                if table in ("orgs_organization", "orgs_registrationapplication"):
                    continue
                subquery = new_orgs if target == "orgs_organization" else "SELECT unnest(%(ids)s::bigint[])"
                with connection.cursor() as cursor:
                    cursor.execute(
                        f'DELETE FROM {table} WHERE "{column}" IN ({subquery})', {"max": max_org, "ids": ids}
                    )
                    if cursor.rowcount:
                        deleted[table] = deleted.get(table, 0) + cursor.rowcount
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM orgs_registrationapplication WHERE id = ANY(%s)", [ids])
            deleted["orgs_registrationapplication"] = cursor.rowcount
            cursor.execute("DELETE FROM orgs_organization WHERE id > %s", [max_org])
            deleted["orgs_organization"] = cursor.rowcount
            for table in ("orgs_historicalorganization", "orgs_historicalregistrationapplication"):
                if raw("SELECT to_regclass(%s)", [table])[0][0]:
                    key = "id > %s" if table == "orgs_historicalorganization" else "id = ANY(%s)"
                    cursor.execute(
                        f"DELETE FROM {table} WHERE {key}", [max_org if "organization" in table else ids]
                    )
                    deleted[table] = cursor.rowcount
    return deleted


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--city", default="3205")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="queue,approvals")
    parser.add_argument("--order", choices=ORDERS, default="series", help="see common.timed_together")
    parser.add_argument("--registrars", type=int, default=20)
    parser.add_argument("--approvals", type=int, default=1000)
    args = parser.parse_args()
    require_postgres()
    from orgs.models import Organization, RegistrationApplication

    sizes = {
        "organizations": Organization.objects.count(),
        "applications": RegistrationApplication.objects.count(),
    }
    print(f"{sizes['organizations']:,} organizations, {sizes['applications']:,} applications")
    load_before = [round(x, 2) for x in os.getloadavg()]
    only = set(args.only.split(","))
    cases = []
    if "queue" in only:
        cases += queue_cases(args.city, args.repeat, args.order)
    if "approvals" in only:
        cases += approvals(args.registrars, args.approvals)
    write_report(
        "registration",
        {"dataset": sizes, "order": args.order, "load_average_before": load_before, "cases": cases},
    )
    print(HEADER)
    for c in cases:
        if "django" in c:
            print(line(c["case"], c["django"], c.get("sql"), c.get("queries"), c.get("target")))
        else:
            print(c)
    print(
        f"load average before {load_before}, after {[round(x, 2) for x in os.getloadavg()]} (2 CPUs, shared)"
    )


if __name__ == "__main__":
    main()
