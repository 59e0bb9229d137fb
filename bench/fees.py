"""Fee remediation at national scale (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/fees.py [--cases 500000]

Needs the organizations of bench/generate.py. Adds fee cases up to --cases (COPY), gives each case without one the
history and outcomes its status implies (as the services record them), then measures in one run:
- the case list (first page, 50 rows) for a city and for the whole country through the API with a system's
  token (`fees:read`), against the same SQL run by raw psycopg and dumped to JSON (target ≤ 2×), with the API's
  query count;
- the supervisor's case list: a staff user with the role `supervisor` of the city and one of the whole country,
  logged in, opening the page `/fees/` (the count, the overdue count and the first 25 rows with the
  organization's name) against the same three statements written by hand (SUPERVISOR_PAGE_SQL), and the API
  through the session against the SQL it ran, dumped to JSON (target ≤ 2×);
- opening a nationwide campaign over ~100,000 (one category) and over all (~1,000,000) organizations: time and peak memory of the
  process that writes the targets (target: memory flat from 100,000 to 1,000,000).
Figures go to stdout and bench/out/fees.json.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")  # the test client speaks plain HTTP

import django  # noqa: E402

django.setup()

from common import (  # noqa: E402
    ORDERS,
    capture,
    get_ok,
    peak_rss_kb,
    ratio,
    raw,
    replay_json,
    staff_client,
    staff_user,
    timed_together,
    token_client,
)
from django.db import connection  # noqa: E402

KINDS = ["dues_above_standard", "compulsory_membership", "compulsory_training", "compulsory_evaluation", "events",
         "publications", "certification", "other"]  # fmt: skip
SOURCES = ["complaint", "hotline", "self_inspection", "inspection", "referral", "media"]
STATUSES = ["intake", "accepted", "investigating", "rectifying", "verified", "closed", "dismissed"]


def add_cases(target: int) -> float:
    """COPY fee cases onto random organizations until there are `target`."""
    from fees.models import FeeCase

    have = FeeCase.objects.count()
    if have >= target:
        return 0.0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, region_id FROM orgs_organization ORDER BY random() LIMIT %s", [target - have]
        )
        organizations = cursor.fetchall()
    rng = random.Random(9)
    columns = (
        "number, source, organization_id, region_id, fee_item, description, kind, amount_charged, enterprises_affected, "
        "status, dismissal_reason, complainant_name, complainant_phone, complainant_company, anonymous, "
        "deadline, created_at, updated_at"
    )
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(f"COPY fees_feecase ({columns}) FROM STDIN") as copy:
        for index, (org_id, region) in enumerate(organizations, start=have + 1):
            status = rng.choice(STATUSES)
            deadline = (
                f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}"
                if status == "rectifying"
                else None
            )
            stamp = f"2026-{rng.randrange(1, 12):02d}-{rng.randrange(1, 28):02d} 10:00:00+08"
            copy.write_row(
                (f"{region}-B-{index:07d}", rng.choice(SOURCES), org_id, region, "会费", "", rng.choice(KINDS),
                 f"{rng.randrange(100, 100000)}.00", rng.randrange(0, 500), status, "", "", "", "", False,
                 deadline, stamp, stamp)
            )  # fmt: skip
    raw.commit()
    with connection.cursor() as cursor:
        # As autovacuum leaves a table after a load: visibility map set (index-only counts), statistics fresh.
        cursor.execute("VACUUM (ANALYZE) fees_feecase")
    return time.perf_counter() - started


# Each status's steps, as the services record them (fees.services: `_event`); a closed case with an even id closed
# on a decision of no violation, after four steps.
HISTORY_STEPS = {
    "intake": ["created"],
    "accepted": ["created", "accept"],
    "investigating": ["created", "accept", "start_investigation"],
    "rectifying": ["created", "accept", "start_investigation", "decide"],
    "verified": ["created", "accept", "start_investigation", "decide", "submit_evidence", "verify"],
    "closed": ["created", "accept", "start_investigation", "decide", "submit_evidence", "verify", "close"],
    "dismissed": ["created", "dismiss"],
}
NOTES = {
    "accept": "材料齐全，予以受理", "dismiss": "不属于涉企收费事项", "start_investigation": "已调取收费文件和会员大会决议",
    "decide": "收费超出章程规定标准，责令整改", "submit_evidence": "已向会员企业退还多收费用", "verify": "整改到位",
    "close": "结案",
}  # fmt: skip
VIOLATION = "(c.status IN ('rectifying', 'verified') OR (c.status = 'closed' AND c.id % 2 = 1))"


def add_histories() -> float:
    """Give every case without one the history and outcomes its status implies, as cases made through the
    services have: 1–7 events (the supervisor as actor; a complaint arrives without one) and, after a decision
    of violation, a `waive` outcome (and a `notify` for every third case). The case's own decision fields follow."""
    started = time.perf_counter()
    actor = staff_user("fees-history", region=None, roles=["supervisor"])
    steps = ", ".join(
        f"('{status}', {number}, '{action}', '{NOTES.get(action, '')}')"
        for status, actions in HISTORY_STEPS.items()
        for number, action in enumerate(actions, start=1)
    )
    with connection.cursor() as cursor:
        # The cases without a history, fixed first: an anti-join inside the INSERT, planned on an empty table,
        # would scan the rows the INSERT adds (invisible to it, read all the same) once per case.
        cursor.execute("DROP TABLE IF EXISTS bench_bare_cases")
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_bare_cases AS SELECT c.id FROM fees_feecase c "
            "WHERE NOT EXISTS (SELECT 1 FROM fees_caseevent e WHERE e.case_id = c.id)"
        )
        cursor.execute("SELECT count(*) FROM bench_bare_cases")
        if not cursor.fetchone()[0]:
            cursor.execute("DROP TABLE bench_bare_cases")
            return time.perf_counter() - started
        cursor.execute("ANALYZE bench_bare_cases")
        cursor.execute(
            f"""
            INSERT INTO fees_caseevent (case_id, action, note, data, actor_id, created_at)
            SELECT c.id, p.action, p.note,
                   CASE p.action
                       WHEN 'created' THEN jsonb_build_object('source', c.source)
                       WHEN 'decide' THEN CASE WHEN {VIOLATION}
                           THEN jsonb_build_object('violation', true, 'deadline',
                                                   (c.created_at + interval '60 days')::date,
                                                   'outcomes', jsonb_build_array(jsonb_build_object(
                                                       'outcome', 'waive', 'amount', round(c.amount_charged / 2, 2)::text,
                                                       'enterprises', least(c.enterprises_affected, 10))))
                           ELSE jsonb_build_object('violation', false) END
                       ELSE '{{}}'::jsonb END,
                   CASE WHEN p.action = 'created' AND c.source = 'complaint' THEN NULL ELSE {actor.pk} END,
                   c.created_at + (p.step - 1) * interval '1 day'
              FROM fees_feecase c
              JOIN bench_bare_cases b ON b.id = c.id
              JOIN (VALUES {steps}) AS p (status, step, action, note) ON p.status = c.status
             WHERE NOT (c.status = 'closed' AND c.id % 2 = 0 AND p.step > 4)
            """
        )
        cursor.execute(
            f"""
            INSERT INTO fees_caseoutcome (case_id, outcome, amount, enterprises_benefiting, detail, new_standard,
                                          punishment, credit_list)
            SELECT c.id, o.outcome, CASE o.outcome WHEN 'waive' THEN round(c.amount_charged / 2, 2) ELSE 0 END,
                   CASE o.outcome WHEN 'waive' THEN least(c.enterprises_affected, 10) ELSE 0 END,
                   CASE o.outcome WHEN 'waive' THEN '退还多收会费' ELSE '在门户网站通报' END, '', '', ''
              FROM fees_feecase c
              JOIN bench_bare_cases b ON b.id = c.id
              CROSS JOIN (VALUES ('waive'), ('notify')) AS o (outcome)
             WHERE {VIOLATION} AND (o.outcome = 'waive' OR c.id % 3 = 0)
            """
        )
        cursor.execute(
            f"""
            UPDATE fees_feecase c
               SET violation = CASE WHEN c.status IN ('rectifying', 'verified', 'closed') THEN {VIOLATION} END,
                   accepted_at = c.created_at + interval '1 day',
                   decided_at = CASE WHEN c.status IN ('rectifying', 'verified', 'closed')
                                     THEN c.created_at + interval '3 days' END,
                   closed_at = CASE WHEN c.status = 'closed'
                                    THEN c.created_at + CASE WHEN {VIOLATION} THEN interval '6 days'
                                                             ELSE interval '3 days' END END
              FROM bench_bare_cases b
             WHERE b.id = c.id AND c.status NOT IN ('intake', 'dismissed')
            """
        )
        cursor.execute("DROP TABLE bench_bare_cases")
        for table in ("fees_caseevent", "fees_caseoutcome", "fees_feecase"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return time.perf_counter() - started


def row_queries(queries) -> list:
    """The SQL of the rows an API list serves (cases, their outcomes and events), not the caller's lookup."""
    return [q for q in queries if "fees_feecase" in q or "fees_caseoutcome" in q or "fees_caseevent" in q]


def case_list(region: str, repeat: int, order: str = "series") -> dict:
    client = token_client(f"fees-{region or 'all'}", scopes=["fees:read"], region=region)
    url = "/api/v1/fee-cases/?page_size=50"

    def api():
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return response

    _, queries = capture(api)
    sqls = row_queries(queries)

    times = timed_together({"api": api, "raw": lambda: replay_json(sqls)}, repeat, 3, digits=2, order=order)
    api_time, raw_time = times["api"], times["raw"]
    return {
        "region": region or "national",
        "api": api_time,
        "raw_sql_json": raw_time,
        "ratio": ratio(api_time, raw_time),
        "queries": len(queries),
        "row_queries": len(sqls),
    }


# The supervisor's page by hand: what it counts and the first page it shows (FeeCase's ordering; the organization
# by its name). {where} is the region's condition, none for the whole country.
SUPERVISOR_PAGE_SQL = [
    "SELECT count(*) FROM fees_feecase c {where}",
    "SELECT count(*) FROM fees_feecase c {where} {joiner} c.status = 'rectifying' AND c.deadline < current_date",
    """SELECT c.id, c.number, o.name, c.source, c.kind, c.fee_item, c.amount_charged, c.status, c.deadline,
              c.created_at
         FROM fees_feecase c JOIN orgs_organization o ON o.id = c.organization_id {where}
        ORDER BY c.created_at DESC, c.id DESC LIMIT 25""",
]


def supervisor_list(region: str, repeat: int, order: str = "series") -> list[dict]:
    client = staff_client(
        f"fees-supervisor-{region or 'national'}", region=region or None, roles=["supervisor"]
    )
    where, joiner, params = (
        ("WHERE c.region_id LIKE %s", "AND", [f"{region}%"]) if region else ("", "WHERE", [])
    )
    statements = [sql.format(where=where, joiner=joiner) for sql in SUPERVISOR_PAGE_SQL]

    def page_sql():
        return [raw(sql, params) for sql in statements]

    page, api = get_ok(client, "/fees/"), get_ok(client, "/api/v1/fee-cases/?page_size=50")
    page(), api()  # the login's one-time lookups (its scope, the cache) are not the list's queries
    response, page_queries = capture(page)
    counted, overdue, rows = page_sql()
    html = response.content.decode()
    assert all(row[1] in html for row in rows), "the page shows the rows of the hand-written SQL"
    _, api_queries = capture(api)
    api_sql = row_queries(api_queries)
    t = timed_together(
        {"page": page, "page SQL": page_sql, "api": api, "api SQL": lambda: replay_json(api_sql)},
        repeat,
        3,
        digits=2,
        order=order,
    )
    label = region or "national"
    return [
        {
            "case": f"supervisor's page /fees/, {label}",
            "django": t["page"],
            "sql": t["page SQL"],
            "ratio": ratio(t["page"], t["page SQL"]),
            "queries": len(page_queries),
            "cases_in_scope": counted[0][0],
            "overdue": overdue[0][0],
        },
        {
            "case": f"supervisor's API /api/v1/fee-cases/?page_size=50 (session), {label}",
            "django": t["api"],
            "sql": t["api SQL"],
            "ratio": ratio(t["api"], t["api SQL"]),
            "queries": len(api_queries),
            "row_queries": len(api_sql),
        },
    ]


def campaign_open_in_subprocess(categories: list[str]) -> dict:
    """Populate a nationwide campaign in a fresh process, so its peak memory is its own."""
    output = subprocess.run(
        [sys.executable, __file__, "--populate", ",".join(categories) or "all"],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def populate(categories: list[str]) -> None:
    from fees.models import FeeCampaign
    from fees.services import campaign_populate

    campaign = FeeCampaign.objects.create(
        name=f"bench {categories or 'all'}", region=None, categories=categories, starts_on="2026-01-01",
        ends_on="2026-12-31",
    )  # fmt: skip
    baseline = peak_rss_kb()
    started = time.perf_counter()
    written = campaign_populate(campaign_id=campaign.pk)
    seconds = time.perf_counter() - started
    peak = peak_rss_kb()
    FeeCampaign.objects.filter(pk=campaign.pk).delete()
    print(json.dumps({"region": "nationwide", "categories": categories, "organizations": written, "seconds": round(seconds, 1),
                      "peak_rss_mb": round(peak / 1024, 1), "growth_mb": round((peak - baseline) / 1024, 1)}))  # fmt: skip


def categories_with_about(n: int) -> list[str]:
    """The category whose live organizations are closest to n."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT category, count(*) FROM orgs_organization "
            "WHERE status IN ('active', 'abnormal') GROUP BY 1 ORDER BY abs(count(*) - %s) LIMIT 1",
            [n],
        )
        return [cursor.fetchone()[0]]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--city", default="3205")
    parser.add_argument("--order", choices=ORDERS, default="series", help="see common.timed_together")
    parser.add_argument("--populate", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL to the bench database.")
    if args.populate is not None:
        populate([] if args.populate == "all" else args.populate.split(","))
        return
    results = {"cases": args.cases, "order": args.order, "load_seconds": round(add_cases(args.cases), 1)}
    results["history_seconds"] = round(add_histories(), 1)
    results["case_list"] = [case_list(region, args.repeat, args.order) for region in (args.city, "")]
    results["supervisor"] = [
        case for region in (args.city, "") for case in supervisor_list(region, args.repeat, args.order)
    ]
    # Nationwide campaigns (no region): one over the categories that hold about 100,000 live organizations,
    # one over every live organization of the country.
    results["campaign_open"] = [
        campaign_open_in_subprocess(categories_with_about(100_000)),
        campaign_open_in_subprocess([]),
    ]
    small, large = results["campaign_open"]
    results["memory_ratio_1m_vs_100k"] = round(large["peak_rss_mb"] / small["peak_rss_mb"], 2)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "fees.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
