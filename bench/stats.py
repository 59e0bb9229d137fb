"""Statistics at national scale (issue 5), on the data of bench/generate.py (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/stats.py \\
        [--year 2025] [--county 320506] [--repeat 5] [--only build,export,pages]

Measures in one run:
- build: reports.services.stats_rebuild_year for the year with the registry's organization and annual-report
  metrics (orgs_*, filing_rate, reports_accepted and the outcome sums: the ones over the 10,000,000 reports),
  against ONE hand-written SQL (GROUP BY GROUPING SETS over the 2/4/6/9-digit region prefixes, the nation,
  type and category) computing the same numbers into a temporary table (target ≤ 1.5×); the national totals
  of both are compared; then the full build with every registered metric, for the record;
- export: reports.exports.organizations_table + write_csv of all 1,000,000 organizations (national staff) to a
  file, against `COPY (SELECT the same columns) TO STDOUT` into a file (target ≤ 3×); and the export's peak
  RSS in a subprocess at 1,000,000 rows vs ~100,000 rows (org_type=social_group, category=academic)
  (target: within 1.2×);
- pages: the dashboard page (/reports/) and the stats API (/api/v1/stats/) for the whole country and one
  county: query counts and times.
Figures: stdout and bench/out/stats.json.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date

from common import (
    HEADER,
    OUT,
    ROOT,
    capture,
    line,
    peak_rss_kb,
    ratio,
    raw,
    require_postgres,
    staff_client,
    staff_user,
    timed,
    write_report,
)
from django.db import connection

ORG_METRICS = ["orgs_total", "orgs_active", "orgs_abnormal", "orgs_new", "orgs_deregistered", "filing_rate",
               "reports_accepted"]  # fmt: skip


def outcome_fields() -> list[str]:
    from orgs.models.annual_reports import REPORT_SECTIONS

    return [*REPORT_SECTIONS["outcomes"], "members", "staff"]


def build_sql(year: int) -> str:
    """One GROUP BY computing every figure of the organization and annual-report metrics, at every level."""
    fields = sorted({f for name in outcome_fields() for f in
                     (("members_unit", "members_individual") if name == "members" else (name,))})  # fmt: skip
    outcomes = []
    for name in outcome_fields():
        expr = "members_unit + members_individual" if name == "members" else name
        outcomes.append(f"sum({expr}) FILTER (WHERE report_status = 'accepted') AS {name}")
    sets = []
    for level in ("", "r2", "r4", "r6", "r9"):
        for extra in ((), ("org_type",), ("category",), ("org_type", "category")):
            sets.append("(" + ", ".join([*([level] if level else []), *extra]) + ")")
    return f"""
CREATE TEMP TABLE bench_stats_sql AS
WITH b AS (
    SELECT o.org_type, o.category,
           substr(o.region_id, 1, 2) AS r2,
           CASE WHEN length(o.region_id) >= 4 THEN substr(o.region_id, 1, 4) END AS r4,
           CASE WHEN length(o.region_id) >= 6 THEN substr(o.region_id, 1, 6) END AS r6,
           CASE WHEN length(o.region_id) >= 9 THEN substr(o.region_id, 1, 9) END AS r9,
           (o.registered_on <= %(end)s OR o.registered_on IS NULL)
             AND NOT (o.status IN ('deregistered', 'revoked')
                      AND (o.deregistered_on IS NULL OR o.deregistered_on <= %(end)s)) AS existing,
           o.status AS org_status, o.registered_on, o.deregistered_on, r.status AS report_status,
           {", ".join(f"r.{f}" for f in fields)}
    FROM orgs_organization o
    LEFT JOIN orgs_annualreport r ON r.organization_id = o.id AND r.year = %(year)s
)
SELECT r2, r4, r6, r9, org_type, category, GROUPING(r2, r4, r6, r9, org_type, category) AS grouping_bits,
       count(*) FILTER (WHERE existing) AS orgs_total,
       count(*) FILTER (WHERE existing AND org_status = 'active') AS orgs_active,
       count(*) FILTER (WHERE existing AND org_status = 'abnormal') AS orgs_abnormal,
       count(*) FILTER (WHERE registered_on >= %(start)s AND registered_on <= %(end)s) AS orgs_new,
       count(*) FILTER (WHERE org_status IN ('deregistered', 'revoked')
                        AND deregistered_on >= %(start)s AND deregistered_on <= %(end)s) AS orgs_deregistered,
       count(*) FILTER (WHERE existing AND report_status IN ('submitted', 'unit_reviewed', 'accepted'))
           AS filing_rate_value,
       count(*) FILTER (WHERE existing) AS filing_rate_denominator,
       count(*) FILTER (WHERE report_status = 'accepted') AS reports_accepted,
       {", ".join(outcomes)}
