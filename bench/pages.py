"""Staff pages at national scale: time, queries and size of the pages a city and a national officer open
first, on the data of bench/generate.py (PostgreSQL, DEBUG off).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/pages.py [--repeat 10]

Each page is fetched through the Django test client, logged in as a bench staff user of the city (--city) or
of the whole country; the figures are the median and p95 of --repeat fetches after one, the queries of one
fetch and the bytes of the page. No target: the issues set none for these pages; the figures show where a
page's time goes as the registry grows (a list walked along an index, a select of every region).
Figures: stdout and bench/out/pages.json.
"""

import argparse
import os

from common import HEADER, capture, get_ok, line, require_postgres, staff_client, timed, write_report

PAGES = [
    ("registry", "/organizations/"),
    ("registry sorted by credit code", "/organizations/?sort=credit_code"),
    ("registry of the city {city}", "/organizations/?region={city}"),
    ("registry of the province {province}", "/organizations/?region={province}"),
    ("filing overview", "/annual-reports/"),
    ("party work stations", "/party/stations/"),
    ("party leaders", "/party/leaders/"),
    ("fee cases", "/fees/"),
]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--city", default="3205")
    args = parser.parse_args()
    require_postgres()
    roles = ["registrar", "statistician", "party_officer", "supervisor"]
    load_before = [round(x, 2) for x in os.getloadavg()]
    cases = []
    for scope, region in ((f"city {args.city}", args.city), ("country", None)):
        client = staff_client(f"pages-{region or 'national'}", region=region, roles=roles)
        for label, path in PAGES:
            url = path.format(city=args.city, province=args.city[:2])
            if region and "province" in label:
                continue  # a province is outside the city's scope
            fetch = get_ok(client, url)
            response, queries = capture(fetch, keep=False)
            cases.append(
                {
                    "case": f"{label.format(city=args.city, province=args.city[:2])} ({scope})",
                    "url": url,
                    "django": timed(fetch, args.repeat),
                    "queries": len(queries),
                    "bytes": len(response.content),
                }
            )
    write_report("pages", {"load_average_before": load_before, "cases": cases})
    print(HEADER)
    for c in cases:
        print(f"{line(c['case'], c['django'], queries=c['queries'])}  {c['bytes']:,} bytes  {c['url']}")
    print(f"load average before {load_before}, after {[round(x, 2) for x in os.getloadavg()]}")


if __name__ == "__main__":
    main()
