"""Annual reports at national scale (issue 4), on the data of bench/generate.py (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/annual_reports.py \\
        [--year 2025] [--province 32] [--repeat 5] [--only overview,deadline,surge] \\
        [--surge-users 200] [--surge-seconds 60] [--surge-logins 2000]

Measures in one run:
- overview: the filing overview (orgs.annual_reports.selectors.filing_overview: counts + first page of 50)
  for a province and for the whole country, against one hand-written SQL for the counts and one for the
  page (target ≤ 2×); and the overview page itself (/annual-reports/, test client) with its query count;
- deadline: the deadline task (orgs.annual_reports.deadlines.apply_deadline) for the year, run the day after
  the deadline over all organizations, against hand-written SQL doing the same writes (credit-list entries,
  status → abnormal with a history row); each inside a transaction that is ROLLED BACK (the dataset stays
  as generated); target ≤ 2×;
- surge: --surge-users concurrent organization users (locust, requirements-bench.txt) saving sections of
  their draft report through the htmx form and submitting it, against gunicorn on 127.0.0.1 for
  --surge-seconds; errors and p95 per request type. The reports touched are restored afterwards.
Figures: stdout and bench/out/annual_reports.json.
"""

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from common import (
    HEADER,
    OUT,
    ROOT,
    capture,
    line,
    plan,
    ratio,
    raw,
    require_postgres,
    staff_client,
    staff_user,
    timed,
    write_report,
)
from django.db import transaction

FILED = ("submitted", "unit_reviewed", "accepted")

COUNTS_SQL = """
SELECT count(*),
       count(*) FILTER (WHERE r.status IN ('submitted', 'unit_reviewed', 'accepted')),
       count(*) FILTER (WHERE r.status IN ('submitted', 'unit_reviewed')),
       count(*) FILTER (WHERE r.status = 'accepted'),
       count(*) FILTER (WHERE r.status = 'returned')
FROM orgs_organization o
LEFT JOIN orgs_annualreport r ON r.organization_id = o.id AND r.year = %(year)s
WHERE o.status IN ('active', 'abnormal') AND o.registered_on <= %(end)s AND o.region_id LIKE %(prefix)s
"""
PAGE_SQL = """
SELECT o.*, r.status AS report_status, r.id AS report_id
FROM orgs_organization o
LEFT JOIN orgs_annualreport r ON r.organization_id = o.id AND r.year = %(year)s
WHERE o.status IN ('active', 'abnormal') AND o.registered_on <= %(end)s AND o.region_id LIKE %(prefix)s
ORDER BY o.region_id, o.name, o.id
LIMIT 50
"""


# --------------------------------------------------------------------------------------------- overview
def overview(year: int, province: str, repeat: int, plans: list) -> list[dict]:
    from orgs.annual_reports.selectors import filing_overview

    user = staff_user("national-registrar", region=None, roles=["registrar"])
    client = staff_client("national-registrar", region=None, roles=["registrar"])
    cases = []
    for region, label in ((province, f"province {province}"), ("", "whole country")):

        def django_path(region=region):
            counts, qs = filing_overview(user=user, year=year, region=region)
            return counts, list(qs[:50])

        params = {"year": year, "end": date(year, 12, 31), "prefix": f"{region}%"}

        def sql_path(params=params):
            return raw(COUNTS_SQL, params), raw(PAGE_SQL, params)

        (counts, page), queries = capture(django_path)
        (sql_counts, sql_page) = sql_path()
        same = [
            counts["total"],
            counts["filed"],
            counts["in_review"],
            counts["accepted"],
            counts["returned"],
        ] == list(sql_counts[0]) and [o.pk for o in page] == [row[0] for row in sql_page]
        t_django = timed(django_path, repeat)
        t_sql = timed(sql_path, repeat)
        count_sql = next(q for q in queries if "COUNT(" in q.upper())
        text, indexes, execution = plan(count_sql)
        plans.append(f"=== overview counts, {label}\n{count_sql}\n\n{text}\n")
        url = f"/annual-reports/?year={year}" + (f"&region={region}" if region else "")
        page_fn = _get(client, url)
        _, page_queries = capture(page_fn)
        t_page = timed(page_fn, repeat)
        cases.append(
            {
                "case": f"filing overview {label} (counts + first 50)",
                "django": t_django,
                "sql": t_sql,
                "ratio": ratio(t_django, t_sql),
                "target": 2,
                "queries": len(queries),
                "same_result": same,
                "counts": {k: v for k, v in counts.items() if k != "deadline"},
                "count_query_plan_ms": execution,
                "indexes": indexes,
            }
        )
        cases.append({"case": f"overview page {label} {url}", "django": t_page, "queries": len(page_queries)})
    return cases


