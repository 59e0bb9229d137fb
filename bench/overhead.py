"""Where an API list's time goes beyond its SQL: a fixed cost per request and a cost per row, on each side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/overhead.py \\
        [--sizes 1,10,50,200] [--repeat 20]

The lists that issues 3, 7 and 9 compare with their SQL (the registry filtered to city 3205 with a national
token, the registrar's queue of city 3205, the fee cases of the whole country), each at several page sizes.
Every size is timed in turns with the SQL the request ran (captured after a first request, replayed through
psycopg and dumped with json.dumps, as the other benchmarks do), wall time and CPU time of this process. A
straight line through each side's medians, t = fixed + per_row × rows, splits them: the ratio at 50 rows is
(fixed_api + 50 per_row_api) ÷ (fixed_sql + 50 per_row_sql). Figures: a table on stdout and
bench/out/overhead.json.
"""

import argparse
import statistics
import sys
import time

from common import capture, replay_json, require_postgres, timed_together, token_client, write_report  # noqa: E402

CASES = [
    ("registry list, city 3205, national token", "orgs:read", "", "/api/v1/organizations/?region=3205&"),
    (
        "registrar's queue API, city 3205",
        "registration:read",
        "3205",
        "/api/v1/registration-applications/?ordering=due_on&",
    ),
    ("fee case list, the country", "fees:read", "", "/api/v1/fee-cases/?"),
]


def cpu_ms(fn, repeat: int) -> float:
    """Median CPU time (ms) of this process for one call."""
    samples = []
    for _ in range(repeat):
        started = time.process_time()
        fn()
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def line_fit(xs: list[int], ys: list[float]) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line."""
    slope, intercept = statistics.linear_regression(xs, ys)
    return intercept, slope


def measure(label: str, scopes: list[str], region: str, base: str, sizes: list[int], repeat: int) -> dict:
    client = token_client("overhead", scopes=scopes, region=region)
    rows = []
    for size in sizes:
        url = f"{base}page_size={size}"

        def api(url=url):
            response = client.get(url)
            assert response.status_code == 200, response.content[:300]
            return response

        api()  # the token's one-time lookups are not the list's queries
        response, queries = capture(api)
        shown = len(response.json()["results"])
        times = timed_together({"api": api, "sql": lambda q=queries: replay_json(q)}, repeat, 3, digits=2)
        rows.append(
            {
                "page_size": size,
                "rows": shown,
                "queries": len(queries),
                "api_ms": times["api"]["median_ms"],
                "sql_ms": times["sql"]["median_ms"],
                "ratio": round(times["api"]["median_ms"] / times["sql"]["median_ms"], 2),
                "api_cpu_ms": round(cpu_ms(api, repeat), 2),
                "sql_cpu_ms": round(cpu_ms(lambda q=queries: replay_json(q), repeat), 2),
            }
        )
    counts = [r["rows"] for r in rows]
    fit = {}
    for key in ("api_ms", "sql_ms", "api_cpu_ms", "sql_cpu_ms"):
        fixed, per_row = line_fit(counts, [r[key] for r in rows])
        fit[key] = {"fixed_ms": round(fixed, 2), "per_row_us": round(per_row * 1000, 1)}
    return {"case": label, "sizes": rows, "fit": fit}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1,10,50,200")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    require_postgres()
    sizes = [int(s) for s in args.sizes.split(",")]
    cases = [
        measure(label, [scope], region, base, sizes, args.repeat) for label, scope, region, base in CASES
    ]

    print(
        f"{'case':<42} {'rows':>5} {'q':>2} {'api ms':>8} {'sql ms':>8} {'ratio':>6} {'api cpu':>8} {'sql cpu':>8}"
    )
    for case in cases:
        for r in case["sizes"]:
            print(
                f"{case['case'][:42]:<42} {r['rows']:>5} {r['queries']:>2} {r['api_ms']:>8} {r['sql_ms']:>8} "
                f"{r['ratio']:>6} {r['api_cpu_ms']:>8} {r['sql_cpu_ms']:>8}"
            )
        f = case["fit"]
        print(
            f"{'':<42} fixed: API {f['api_ms']['fixed_ms']} ms (CPU {f['api_cpu_ms']['fixed_ms']}), "
            f"SQL {f['sql_ms']['fixed_ms']} ms (CPU {f['sql_cpu_ms']['fixed_ms']}); per row: API "
            f"{f['api_ms']['per_row_us']} µs (CPU {f['api_cpu_ms']['per_row_us']}), SQL {f['sql_ms']['per_row_us']} µs "
            f"(CPU {f['sql_cpu_ms']['per_row_us']})"
        )
    path = write_report("overhead", {"sizes": sizes, "repeat": args.repeat, "cases": cases})
    print(f"(medians over {args.repeat} runs in turns; {path.relative_to(path.parents[2])})", file=sys.stderr)


if __name__ == "__main__":
    main()
