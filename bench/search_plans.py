"""How the plan of the registry's name search turns on the ANALYZE sample (PostgreSQL), on the data of
bench/generate.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/search_plans.py \\
        [--rounds 5] [--terms 复合材料,fhcl,协会,苏州,中国复合材料工业协会]

The statement of each search is the API's own, captured from GET /api/v1/organizations/?q=<term>&page_size=50
with a national token (as bench/registry.py). Each round runs `ANALYZE orgs_organization`, then for each term
EXPLAIN (ANALYZE) twice and keeps the second: PostgreSQL's estimate of the names matching, the scan it chose
and the execution time. The matching names are counted once per term. Figures: a table on stdout and
bench/out/search_plans.json.
"""

import argparse
from urllib.parse import urlencode

from common import require_postgres, write_report
from django.db import connection
from django.test.utils import CaptureQueriesContext
from registry import client_for, main_query

TERMS = "复合材料,fhcl,协会,苏州,中国复合材料工业协会"


def statement(client, term: str) -> str:
    url = f"/api/v1/organizations/?{urlencode({'q': term, 'page_size': 50})}"
    client.get(url)  # the token's last_used_at is written at most once a minute: out of the way
    with CaptureQueriesContext(connection) as capture:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return main_query(list(capture.captured_queries))


def scan_of(node: dict) -> dict:
    """The first node reading orgs_organization: a bitmap heap scan, an index scan or a sequential scan."""
    if node.get("Relation Name") == "orgs_organization":
        return node
    for child in node.get("Plans", []):
        found = scan_of(child)
        if found:
            return found
    return {}


def explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        for _ in range(2):  # the second run, with the pages the first one read
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            (result,) = cursor.fetchone()
    top = result[0]
    scan = scan_of(top["Plan"])
    return {
        "estimated_rows": scan.get("Plan Rows"),
        "scan": " ".join(filter(None, [scan.get("Node Type"), scan.get("Index Name")])),
        "ms": round(top["Execution Time"], 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--terms", default=TERMS)
    args = parser.parse_args()
    require_postgres()
    client = client_for("")
    terms = args.terms.split(",")
    statements = {term: statement(client, term) for term in terms}
    matching = {}
    with connection.cursor() as cursor:
        for term, sql in statements.items():
            where = sql[sql.index(" WHERE ") : sql.index(" ORDER BY ")]
            cursor.execute(f'SELECT count(*) FROM "orgs_organization"{where}')
            matching[term] = cursor.fetchone()[0]
    rounds = []
    for number in range(1, args.rounds + 1):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE orgs_organization")
        rounds.append({"round": number, "terms": {term: explain(sql) for term, sql in statements.items()}})

    print(f"{'term':<24} {'matching':>9}  round: estimate, scan, ms")
    for term in terms:
        cells = [
            f"{r['terms'][term]['estimated_rows']:>7} {r['terms'][term]['scan']:<48} {r['terms'][term]['ms']:>8}"
            for r in rounds
        ]
        print(f"{term:<24} {matching[term]:>9}")
        for number, cell in enumerate(cells, 1):
            print(f"{'':<24} {'':>9}  {number}: {cell}")
    write_report("search_plans", {"matching": matching, "statements": statements, "rounds": rounds})


if __name__ == "__main__":
    main()