def _get(client, url):
    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response

    return run


# --------------------------------------------------------------------------------------------- deadline
def _columns(model, given: dict) -> tuple[list[str], list[str], dict]:
    """Every concrete column but an auto id: given SQL expressions, now() for auto_now(_add), else the default."""
    columns, values, params = [], [], {}
    for field in model._meta.concrete_fields:
        if field.primary_key and field.get_internal_type() in ("AutoField", "BigAutoField"):
            continue
        columns.append(field.column)
        if field.column in given:
            values.append(given[field.column])
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("now()")
        else:
            default = field.get_default() if field.has_default() else (None if field.null else "")
            if field.get_internal_type() == "JSONField":
                default = json.dumps(default)
            params[f"d_{field.column}"] = default
            values.append(f"%(d_{field.column})s")
    return columns, values, params


def deadline_sql(year: int, on: date, reason: str) -> tuple[str, dict]:
    from orgs.models import CreditListEntry, Organization

    historical = Organization.history.model
    entry_cols, entry_vals, entry_params = _columns(
        CreditListEntry,
        {
            "organization_id": "ids.id",
            "list": "'abnormal'",
            "reason": "%(reason)s",
            "reason_code": "'no_annual_report'",
            "report_year": "%(year)s",
            "listed_on": "%(on)s",
        },
    )
    org_columns = {f.column for f in Organization._meta.concrete_fields}
    hist_given = {
        "history_date": "now()",
        "history_type": "'~'",
        "history_user_id": "NULL",
        "history_change_reason": "%(reason)s",
    }
    for field in historical._meta.concrete_fields:
        if field.column in org_columns:
            hist_given[field.column] = f"changed.{field.column}"
    hist_cols, hist_vals, hist_params = _columns(historical, hist_given)
    sql = f"""
WITH ids AS (
    SELECT o.id, o.status FROM orgs_organization o
    WHERE o.status IN ('active', 'abnormal') AND o.registered_on <= %(end)s
      AND NOT EXISTS (SELECT 1 FROM orgs_annualreport r WHERE r.organization_id = o.id AND r.year = %(year)s
                      AND r.status IN ('submitted', 'unit_reviewed', 'accepted'))
      AND NOT EXISTS (SELECT 1 FROM orgs_creditlistentry c WHERE c.organization_id = o.id AND c.list = 'abnormal'
                      AND c.reason_code = 'no_annual_report' AND c.report_year = %(year)s)
), entries AS (
    INSERT INTO orgs_creditlistentry ({", ".join(entry_cols)})
    SELECT {", ".join(entry_vals)} FROM ids
    RETURNING organization_id
), changed AS (
    UPDATE orgs_organization o SET status = 'abnormal', status_reason = %(reason)s, updated_at = now()
    FROM ids WHERE o.id = ids.id AND ids.status = 'active'
    RETURNING o.*
), history AS (
    INSERT INTO {historical._meta.db_table} ({", ".join(hist_cols)})
    SELECT {", ".join(hist_vals)} FROM changed
    RETURNING 1
)
SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM history)
"""
    params = {
        **entry_params,
        **hist_params,
        "reason": reason,
        "year": year,
        "on": on,
        "end": date(year, 12, 31),
    }
    return sql, params


