"""The registry API at national scale (PostgreSQL), on the data of bench/generate.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/registry.py \\
        [--repeat 30] [--warmup 3] [--city 3205]

Measures in one run, in-process (DRF APIClient, `Authorization: Token …` of a system client issued with
orgs.services.token_issue — one national, region "", and one provincial, region "32"):
(a) a filtered list page: region prefix (--city) + org_type + status, page_size 50, first page and the page
    after it (cursor) — through the API and through raw psycopg running the SAME SQL (captured from the
    API's own queries) and dumping the rows with json.dumps. Target: API ≤ 2× raw.
(b) name search `q=` by simplified characters, traditional characters and pinyin initials, broad terms and a
    two-character one (each also as raw SQL), (c) the credit-code lookup `credit_code=`. Target: search ≤ 3×
    the credit-code lookup.
Every case reports median and p95 (ms) over --repeat runs after --warmup runs, the queries per request and
the plan of its main query (EXPLAIN ANALYZE, full text in bench/out/registry-plans.txt). `--order series` (the
default) times each request and each SQL in a series of its own; `--order turns` times all of them in turns
(common.timed_together): both sides of every ratio meet the same drift, and no run follows one of its own.
Figures: a table on stdout and bench/out/registry.json.
"""

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

from common import ORDERS, ROOT, plan, timed_together, token_client  # noqa: E402  (sets Django up on the bench database)
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

OUT = ROOT / "bench" / "out"
KNOWN = "中国复合材料工业协会"  # generated once by bench/generate.py (KNOWN_NAMES)


def client_for(region: str):
    return token_client(f"registry-{region or 'national'}", scopes=["orgs:read"], region=region)


def main_query(captured) -> str:
    selects = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("SELECT")
               and 'FROM "orgs_organization"' in q["sql"]]  # fmt: skip
    if len(selects) != 1:
        raise SystemExit(
            f"expected one organization SELECT, got {len(selects)}: {[q['sql'][:200] for q in captured]}"
        )
    return selects[0]


def raw_json(sql: str):
    """The same SQL on the same connection through psycopg, rows → dicts → json.dumps."""

    def run():
        with connection.connection.cursor() as cursor:
            cursor.execute(sql.encode())
            names = [c.name for c in cursor.description]
            return json.dumps([dict(zip(names, row, strict=True)) for row in cursor.fetchall()], default=str)

    return run


