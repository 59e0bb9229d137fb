"""Party building at national scale (issue 8), on the data of bench/generate.py --party (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/party.py \\
        [--county 320506] [--repeat 5]

Measures in one run:
- coverage: party_building.selectors.coverage (org coverage and work coverage) for the whole country and for
  one county (--county-repeat runs), and the API (/api/v1/party/coverage/), against ONE hand-written SQL
  computing the same four counts (organizations, covered, work-covered, covered with a cross-appointment;
  target ≤ 1.5×); the numbers are compared;
- subtree: party_building.selectors.subtree of the 10,000-node subtree built by the generator and of a small
  one (query counts must be the same), and the API action (/api/v1/party-organizations/{id}/subtree/);
- worklists (not run unless named in --only): the 应建未建 and uncovered worklists as the coverage page reads
  them (first 51 rows, then the count) for the county, its city, its province and the country (a national
  party officer), and for the city by its own officer; no target. The
  应建未建 list reads each organization's latest accepted annual report, so it means most on a dataset made
  with --reports-years.
Figures: stdout and bench/out/party.json.
"""

import argparse
import os

from common import (
    HEADER,
    ORDERS,
    capture,
    line,
    plan,
    ratio,
    raw,
    require_postgres,
    staff_client,
    staff_user,
    timed,
    timed_together,
    write_report,
)
from django.conf import settings
from django.utils import timezone

LIVE_COVER = """c.from_date <= %(on)s AND (c.to_date IS NULL OR c.to_date > %(on)s)
                     AND (p.founded_on IS NULL OR p.founded_on <= %(on)s)
                     AND (p.dissolved_on IS NULL OR p.dissolved_on > %(on)s)"""
COVERAGE_SQL = f"""
SELECT count(*), count(*) FILTER (WHERE covered), count(*) FILTER (WHERE covered OR instructed),
       count(*) FILTER (WHERE covered AND crossed)
FROM (
    SELECT EXISTS (SELECT 1 FROM party_building_partycoverage c
                   JOIN party_building_partyorganization p ON p.id = c.party_organization_id
                   WHERE c.organization_id = o.id AND {LIVE_COVER}) AS covered,
           EXISTS (SELECT 1 FROM party_building_assignment a
                   WHERE a.organization_id = o.id AND a.from_date <= %(on)s
                     AND (a.to_date IS NULL OR a.to_date >= %(on)s)) AS instructed,
           EXISTS (SELECT 1 FROM party_building_partycoverage c
                   JOIN party_building_partyorganization p ON p.id = c.party_organization_id
                   JOIN party_building_organizationleader l ON l.organization_id = c.organization_id
                                                           AND l.name = p.secretary
                   WHERE c.organization_id = o.id AND {LIVE_COVER} AND p.secretary <> ''
                     AND (l.created_at AT TIME ZONE %(tz)s)::date <= %(on)s)
           OR EXISTS (SELECT 1 FROM party_building_organizationleader l
                      WHERE l.organization_id = o.id AND l.position = 'president' AND l.is_party_member
                        AND (l.created_at AT TIME ZONE %(tz)s)::date <= %(on)s) AS crossed
    FROM orgs_organization o
    WHERE o.region_id LIKE %(prefix)s
      AND (o.registered_on IS NULL OR o.registered_on <= %(on)s)
      AND (o.status IN ('active', 'abnormal') OR (o.status = 'deregistered' AND o.deregistered_on > %(on)s))
) s
"""