def deadline(year: int) -> list[dict]:
    from orgs.annual_reports.deadlines import _reason_no_report, apply_deadline, deadline_for, non_filers

    on = deadline_for(year) + timedelta(days=1)
    due_not_filed = non_filers(year).count()
    active = non_filers(year).filter(status="active").count()

    def django_run():
        with transaction.atomic():
            started = time.perf_counter()
            listed, queries = capture(lambda: apply_deadline(year=year, on=on), keep=False)
            elapsed = (time.perf_counter() - started) * 1000
            transaction.set_rollback(True)
        return listed, len(queries), elapsed

    sql, params = deadline_sql(year, on, _reason_no_report())

    def sql_run():
        with transaction.atomic():
            started = time.perf_counter()
            counts = raw(sql, params)[0]
            elapsed = (time.perf_counter() - started) * 1000
            transaction.set_rollback(True)
        return counts, elapsed

    sql_counts, sql_ms = sql_run()
    print(f"  deadline SQL: {sql_counts} in {sql_ms:.0f} ms; running the Django task …", flush=True)
    listed, queries, django_ms = django_run()
    t_django = {"median_ms": round(django_ms, 1), "p95_ms": round(django_ms, 1), "runs": 1}
    t_sql = {"median_ms": round(sql_ms, 1), "p95_ms": round(sql_ms, 1), "runs": 1}
    return [
        {
            "case": f"deadline task {year} (listed on {on}), all organizations, rolled back",
            "django": t_django,
            "sql": t_sql,
            "ratio": ratio(t_django, t_sql),
            "target": 2,
            "queries": queries,
            "listed": listed,
            "sql_listed_and_history_rows": list(sql_counts),
            "non_filers": due_not_filed,
            "active_non_filers": active,
            "same_result": listed == sql_counts[0],
        }
    ]


# --------------------------------------------------------------------------------------------- surge
BACKUP = "bench_surge_backup"