FROM b
GROUP BY GROUPING SETS ({", ".join(sets)})
"""


def build(year: int, repeat: int, full: bool = False) -> list[dict]:
    from orgs.metrics import METRIC_CODES
    from reports import registry
    from reports.models import Stat
    from reports.services import stats_rebuild_year

    codes = ORG_METRICS + [METRIC_CODES.get(name, name) for name in outcome_fields()]
    sql_columns = {METRIC_CODES.get(name, name): name for name in outcome_fields()} | {
        "filing_rate": "filing_rate_value"
    }
    metrics = [registry.get(code) for code in codes]
    sql = build_sql(year)
    params = {"year": year, "start": date(year, 1, 1), "end": date(year, 12, 31)}

    def sql_run():
        raw("DROP TABLE IF EXISTS bench_stats_sql")
        raw(sql, params)

    def django_run():
        return stats_rebuild_year(year=year, metrics=metrics)

    def timed_build():
        started = time.perf_counter()
        build_obj, queries = capture(django_run, keep=False)
        elapsed = {"median_ms": round((time.perf_counter() - started) * 1000, 1), "runs": 1}
        elapsed["p95_ms"] = elapsed["median_ms"]
        assert build_obj.status == "done", build_obj.error
        return build_obj, queries, elapsed

    # The year's first build: no figures of the year yet (removed, and the table vacuumed, before the clock).
    Stat.objects.filter(year=year).delete()
    connection.ensure_connection()
    autocommit = connection.connection.autocommit
    connection.connection.autocommit = True
    raw(f"VACUUM ANALYZE {Stat._meta.db_table}")
    connection.connection.autocommit = autocommit
    first_obj, first_queries, t_first = timed_build()
    # The nightly rebuild: the same year again, its figures in place.
    build_obj, queries, t_django = timed_build()
    t_sql = timed(sql_run, repeat, warmup=1)
    # The national totals must agree.
    totals = {
        row["metric"]: (row["value"], row["denominator"])
        for row in Stat.objects.filter(year=year, level=0, org_type="", category="", metric__in=codes).values(
            "metric", "value", "denominator"
        )
    }
    with connection.connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM bench_stats_sql WHERE grouping_bits = 63"  # the () set: the nation, all types
        )
        grand = dict(zip([d.name for d in cursor.description], cursor.fetchone(), strict=True))
    mismatches = {}
    for code in codes:
        django_value = totals.get(code, (0, None))[0]  # a zero figure is not stored
        sql_value = grand.get(sql_columns.get(code, code))
        if django_value is None or int(django_value) != int(sql_value or 0):
            mismatches[code] = [str(django_value), str(sql_value)]
    stat_rows = Stat.objects.filter(year=year, metric__in=codes).count()
    sql_rows = raw("SELECT count(*) FROM bench_stats_sql")[0][0]
    raw("DROP TABLE IF EXISTS bench_stats_sql")

    cases = []
    t_sql_first = dict(t_sql)
    cases.append(
        {
            "case": f"stats build {year}: {len(codes)} org/report metrics, first build of the year (table empty)",
            "django": t_first,
            "sql": t_sql_first,
            "ratio": ratio(t_first, t_sql_first),
            "target": 1.5,
            "queries": len(first_queries),
            "stat_rows": first_obj.rows,
        }
    )
    if full:
        started = time.perf_counter()
        full_build, full_queries = capture(lambda: stats_rebuild_year(year=year), keep=False)
        full_ms = (time.perf_counter() - started) * 1000
        cases.append(
            {
                "case": f"stats build {year}: all {len(registry.all())} registered metrics",
                "django": {"median_ms": round(full_ms, 1), "p95_ms": round(full_ms, 1), "runs": 1},
                "queries": len(full_queries),
                "status": full_build.status,
                "rows": full_build.rows,
            }
        )
    return [
        {
            "case": f"stats build {year}: {len(codes)} org/report metrics, rebuild (the nightly run)",
            "django": t_django,
            "sql": t_sql,
            "ratio": ratio(t_django, t_sql),
            "target": 1.5,
            "queries": len(queries),
            "stat_rows": stat_rows,
            "sql_rows": sql_rows,
            "national_totals_mismatch": mismatches,
            "national_totals": {k: [str(v[0]), str(v[1])] for k, v in totals.items()},
        },
    ] + cases


# --------------------------------------------------------------------------------------------- export
EXPORT_COPY = """COPY (
    SELECT o.id, o.name, o.credit_code, o.filing_number, o.org_type, o.category, o.region_id, g.name,
           o.status, o.registered_on, o.legal_representative, u.name, o.address, o.phone
    FROM orgs_organization o
    JOIN orgs_region g ON g.code = o.region_id
    LEFT JOIN orgs_supervisingunit u ON u.id = o.supervising_unit_id
    {where}
    ORDER BY o.id
) TO STDOUT WITH (FORMAT csv, HEADER)"""


def export_child(filters: dict, path: str) -> None:
    """Run in a subprocess: write the export, print rows, seconds and peak RSS (kB) as JSON."""
    from reports.exports import organizations_table, write_csv

    user = staff_user("national-statistician", region=None, roles=["statistician"])
    baseline = peak_rss_kb()
    started = time.perf_counter()
    table = organizations_table(user, filters)
    with open(path, "w", encoding="utf-8", newline="") as stream:
        written = write_csv(table, stream)
    seconds = time.perf_counter() - started
    peak = peak_rss_kb()
    print(json.dumps({"rows": written, "seconds": seconds, "baseline_kb": baseline, "peak_kb": peak}))


def copy_export(path: str, where: str = "", params=None) -> int:
    connection.ensure_connection()
    size = 0
    with (
        connection.connection.cursor() as cursor,
        open(path, "wb") as out,
        cursor.copy(EXPORT_COPY.format(where=where), params) as copy,
    ):
        for data in copy:
            out.write(data)
            size += len(data)
    return size


def run_child(filters: dict, path: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--export-child", json.dumps(filters), "--export-path", path],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def export(repeat: int) -> list[dict]:
    small_filters = {"org_type": "social_group", "category": "academic"}
    runs = [run_child({}, "/tmp/bench-export-django.csv") for _ in range(max(repeat // 2, 1))]
    small = run_child(small_filters, "/tmp/bench-export-small.csv")
    big = min(runs, key=lambda r: r["seconds"])
    t_django = timed(lambda: None, 1, 0)
    t_django.update(median_ms=round(sorted(r["seconds"] for r in runs)[len(runs) // 2] * 1000, 1),
                    p95_ms=round(max(r["seconds"] for r in runs) * 1000, 1), runs=len(runs))  # fmt: skip
    t_copy = timed(lambda: copy_export("/tmp/bench-export-copy.csv"), max(repeat // 2, 1), 0)
    copy_lines = sum(1 for _ in open("/tmp/bench-export-copy.csv", "rb")) - 1  # noqa: SIM115
    return [
        {
            "case": f"CSV export of {big['rows']:,} organizations (subprocess, national staff)",
            "django": t_django,
            "sql": t_copy,
            "ratio": ratio(t_django, t_copy),
            "target": 3,
            "copy_rows": copy_lines,
            "file_mb": round(os.path.getsize("/tmp/bench-export-django.csv") / 1e6, 1),
            "copy_file_mb": round(os.path.getsize("/tmp/bench-export-copy.csv") / 1e6, 1),
        },
        {
            "case": "export peak RSS: 1,000,000 vs ~100,000 rows",
            "rows": [big["rows"], small["rows"]],
            "peak_rss_mb": [round(big["peak_kb"] / 1024, 1), round(small["peak_kb"] / 1024, 1)],
            "baseline_rss_mb": [round(big["baseline_kb"] / 1024, 1), round(small["baseline_kb"] / 1024, 1)],
            "peak_ratio": round(big["peak_kb"] / small["peak_kb"], 3),
            "target": "≤ 1.2×",
            "meets_target": big["peak_kb"] / small["peak_kb"] <= 1.2,
        },
    ]


# --------------------------------------------------------------------------------------------- pages
def pages(year: int, county: str, repeat: int) -> list[dict]:
    client = staff_client("national-statistician", region=None, roles=["statistician"])
    cases = []
    for region, label in (("", "whole country"), (county, f"county {county}")):
        suffix = f"&region={region}" if region else ""
        for kind, url in (
            ("dashboard page", f"/reports/?year={year}{suffix}"),
            ("stats API", f"/api/v1/stats/?metric=orgs_total&year={year}{suffix}"),
            ("stats API by region", f"/api/v1/stats/?metric=filing_rate&year={year}&group_by=region{suffix}"),
        ):

            def get(url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code, response.content[:300])
                return response

            _, queries = capture(get)
            cases.append(
                {"case": f"{kind}, {label}: {url}", "django": timed(get, repeat), "queries": len(queries)}
            )
    return cases


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--year", type=int, default=date.today().year - 1)
    parser.add_argument("--county", default="320506")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="build,export,pages")
    parser.add_argument("--full-build", action="store_true", help="also time the build of every metric")
    parser.add_argument("--export-child", help=argparse.SUPPRESS)
    parser.add_argument("--export-path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    require_postgres()
    if args.export_child is not None:
        export_child(json.loads(args.export_child), args.export_path)
        return
    from orgs.models import AnnualReport, Organization

    sizes = {"organizations": Organization.objects.count(), "annual_reports": AnnualReport.objects.count()}
    print(
        f"{sizes['organizations']:,} organizations, {sizes['annual_reports']:,} annual reports; year {args.year}"
    )
    load_before = [round(x, 2) for x in os.getloadavg()]
    only = set(args.only.split(","))
    cases = []
    if "build" in only:
        cases += build(args.year, max(args.repeat // 2, 1), args.full_build)
    if "export" in only:
        cases += export(args.repeat)
    if "pages" in only:
        cases += pages(args.year, args.county, args.repeat)
    write_report(
        "stats", {"dataset": sizes, "year": args.year, "load_average_before": load_before, "cases": cases}
    )
    OUT.mkdir(exist_ok=True)
    print(HEADER)
    for c in cases:
        if "django" in c:
            print(line(c["case"], c["django"], c.get("sql"), c.get("queries"), c.get("target")))
            extra = {k: c[k] for k in ("national_totals_mismatch", "stat_rows", "sql_rows") if k in c}
            if extra:
                print(f"    {extra}")
        else:
            print(
                f"{c['case']}: {json.dumps({k: v for k, v in c.items() if k != 'case'}, ensure_ascii=False)}"
            )
    print(
        f"load average before {load_before}, after {[round(x, 2) for x in os.getloadavg()]} (2 CPUs, shared)"
    )


if __name__ == "__main__":
    main()