def case(name, client, path, params, plans, expect=None) -> dict:
    """The request and its SQL, ready to time (`api`, `raw`), with what one request showed."""
    url = f"{path}?{urlencode(params)}" if params else path

    def api():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response

    client.get(url)  # the token's last_used_at update happens at most once a minute: get it out of the way
    with CaptureQueriesContext(connection) as capture:
        response = api()
    captured = list(capture.captured_queries)  # request_started resets the log: copy it now
    body = response.json()
    results = body["results"] if isinstance(body, dict) else body
    if expect is not None:
        names = [r["name"] for r in results]
        assert expect in names, f"{name}: {expect} not among {names[:10]}"
    sql = main_query(captured)
    text, indexes, execution = plan(sql)
    plans.append(f"=== {name}: {url}\n{sql}\n\n{text}\n")
    return {
        "case": name,
        "url": url,
        "rows": len(results),
        "queries": len(captured),
        "query_sql": [q["sql"][:300] for q in captured],
        "indexes": indexes,
        "sql_execution_ms": execution,
        "next": body.get("next") if isinstance(body, dict) else None,
        "api": api,
        "raw_sql_json": raw_json(sql),
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--city", default="3205")
    parser.add_argument(
        "--order",
        choices=ORDERS,
        default="series",
        help="series: each case's runs together; turns: all in turns",
    )
    parser.add_argument("--org-type", default="social_group")
    parser.add_argument("--status", default="active")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL to the bench database.")

    from orgs.models import Organization

    organizations = Organization.objects.count()
    known = Organization.objects.filter(name=KNOWN).values("credit_code", "name").first()
    if known is None:
        sys.exit(f"{KNOWN} is missing: generate the data with bench/generate.py first.")
    load_before = os.getloadavg()
    national, provincial = client_for(""), client_for(args.city[:2])
    path = "/api/v1/organizations/"
    plans: list[str] = []
    results = []
    listing = {"region": args.city, "org_type": args.org_type, "status": args.status, "page_size": 50}
    for label, client in (("national token", national), (f"token {args.city[:2]}", provincial)):
        first = case(f"list {args.city} ({label})", client, path, listing, plans)
        results.append(first)
        if first["next"]:
            nxt = dict(parse_qsl(first["next"].split("?", 1)[1]))
            results.append(case(f"list {args.city} page 2 ({label})", client, path, nxt, plans))
    searches = [
        ("search simplified", KNOWN),
        ("search traditional", "中國複合材料工業協會"),
        ("search pinyin initials", "zgfhclgyxh"),
        ("search simplified, broad", "复合材料"),
        ("search pinyin, broad", "fhcl"),
        ("search simplified, two characters", "围棋"),  # through the name pairs (orgs.search.name_pairs)
    ]
    for label, q in searches:
        expect = KNOWN if "broad" not in label and "two" not in label else None
        results.append(case(f"{label} q={q}", national, path, {"q": q, "page_size": 50}, plans, expect))
    lookup = case(f"credit code {known['credit_code']}", national, path, {"credit_code": known["credit_code"]},
                  plans, KNOWN)  # fmt: skip
    results.append(lookup)
    timings = timed_together(
        {(i, side): r[side] for i, r in enumerate(results) for side in ("api", "raw_sql_json")},
        args.repeat,
        args.warmup,
        digits=2,
        order=args.order,
    )
    for i, r in enumerate(results):
        r["api"], r["raw_sql_json"] = timings[i, "api"], timings[i, "raw_sql_json"]
        r["api_vs_raw"] = round(r["api"]["median_ms"] / r["raw_sql_json"]["median_ms"], 2)
    for r in results:
        if r["case"].startswith("search"):
            r["vs_credit_code"] = round(r["api"]["median_ms"] / lookup["api"]["median_ms"], 2)
            r["target"] = "search ≤ 3× credit-code lookup"
            r["meets_target"] = r["vs_credit_code"] <= 3
        elif r["case"].startswith("list"):
            r["target"] = "API ≤ 2× raw SQL + json.dumps"
            r["meets_target"] = r["api_vs_raw"] <= 2
        r.pop("next", None)

    report = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "organizations": organizations,
        "repeat": args.repeat,
        "warmup": args.warmup,
        "order": args.order,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cases": results,
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "registry.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (OUT / "registry-plans.txt").write_text("\n".join(plans))

    header = f"{'case':<52} {'api med':>8} {'api p95':>8} {'raw med':>8} {'raw p95':>8} {'api/raw':>7} {'vs cc':>6} {'q':>2} {'rows':>4}  indexes"
    print(
        f"{organizations:,} organizations; load {report['load_average_before']} → {report['load_average_after']}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r['case'][:52]:<52} {r['api']['median_ms']:>8} {r['api']['p95_ms']:>8} "
              f"{r['raw_sql_json']['median_ms']:>8} {r['raw_sql_json']['p95_ms']:>8} {r['api_vs_raw']:>7} "
              f"{r.get('vs_credit_code', ''):>6} {r['queries']:>2} {r['rows']:>4}  {','.join(r['indexes'])}"
              f"{'' if r.get('meets_target', True) else '  ✗ ' + r['target']}")  # fmt: skip
    print(
        "(ms; api/raw: API median ÷ same SQL via psycopg + json.dumps; vs cc: API median ÷ credit-code lookup)"
    )


if __name__ == "__main__":
    main()