def surge_prepare(year: int, logins: int) -> tuple[Path, list[int]]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from orgs.models import AnnualReport, UserScope
    from orgs.models.annual_reports import REPORT_SECTIONS

    surge_restore()
    reports = list(
        AnnualReport.objects.filter(year=year, status="draft", organization__status="active")
        .select_related("organization")
        .order_by("id")[:logins]
    )
    ids = [r.pk for r in reports]
    raw(f"CREATE TABLE {BACKUP} AS SELECT * FROM orgs_annualreport WHERE id = ANY(%s)", [ids])
    AnnualReport.objects.filter(pk__in=ids).update(audited_statement="bench/audited-statement.pdf")
    User = get_user_model()
    backend = settings.AUTHENTICATION_BACKENDS[0]
    out = []
    for report in reports:
        user, _ = User.objects.get_or_create(username=f"bench-org-{report.organization_id}")
        UserScope.objects.update_or_create(
            user=user, defaults={"kind": "org", "organization_id": report.organization_id, "region_id": None}
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sections = {
            name: {f"{name}-{field}": str(getattr(report, field)) for field in fields}
            for name, fields in REPORT_SECTIONS.items()
        }
        out.append(
            {
                "session": session.session_key,
                "csrf": secrets.token_hex(16),  # a 32-character secret: cookie and header carry the same
                "year": year,
                "sections": sections,
                "bump": "staff",
            }
        )
    path = Path("/tmp/bench-surge-users.json")
    path.write_text(json.dumps(out))
    return path, ids


def surge_restore() -> int:
    """Put the reports of a previous surge back as they were (and drop what the surge wrote about them)."""
    if not raw("SELECT to_regclass(%s)", [BACKUP])[0][0]:
        return 0
    from orgs.models import AnnualReport

    columns = [f.column for f in AnnualReport._meta.concrete_fields if f.column != "id"]
    assignments = ", ".join(f"{c} = b.{c}" for c in columns)
    raw(f"UPDATE orgs_annualreport r SET {assignments} FROM {BACKUP} b WHERE r.id = b.id")
    raw(f"DELETE FROM orgs_reportreview WHERE report_id IN (SELECT id FROM {BACKUP})")
    historical = AnnualReport.history.model._meta.db_table
    raw(
        f"DELETE FROM {historical} WHERE id IN (SELECT id FROM {BACKUP}) AND history_date > now() - interval '1 day'"
    )
    count = raw(f"SELECT count(*) FROM {BACKUP}")[0][0]
    raw(f"DROP TABLE {BACKUP}")
    return count


def surge(year: int, users: int, seconds: int, logins: int, workers: int) -> list[dict]:
    locust = shutil.which("locust") or "/tmp/bench-venv/bin/locust"
    if not Path(locust).exists():
        sys.exit(
            "locust is missing: python -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install -r requirements-bench.txt"
        )
    users_file, ids = surge_prepare(year, logins)
    before = dict(raw("SELECT status, count(*) FROM orgs_annualreport WHERE id = ANY(%s) GROUP BY 1", [ids]))
    port = 8765
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open("/tmp/bench-gunicorn.log", "w"),  # noqa: SIM115
    )  # fmt: skip
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2)
                break
            except OSError:
                time.sleep(1)
        prefix = "/tmp/bench-surge"
        command = [locust, "-f", str(ROOT / "bench/locust_filing.py"), "--headless", "-u", str(users), "-r",
                   str(max(users // 10, 1)), "-t", f"{seconds}s", "-H", f"http://127.0.0.1:{port}", "--csv", prefix,
                   "--only-summary", "--stop-timeout", "10"]  # fmt: skip
        print(f"  surge: {users} users for {seconds}s against gunicorn -w {workers} …", flush=True)
        subprocess.run(command, env={**os.environ, "BENCH_SURGE_USERS": str(users_file)}, check=False,
                       capture_output=True)  # fmt: skip
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    after = dict(raw("SELECT status, count(*) FROM orgs_annualreport WHERE id = ANY(%s) GROUP BY 1", [ids]))
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))  # noqa: SIM115
    failures = list(csv.DictReader(open(f"{prefix}_failures.csv", encoding="utf-8")))  # noqa: SIM115
    restored = surge_restore()
    cases = []
    for row in rows:
        cases.append(
            {
                "case": f"surge {row['Name']} ({users} users, {seconds}s, gunicorn -w {workers})",
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": float(row["Median Response Time"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "max_ms": float(row["Max Response Time"]),
                "requests_per_s": round(float(row["Requests/s"]), 1),
            }
        )
    cases.append(
        {
            "case": "surge reports (prepared drafts)",
            "before": before,
            "after": after,
            "restored": restored,
            "failure_samples": failures[:5],
        }
    )
    return cases


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--year", type=int, default=date.today().year - 1)
    parser.add_argument("--province", default="32")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="overview,deadline,surge")
    parser.add_argument("--surge-users", type=int, default=200)
    parser.add_argument("--surge-seconds", type=int, default=60)
    parser.add_argument("--surge-logins", type=int, default=2000)
    parser.add_argument("--surge-workers", type=int, default=4)
    args = parser.parse_args()
    require_postgres()
    from orgs.models import AnnualReport, Organization

    only = set(args.only.split(","))
    sizes = {"organizations": Organization.objects.count(), "annual_reports": AnnualReport.objects.count()}
    print(
        f"{sizes['organizations']:,} organizations, {sizes['annual_reports']:,} annual reports; year {args.year}"
    )
    load_before = [round(x, 2) for x in os.getloadavg()]
    plans: list[str] = []
    cases = []
    if "overview" in only:
        cases += overview(args.year, args.province, args.repeat, plans)
    if "deadline" in only:
        cases += deadline(args.year)
    if "surge" in only:
        cases += surge(args.year, args.surge_users, args.surge_seconds, args.surge_logins, args.surge_workers)
    OUT.mkdir(exist_ok=True)
    (OUT / "annual_reports-plans.txt").write_text("\n".join(plans))
    write_report("annual_reports", {"dataset": sizes, "year": args.year, "load_average_before": load_before,
                                     "cases": cases})  # fmt: skip
    print(HEADER)
    for c in cases:
        if "django" in c:
            print(line(c["case"], c["django"], c.get("sql"), c.get("queries"), c.get("target")))
        elif "requests" in c:
            print(f"{c['case'][:58]:<58} median {c['median_ms']} ms, p95 {c['p95_ms']} ms, "
                  f"{c['requests']} requests, {c['failures']} failures, {c['requests_per_s']}/s")  # fmt: skip
        else:
            print(c)
    print(
        f"load average before {load_before}, after {[round(x, 2) for x in os.getloadavg()]} (2 CPUs, shared)"
    )


if __name__ == "__main__":
    main()