def coverage_cases(county: str, repeat: int, county_repeat: int, plans: list, order: str) -> list[dict]:
    from party_building.selectors import coverage

    user = staff_user("national-party-officer", region=None, roles=["party_officer"])
    client = staff_client("national-party-officer", region=None, roles=["party_officer"])
    on = timezone.localdate()
    cases = []
    for region, label, runs in (("", "whole country", repeat), (county, f"county {county}", county_repeat)):
        params = {"on": on, "prefix": f"{region}%", "tz": settings.TIME_ZONE}

        def selector(region=region):
            return coverage(user=user, region=region, on=on)

        def sql(params=params):
            return raw(COVERAGE_SQL, params)

        result, queries = capture(selector)
        sql_row = sql()[0]
        got = (
            result["org_coverage"]["denominator"],
            result["org_coverage"]["numerator"],
            result["work_coverage"]["numerator"],
            result["cross_appointment"]["numerator"],
        )
        url = "/api/v1/party/coverage/" + (f"?region={region}" if region else "")

        def api(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            return response

        api()  # the session's user is then read from the caller cache, as on every later request
        _, api_queries = capture(api)
        times = timed_together({"selector": selector, "sql": sql, "api": api}, runs, order=order)
        t_sel, t_sql, t_api = times["selector"], times["sql"], times["api"]
        main = max(queries, key=len)
        text, indexes, execution = plan(main)
        plans.append(f"=== coverage {label}\n{main}\n\n{text}\n")
        sql_text, _, sql_execution = plan(COVERAGE_SQL, params)
        plans.append(f"=== coverage SQL {label}\n\n{sql_text}\n")
        cases.append(
            {
                "case": f"coverage {label} (selector)",
                "django": t_sel,
                "sql": t_sql,
                "ratio": ratio(t_sel, t_sql),
                "target": 1.5,
                "queries": len(queries),
                "result": dict(
                    zip(("organizations", "covered", "work_covered", "cross_appointed"), got, strict=True)
                ),
                "same_result": got == tuple(sql_row),
                "sql_result": list(sql_row),
                "explain_ms": {"django": execution, "sql": sql_execution},
                "indexes": indexes,
            }
        )
        cases.append(
            {
                "case": f"coverage API {label}: {url}",
                "django": t_api,
                "sql": t_sql,
                "ratio": ratio(t_api, t_sql),
                "target": 1.5,
                "queries": len(api_queries),
            }
        )
    return cases


def subtree_cases(repeat: int) -> list[dict]:
    from party_building.models import PartyOrganization
    from party_building.selectors import subtree

    user = staff_user("national-party-officer", region=None, roles=["party_officer"])
    client = staff_client("national-party-officer", region=None, roles=["party_officer"])
    big = PartyOrganization.objects.get(name="江苏省行业协会商会综合党委")
    small = PartyOrganization.objects.filter(level="general_branch", path__startswith=big.path).first()
    cases = []
    for node in (big, small):

        def select(node=node):
            return subtree(node, user=user)

        select()  # the caller's scope is looked up once per user: keep that lookup out of the count
        nodes, queries = capture(select)
        t = timed(select, repeat)
        cases.append(
            {
                "case": f"subtree of {node.name} ({len(nodes):,} nodes, depth {node.depth}..)",
                "django": t,
                "queries": len(queries),
                "nodes": len(nodes),
                "covers": sum(len(n.live_coverages) for n in nodes),
                "max_depth": max(n.depth for n in nodes),
            }
        )
        url = f"/api/v1/party-organizations/{node.pk}/subtree/"

        def api(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            return response

        api()  # the session's user is then read from the caller cache, as on every later request
        _, api_queries = capture(api)
        cases.append(
            {
                "case": f"subtree API {url} ({len(nodes):,} nodes)",
                "django": timed(api, max(repeat // 2, 1)),
                "queries": len(api_queries),
            }
        )
    return cases


def worklist_cases(county: str, repeat: int) -> list[dict]:
    from party_building.selectors import should_build, uncovered

    national = staff_user("national-party-officer", region=None, roles=["party_officer"])
    city = staff_user(f"party-officer-{county[:4]}", region=county[:4], roles=["party_officer"])
    callers = [(national, region) for region in (county, county[:4], county[:2], "")] + [(city, county[:4])]
    cases = []
    for name, selector in (("应建未建 (should build)", should_build), ("uncovered", uncovered)):
        for user, region in callers:

            def first(region=region, selector=selector, user=user):
                return [o.pk for o in selector(user=user, region=region)[:51]]

            def count(region=region, selector=selector, user=user):
                return selector(user=user, region=region).count()

            total, count_queries = capture(count)
            rows, first_queries = capture(first)
            for step, fn, queries in (("first 51", first, first_queries), ("count", count, count_queries)):
                cases.append(
                    {
                        "case": f"worklist {name} {region or 'country'}"
                        f"{' (its own officer)' if user is city else ''}: {step} (count {total:,})",
                        "django": timed(fn, repeat),
                        "queries": len(queries),
                        "count": total,
                    }
                )
    return cases


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--county", default="320506")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--county-repeat", type=int, default=30, help="runs of the county's cases (milliseconds each)"
    )
    parser.add_argument("--only", default="coverage,subtree")
    parser.add_argument("--order", choices=ORDERS, default="series", help="see common.timed_together")
    args = parser.parse_args()
    require_postgres()
    from orgs.models import Organization
    from party_building.models import PartyCoverage, PartyOrganization

    sizes = {
        "organizations": Organization.objects.count(),
        "party_organizations": PartyOrganization.objects.count(),
        "party_coverages": PartyCoverage.objects.count(),
    }
    print(", ".join(f"{v:,} {k}" for k, v in sizes.items()))
    load_before = [round(x, 2) for x in os.getloadavg()]
    plans: list[str] = []
    only = set(args.only.split(","))
    cases = []
    if "coverage" in only:
        cases += coverage_cases(args.county, args.repeat, args.county_repeat, plans, args.order)
    if "subtree" in only:
        cases += subtree_cases(args.repeat)
    if "worklists" in only:
        cases += worklist_cases(args.county, args.repeat)
    from common import OUT

    OUT.mkdir(exist_ok=True)
    (OUT / "party-plans.txt").write_text("\n".join(plans))
    write_report(
        "party", {"dataset": sizes, "order": args.order, "load_average_before": load_before, "cases": cases}
    )
    print(HEADER)
    for c in cases:
        print(line(c["case"], c["django"], c.get("sql"), c.get("queries"), c.get("target")))
        if "result" in c:
            print(f"    {c['result']} same as SQL: {c['same_result']}")
    print(
        f"load average before {load_before}, after {[round(x, 2) for x in os.getloadavg()]} (2 CPUs, shared)"
    )


if __name__ == "__main__":
    main()
