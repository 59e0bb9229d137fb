"""A county's party coverage in one process, in turns: the hand-written SQL of bench/party.py, the selector and
the API (the session of a national party officer), each as wall time and as this process's CPU time
(`time.process_time`: what Django and DRF spend, without waiting for PostgreSQL), on the data of
bench/generate.py --party.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/coverage_cpu.py \\
        [--county 320506] [--repeat 150]

Run from two work trees (`git worktree add`, the same .venv), one after the other, to compare two commits on
the same machine. Figures: stdout.
"""

import argparse
import statistics
import time

from common import raw, require_postgres, staff_client, staff_user
from django.conf import settings
from django.utils import timezone
from party import COVERAGE_SQL


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--county", default="320506")
    parser.add_argument("--repeat", type=int, default=150)
    args = parser.parse_args()
    require_postgres()
    from party_building.selectors import coverage

    on = timezone.localdate()
    user = staff_user("national-party-officer", region=None, roles=["party_officer"])
    client = staff_client("national-party-officer", region=None, roles=["party_officer"])
    params = {"on": on, "prefix": f"{args.county}%", "tz": settings.TIME_ZONE}
    url = f"/api/v1/party/coverage/?region={args.county}"

    def api():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    cases = {
        "sql": lambda: raw(COVERAGE_SQL, params),
        "selector": lambda: coverage(user=user, region=args.county, on=on),
        "api": api,
    }
    for fn in cases.values():
        for _ in range(5):
            fn()
    wall = {name: [] for name in cases}
    cpu = {name: [] for name in cases}
    for _ in range(args.repeat):
        for name, fn in cases.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            fn()
            cpu[name].append((time.process_time() - started_cpu) * 1000)
            wall[name].append((time.perf_counter() - started) * 1000)
    sql_wall = statistics.median(wall["sql"])
    print(f"county {args.county}, {args.repeat} turns; medians in ms")
    for name in cases:
        median = statistics.median(wall[name])
        print(
            f"{name:<9} wall {median:7.2f}  cpu {statistics.median(cpu[name]):6.2f}  ÷ sql {median / sql_wall:5.2f}"
        )


if __name__ == "__main__":
    main()
